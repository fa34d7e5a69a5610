import { resourcePolicy } from "../lib/define";
import { peek } from "../lib/unknown";
import { describeRedshift, isFalse, isTrue, prop, REDSHIFT } from "./types";

/** Master user names that password-guessing tries first (Checkov's CKV_AWS_391 list). */
const COMMON_USERNAMES = ["awsuser", "administrator", "admin"];

/**
 * Redshift clusters and Redshift Serverless workgroups are never publicly accessible: they get no public IP
 * address and are reached from inside the VPC only. The setting must be explicit, since the provider's
 * default for clusters has changed between versions. A public cluster whose master user has a common name
 * (awsuser, admin, administrator) says so: half of a login is then guessed already. Any public cluster fails,
 * whatever its user's name, so this covers Checkov's CKV_AWS_391 (common name and public) as well as CKV_AWS_87.
 */
export const redshiftNotPublic = resourcePolicy({
  name: "redshift-not-public",
  description: "Redshift clusters and Redshift Serverless workgroups set publiclyAccessible to false.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set publiclyAccessible: false on the aws.redshift.Cluster or aws.redshiftserverless.Workgroup, and let " +
    "clients in through the VPC (security group rules on port 5439, VPN or peering).",
  types: [REDSHIFT.cluster, REDSHIFT.workgroup],
  checkov: ["CKV_AWS_87", "CKV_AWS_391"],
  validate: (args, report) => {
    const publiclyAccessible = prop(args, "publiclyAccessible");
    if (isFalse(publiclyAccessible)) return;
    const subject = describeRedshift(args);
    // Public fails whatever the name: a name unknown during preview only leaves the remark out.
    const username =
      args.type === REDSHIFT.cluster ? peek((): unknown => args.props.masterUsername) : undefined;
    const common =
      typeof username === "string" && COMMON_USERNAMES.includes(username.toLowerCase())
        ? `, and its master user has the common name ${JSON.stringify(username)}`
        : "";
    report(
      isTrue(publiclyAccessible)
        ? `${subject} is publicly accessible${common}: set publiclyAccessible to false`
        : `${subject} leaves publiclyAccessible unset${common}: set it to false (the provider's default has changed between versions)`,
    );
  },
});
