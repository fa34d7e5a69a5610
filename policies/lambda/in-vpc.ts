import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

/**
 * Functions run in the platform's private subnets (vpcConfig with subnets), so their traffic to the lake, the
 * warehouse and the internet goes through the VPC's endpoints, security groups and flow logs. A vpcConfig with
 * no subnets leaves the function in Lambda's own network (Checkov only looks for the block).
 */
export const lambdaInVpc = resourcePolicy({
  name: "lambda-in-vpc",
  description:
    "Lambda functions run in the platform's VPC (vpcConfig with private subnets and security groups).",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set vpcConfig.subnetIds to private subnets and vpcConfig.securityGroupIds on the aws.lambda.Function (pass " +
    "InferenceFunction's vpc argument), with VPC endpoints for the services it calls, and let its role manage ENIs.",
  types: [LAMBDA.function],
  checkov: ["CKV_AWS_117"],
  validate: (args, report) => {
    const subnets = peek(() => (args.props.vpcConfig as { subnetIds?: unknown } | undefined)?.subnetIds);
    if (subnets === UNKNOWN || (Array.isArray(subnets) && subnets.length > 0)) return;
    report(
      `Function ${JSON.stringify(args.name)} does not run in a VPC (vpcConfig.subnetIds is ${subnets === undefined ? "not set" : JSON.stringify(subnets)}): set vpcConfig with private subnets and security groups`,
    );
  },
});
