import { resourcePolicy } from "../lib/define";
import { SAGEMAKER } from "../lib/sagemaker";
import { isSet } from "../lib/settings";

/** Studio domains encrypt the EFS volume that holds their users' home directories with a customer-managed key. */
export const sagemakerDomainKms = resourcePolicy({
  name: "sagemaker-domain-kms",
  description: "SageMaker Studio domains encrypt their storage with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set kmsKeyId on the aws.sagemaker.Domain to a customer-managed key (the lake's key). It cannot change after creation.",
  types: [SAGEMAKER.domain],
  checkov: ["CKV_AWS_187"],
  validate: (args, report) => {
    if (!isSet(() => args.props.kmsKeyId)) {
      report(
        `Domain ${JSON.stringify(args.name)} has no kmsKeyId: its users' home directories are not encrypted with a customer-managed key`,
      );
    }
  },
});
