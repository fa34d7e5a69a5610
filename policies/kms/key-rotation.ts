import { resourcePolicy } from "../lib/define";
import { KMS_KEY } from "../lib/types";

/**
 * Customer-managed KMS keys rotate their key material automatically, at least yearly. Only symmetric
 * encryption keys can rotate automatically: asymmetric and HMAC keys are not applicable.
 */
export const kmsKeyRotation = resourcePolicy({
  name: "kms-key-rotation",
  description: "Customer-managed symmetric KMS keys rotate their key material automatically.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set enableKeyRotation: true on the aws.kms.Key (and rotationPeriodInDays within the limit).",
  types: [KMS_KEY],
  checkov: ["CKV_AWS_7"],
  config: {
    maxRotationPeriodDays: {
      type: "integer",
      minimum: 90,
      maximum: 2560,
      default: 365,
      description: "Longest rotation period accepted, in days (AWS allows 90 to 2560; the default is 365)",
    },
  },
  validate: (args, report) => {
    const { maxRotationPeriodDays } = args.getConfig<{ maxRotationPeriodDays: number }>();
    const spec = (args.props.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT") as string;
    if (spec !== "SYMMETRIC_DEFAULT") {
      args.notApplicable(`Keys with spec ${spec} cannot rotate automatically`);
    }
    if (args.props.enableKeyRotation !== true) {
      report(`KMS key ${JSON.stringify(args.name)} does not rotate: set enableKeyRotation to true`);
      return;
    }
    const period = args.props.rotationPeriodInDays as number | undefined;
    if (period !== undefined && period > maxRotationPeriodDays) {
      report(
        `KMS key ${JSON.stringify(args.name)} rotates every ${period} days, longer than the ${maxRotationPeriodDays} allowed`,
      );
    }
  },
});
