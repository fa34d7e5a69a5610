import { resourcePolicy } from "../lib/define";
import { peek, requireKnown } from "../lib/unknown";
import { ATHENA } from "./types";

/** The options that need a KMS key. */
const KMS_OPTIONS = ["SSE_KMS", "CSE_KMS"];

/**
 * An aws.athena.Database encrypts what Athena writes for it (the results of the DDL it runs, in its `bucket`):
 * `encryptionConfiguration.encryptionOption` is set (SSE_S3, SSE_KMS or CSE_KMS), and a KMS option names its key.
 * Databases the platform declares through the Glue Data Catalog (aws.glue.CatalogDatabase) have no such setting:
 * the catalog's encryption settings cover them (glue-data-catalog-encrypted).
 */
export const athenaDatabaseEncrypted = resourcePolicy({
  name: "athena-database-encrypted",
  description: "Athena databases set an encryption option for the results Athena writes for them.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set encryptionConfiguration { encryptionOption: SSE_KMS, kmsKey } on the aws.athena.Database (SSE_S3 at the " +
    "least), or declare the database as an aws.glue.CatalogDatabase.",
  types: [ATHENA.database],
  checkov: ["CKV_AWS_77"],
  validate: (args, report) => {
    const name = `Athena database ${JSON.stringify(args.name)}`;
    const encryption = requireKnown(
      () => args.props.encryptionConfiguration as Record<string, unknown> | undefined,
    );
    const option = requireKnown(() => encryption?.encryptionOption);
    if (option === undefined || option === null || option === "") {
      report(
        `${name} sets no encryptionConfiguration.encryptionOption: the results Athena writes for it are not encrypted ` +
          "by Athena; set SSE_KMS with a kmsKey",
      );
    } else if (typeof option === "string" && KMS_OPTIONS.includes(option)) {
      // A key unknown during preview is a key all the same.
      const key = peek(() => encryption?.kmsKey);
      if (key === undefined || key === null || key === "") {
        report(`${name} encrypts with ${option} without a kmsKey: name the key`);
      }
    }
  },
});
