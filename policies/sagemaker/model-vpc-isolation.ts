import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { isServerlessOnly, SAGEMAKER, variantsOf } from "../lib/sagemaker";
import { UndecidedReads } from "../lib/settings";
import { peek, UNKNOWN } from "../lib/unknown";

/**
 * Models run in the platform's VPC with network isolation (seed §8.3): `vpcConfig` with subnets and security
 * groups, and `enableNetworkIsolation`. A model that only serverless variants serve is not applicable: SageMaker
 * Serverless Inference supports neither a VPC nor network isolation.
 */
export const sagemakerModelVpcIsolation = stackPolicy({
  name: "sagemaker-model-vpc-isolation",
  description: "SageMaker models run in a VPC with network isolation.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Give the aws.sagemaker.Model a vpcConfig (private subnets, security groups) and enableNetworkIsolation: true.",
  checkov: ["CKV_AWS_370"],
  validate: (args, report) => {
    const models = args.resources.filter((r) => r.type === SAGEMAKER.model);
    if (models.length === 0) args.notApplicable("The stack declares no SageMaker models");
    const configs = args.resources.filter((r) => r.type === SAGEMAKER.endpointConfig);
    const undecided = new UndecidedReads();
    for (const model of models) {
      const servedBy = configs.filter((c) => serves(c, model));
      if (servedBy.length > 0 && servedBy.every((c) => isServerlessOnly(c.props))) continue;
      const vpc = model.props.vpcConfig as { subnets?: unknown[]; securityGroupIds?: unknown[] } | undefined;
      const name = JSON.stringify(model.name);
      if (vpc === undefined || !vpc.subnets?.length || !vpc.securityGroupIds?.length) {
        report(
          `Model ${name} has no vpcConfig with subnets and security groups: it runs outside the platform's VPC`,
          model.urn,
        );
      }
      const isolation = undecided.read((): unknown => model.props.enableNetworkIsolation);
      if (isolation !== UNKNOWN && isolation !== true) {
        report(
          `Model ${name} does not set enableNetworkIsolation: its container can reach the network`,
          model.urn,
        );
      }
    }
    undecided.settle();
  },
});

/** True when an endpoint config serves the model: through the URN its modelName came from, or the name. */
function serves(config: PolicyResource, model: PolicyResource): boolean {
  if ((config.propertyDependencies.productionVariants ?? []).some((d) => d.urn === model.urn)) return true;
  const modelName = peek(() => model.props.name as unknown);
  return (
    typeof modelName === "string" &&
    variantsOf(config.props).some((v) => peek(() => v.modelName as unknown) === modelName)
  );
}
