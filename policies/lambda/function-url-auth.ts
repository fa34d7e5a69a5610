import { resourcePolicy } from "../lib/define";
import { LAMBDA } from "./types";

/** Function URLs only accept IAM-signed (SigV4) requests: an unauthenticated URL lets anyone invoke the function. */
export const lambdaFunctionUrlAuth = resourcePolicy({
  name: "lambda-function-url-auth",
  description: "Lambda function URLs require IAM authentication (authorizationType AWS_IAM), never NONE.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set authorizationType: "AWS_IAM" on the aws.lambda.FunctionUrl and grant callers lambda:InvokeFunctionUrl; put a ' +
    "public API behind API Gateway with its own authorizer instead.",
  types: [LAMBDA.functionUrl],
  checkov: ["CKV_AWS_258"],
  validate: (args, report) => {
    // Read plainly: during preview an unknown value cannot be judged, and CrossGuard says so.
    const auth = args.props.authorizationType as unknown;
    if (auth !== "AWS_IAM") {
      report(
        `Function URL ${JSON.stringify(args.name)} has authorizationType ${JSON.stringify(auth)}: anyone on the internet can invoke the function`,
      );
    }
  },
});
