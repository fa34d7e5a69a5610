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

/**
 * Every Glue job and crawler names a security configuration, and every security configuration encrypts with KMS:
 * S3 output SSE-KMS, CloudWatch logs SSE-KMS and job bookmarks CSE-KMS, each with a key. Without one, a job writes
 * its output with the bucket's default only, and its logs and bookmarks unencrypted.
 */
export const glueSecurityConfiguration = resourcePolicy({
  name: "glue-security-configuration",
  description:
    "Glue jobs and crawlers name a security configuration that encrypts S3, CloudWatch logs and bookmarks with KMS.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Declare an aws.glue.SecurityConfiguration with s3Encryption SSE-KMS, cloudwatchEncryption SSE-KMS and " +
    "jobBookmarksEncryption CSE-KMS, each with a kmsKeyArn, and set securityConfiguration on every aws.glue.Job " +
    "and aws.glue.Crawler to its name (the DataCatalog component does).",
  types: [GLUE.job, GLUE.crawler, GLUE.securityConfiguration],
  validate: (args, report) => {
    const name = JSON.stringify(args.name);
    if (args.type === GLUE.job || args.type === GLUE.crawler) {
      const named = peek((): unknown => args.props.securityConfiguration);
      if (named !== UNKNOWN && !hasValue(named)) {
        report(
          args.type === GLUE.job
            ? `Glue job ${name} names no securityConfiguration: its S3 output, logs and job bookmarks are not encrypted with KMS`
            : `Glue crawler ${name} names no securityConfiguration: its logs are not encrypted with KMS`,
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
