import { resourcePolicy } from "../lib/define";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";
import { block, GLUE, hasValue, renderMode } from "./types";

/** What each part of a security configuration must use, and where it is set. */
const PARTS = [
  { block: "s3Encryption", mode: "s3EncryptionMode", expected: "SSE-KMS", what: "S3 data" },
  {
    block: "cloudwatchEncryption",
    mode: "cloudwatchEncryptionMode",
    expected: "SSE-KMS",
    what: "CloudWatch logs",
  },
  {
    block: "jobBookmarksEncryption",
    mode: "jobBookmarksEncryptionMode",
    expected: "CSE-KMS",
    what: "job bookmarks",
  },
] as const;

/** What names a security configuration: how messages call it, and what it leaves unencrypted without one. */
const USERS: Readonly<Record<string, { readonly kind: string; readonly unencrypted: string }>> = {
  [GLUE.job]: { kind: "Glue job", unencrypted: "its S3 output, logs and job bookmarks are" },
  [GLUE.crawler]: { kind: "Glue crawler", unencrypted: "its logs are" },
  [GLUE.devEndpoint]: {
    kind: "Glue development endpoint",
    unencrypted: "its S3 output, logs and job bookmarks are",
  },
};

/**
 * Every Glue job, crawler and development endpoint names a security configuration, and every security
 * configuration encrypts with KMS: S3 output SSE-KMS, CloudWatch logs SSE-KMS and job bookmarks CSE-KMS, each with
 * a key. Without one, a job writes its output with the bucket's default only, and its logs and bookmarks
 * unencrypted. Stricter than Checkov's CKV_AWS_99 on S3: it passes SSE-S3 there; this pack's data is under KMS
 * keys it controls, so S3 output is SSE-KMS too.
 */
export const glueSecurityConfiguration = resourcePolicy({
  name: "glue-security-configuration",
  description:
    "Glue jobs, crawlers and dev endpoints name a security configuration that encrypts everything with KMS.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Declare an aws.glue.SecurityConfiguration with s3Encryption SSE-KMS, cloudwatchEncryption SSE-KMS and " +
    "jobBookmarksEncryption CSE-KMS, each with a kmsKeyArn, and set securityConfiguration on every aws.glue.Job, " +
    "aws.glue.Crawler and aws.glue.DevEndpoint to its name (the DataCatalog component does).",
  types: [GLUE.job, GLUE.crawler, GLUE.devEndpoint, GLUE.securityConfiguration],
  checkov: ["CKV_AWS_99", "CKV_AWS_195"],
  validate: (args, report) => {
    const name = JSON.stringify(args.name);
    if (args.type !== GLUE.securityConfiguration) {
      const named = peek((): unknown => args.props.securityConfiguration);
      const user = USERS[args.type];
      if (user && named !== UNKNOWN && !hasValue(named)) {
        report(
          `${user.kind} ${name} names no securityConfiguration: ${user.unencrypted} not encrypted with KMS`,
        );
      }
      return;
    }
    const config = block(requireKnown((): unknown => args.props.encryptionConfiguration));
    for (const part of PARTS) {
      const settings = block(requireKnown(() => config?.[part.block]));
      const mode = requireKnown(() => settings?.[part.mode]);
      const path = `encryptionConfiguration.${part.block}`;
      if (mode !== part.expected) {
        report(
          `Security configuration ${name} encrypts ${part.what} with ${renderMode(mode, "DISABLED (the default)")}: ` +
            `set ${path}.${part.mode} to ${part.expected} with a kmsKeyArn`,
        );
      } else if (!hasValue(peek(() => settings?.kmsKeyArn))) {
        report(
          `Security configuration ${name} sets ${path}.${part.mode} ${part.expected} without a kmsKeyArn: name the key`,
        );
      }
    }
  },
});
