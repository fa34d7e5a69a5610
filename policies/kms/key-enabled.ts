import { resourcePolicy } from "../lib/define";
import { KMS_KEY } from "../lib/types";

/**
 * Keys are enabled: a disabled key cannot encrypt or decrypt, so every store, queue and log group encrypted
 * with it stops working. Left unset, a key is enabled.
 */
export const kmsKeyEnabled = resourcePolicy({
  name: "kms-key-enabled",
  description: "KMS keys are enabled.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove isEnabled: false from the aws.kms.Key (or set it to true); to retire a key, schedule its deletion " +
    "once nothing uses it, with an exception for the time between.",
  types: [KMS_KEY],
  checkov: ["CKV_AWS_227"],
  validate: (args, report) => {
    // Read plainly: during preview an unknown value cannot be judged, and CrossGuard says so.
    if (args.props.isEnabled === false) {
      report(
        `KMS key ${JSON.stringify(args.name)} has isEnabled false: nothing can encrypt or decrypt with it; enable it`,
      );
    }
  },
});
