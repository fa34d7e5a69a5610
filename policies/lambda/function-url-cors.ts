import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

/**
 * A function URL's CORS does not allow every origin every method: then any web page a signed-in user visits can
 * call the function from the browser with any method. Allowing `*` for one of the two is accepted, as Checkov
 * accepts it.
 */
export const lambdaFunctionUrlCors = resourcePolicy({
  name: "lambda-function-url-cors",
  description:
    "Lambda function URLs do not allow every origin with every method in their CORS configuration.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "List the web origins that call the function in cors.allowOrigins (or the methods they use in " +
    'cors.allowMethods) on the aws.lambda.FunctionUrl instead of "*".',
  types: [LAMBDA.functionUrl],
  checkov: ["CKV2_AWS_75"],
  validate: (args, report) => {
    const cors = peek(() => args.props.cors as unknown);
    if (cors === UNKNOWN || cors === undefined || cors === null) return;
    const origins = peek(() => (cors as { allowOrigins?: unknown }).allowOrigins);
    const methods = peek(() => (cors as { allowMethods?: unknown }).allowMethods);
    const star = (v: unknown) => Array.isArray(v) && v.includes("*");
    if (star(origins) && star(methods)) {
      report(
        `Function URL ${JSON.stringify(args.name)} has cors.allowOrigins ["*"] and cors.allowMethods ["*"]: any web page can call the function with any method; list the allowed origins or methods`,
      );
    }
  },
});
