import { stackPolicy } from "../lib/define";
import { KMS_KEY } from "../lib/types";
import { peek, UNKNOWN } from "../lib/unknown";
import { KMS_KEY_POLICY } from "./key-policy-no-wildcard-principal";

/**
 * Keys have a policy written in the program (the key's policy, or an aws.kms.KeyPolicy of it), so that who may
 * use and administer each key is reviewed with the code. Without one, KMS applies its default key policy: the
 * account administers the key and IAM policies grant its use. That is a sound baseline, and several of the
 * platform's keys rely on it on purpose, so this is advisory.
 */
export const kmsKeyPolicyDefined = stackPolicy({
  name: "kms-key-policy-defined",
  description: "KMS keys have a key policy written in the program.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set policy on the aws.kms.Key (or declare an aws.kms.KeyPolicy for it) with the account's administration " +
    "statement and the service principals that use the key, each limited by aws:SourceArn or an encryption context.",
  checkov: ["CKV2_AWS_64"],
  validate: (args, report) => {
    const keys = args.resources.filter((r) => r.type === KMS_KEY);
    if (keys.length === 0) args.notApplicable("The stack declares no KMS keys");
    const policies = args.resources.filter((r) => r.type === KMS_KEY_POLICY);
    for (const key of keys) {
      const policy = peek(() => key.props.policy as unknown);
      if (policy === UNKNOWN || (typeof policy === "string" && policy !== "")) continue;
      if (policy !== undefined && policy !== null && typeof policy === "object") continue;
      const separate = policies.some(
        (p) =>
          (p.propertyDependencies.keyId ?? []).some((d) => d.urn === key.urn) ||
          peek(() => p.props.keyId as unknown) === key.name,
      );
      if (separate) continue;
      report(
        `KMS key ${JSON.stringify(key.name)} has no key policy (policy is not set and no aws.kms.KeyPolicy names it): KMS applies its default policy; write the key's policy in the program`,
        key.urn,
      );
    }
  },
});
