import { resourcePolicy } from "../lib/define";
import { describeRedshift, prop, REDSHIFT } from "./types";

/** The database Redshift creates when none is named. */
const DEFAULT_DATABASE = "dev";

/**
 * Redshift clusters and Serverless namespaces name their first database: left out, it is `dev`, the name every
 * scanner and tutorial tries first. Checkov's CKV_AWS_320 passes any name given, `dev` included; naming it `dev`
 * explicitly fails here too, since it is the same default. The namespace (`dbName`) has the same default.
 */
export const redshiftDatabaseName = resourcePolicy({
  name: "redshift-database-name",
  description: "Redshift clusters and Serverless namespaces name their first database, not the default dev.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set databaseName (aws.redshift.Cluster) or dbName (aws.redshiftserverless.Namespace) to a name of the " +
    "platform's own (the Warehouse component uses mlplat:redshift.databaseName, default analytics).",
  types: [REDSHIFT.cluster, REDSHIFT.namespace],
  checkov: ["CKV_AWS_320"],
  validate: (args, report) => {
    const property = args.type === REDSHIFT.cluster ? "databaseName" : "dbName";
    const name = prop(args, property);
    if (name === undefined || name === null || name === "") {
      report(
        `${describeRedshift(args)} leaves ${property} unset, so its database is the default "dev": name it`,
      );
    } else if (typeof name === "string" && name.toLowerCase() === DEFAULT_DATABASE) {
      report(
        `${describeRedshift(args)} sets ${property} to the default "dev": give the database a name of its own`,
      );
    }
  },
});
