import { resourcePolicy } from "../lib/define";
import { SAGEMAKER } from "../lib/sagemaker";
import { isSet } from "../lib/settings";

/** Endpoint configs name a KMS key for the volumes of their instances (seed §8.3). */
export const sagemakerEndpointConfigKms = resourcePolicy({
  name: "sagemaker-endpoint-config-kms",
  description: "SageMaker endpoint configurations encrypt their storage with a KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set kmsKeyArn on the aws.sagemaker.EndpointConfiguration to a customer-managed key (the lake's key).",
  types: [SAGEMAKER.endpointConfig],
  checkov: ["CKV_AWS_98"],
  validate: (args, report) => {
    // A key that is unknown during preview is still a key: only its absence is a violation.
    if (!isSet(() => args.props.kmsKeyArn)) {
      report(
        `Endpoint configuration ${JSON.stringify(args.name)} has no kmsKeyArn: its volumes are not encrypted with a customer-managed key`,
      );
    }
  },
});
