import type { ResourceValidationArgs } from "@pulumi/policy";

import { resourcePolicy } from "../lib/define";
import { EMR, field, isTrue, prop } from "./types";

/** The two encryption switches of an EMR security configuration, and what each one covers. */
const SWITCHES = [
  ["EnableAtRestEncryption", "at-rest", "with S3 SSE-KMS and local disk KMS encryption"],
  ["EnableInTransitEncryption", "in-transit", "with a TLS certificate provider"],
] as const;

/**
 * EMR on EC2 clusters run under a security configuration, and every security configuration the stack declares
 * enables both at-rest encryption (EMRFS data in S3, local disks) and in-transit encryption (TLS between
 * nodes). A cluster without one writes its shuffle and HDFS data to unencrypted local disks.
 */
export const emrSecurityConfiguration = resourcePolicy({
  name: "emr-security-configuration",
  description:
    "EMR clusters use a security configuration, and security configurations enable at-rest and in-transit encryption.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Declare an aws.emr.SecurityConfiguration whose EncryptionConfiguration sets EnableAtRestEncryption and " +
    "EnableInTransitEncryption to true (the SparkProcessing component's ec2SecurityConfiguration does), and set " +
    "securityConfiguration on the aws.emr.Cluster to its name.",
  types: [EMR.cluster, EMR.securityConfiguration],
  validate: (args, report) => {
    if (args.type === EMR.cluster) {
      const name = prop(args, "securityConfiguration");
      if (typeof name !== "string" || name === "") {
        report(
          `EMR cluster ${JSON.stringify(args.name)} has no securityConfiguration: give it one that enables at-rest and in-transit encryption`,
        );
      }
      return;
    }
    checkConfiguration(args, report);
  },
});

function checkConfiguration(args: ResourceValidationArgs, report: (message: string) => void): void {
  const subject = `EMR security configuration ${JSON.stringify(args.name)}`;
  const text = prop(args, "configuration");
  let document: unknown;
  try {
    document = typeof text === "string" ? JSON.parse(text) : undefined;
  } catch {
    document = undefined;
  }
  if (document === null || typeof document !== "object") {
    report(`${subject} has a configuration that is not a JSON object: it enables no encryption`);
    return;
  }
  const encryption = field(document, "EncryptionConfiguration");
  for (const [flag, kind, how] of SWITCHES) {
    if (!isTrue(field(encryption, flag))) {
      report(
        `${subject} does not enable ${kind} encryption (EncryptionConfiguration.${flag}): set it to true ${how}`,
      );
    }
  }
}
