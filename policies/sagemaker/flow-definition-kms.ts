import { resourcePolicy } from "../lib/define";
import { SAGEMAKER } from "../lib/sagemaker";
import { UndecidedReads } from "../lib/settings";

/** Human-review (Augmented AI) flow definitions encrypt the reviewers' answers they write to S3 with a customer-managed key. */
export const sagemakerFlowDefinitionKms = resourcePolicy({
  name: "sagemaker-flow-definition-kms",
  description: "SageMaker flow definitions encrypt their output with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set outputConfig.kmsKeyId on the aws.sagemaker.FlowDefinition to a customer-managed key (the lake's key).",
  types: [SAGEMAKER.flowDefinition],
  checkov: ["CKV_AWS_372"],
  validate: (args, report) => {
    const undecided = new UndecidedReads();
    if (undecided.isSetIn(() => args.props.outputConfig, "kmsKeyId") === false) {
      report(
        `Flow definition ${JSON.stringify(args.name)} has no outputConfig.kmsKeyId: its human-loop output is not encrypted with a customer-managed key`,
      );
    }
    undecided.settle();
  },
});
