import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

/**
 * Functions only accept code signed by the platform's signing profiles (a code-signing config), so a changed
 * zip cannot be deployed around the pipeline. Lambda does not support code signing for container images:
 * functions with packageType Image are not applicable (Checkov fails them too).
 */
export const lambdaCodeSigning = resourcePolicy({
  name: "lambda-code-signing",
  description: "Lambda functions deployed from a zip validate their code with a code-signing config.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Declare an aws.lambda.CodeSigningConfig with the team's AWS Signer profile (untrustedArtifactOnDeployment " +
    "Enforce) and set codeSigningConfigArn on the aws.lambda.Function; sign the zip in the pipeline.",
  types: [LAMBDA.function],
  checkov: ["CKV_AWS_272"],
  validate: (args, report) => {
    if (peek(() => args.props.packageType as unknown) === "Image") {
      args.notApplicable("Lambda does not sign container images");
    }
    const config = peek(() => args.props.codeSigningConfigArn as unknown);
    if (config === UNKNOWN || (typeof config === "string" && config !== "")) return;
    report(
      `Function ${JSON.stringify(args.name)} has no code-signing config (codeSigningConfigArn is not set): Lambda deploys unsigned code; set codeSigningConfigArn`,
    );
  },
});
