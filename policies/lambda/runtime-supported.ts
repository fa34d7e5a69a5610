import { resourcePolicy } from "../lib/define";
import { LAMBDA } from "./types";

/**
 * Runtimes Lambda has deprecated, or whose language version is past its upstream end of life (Lambda
 * deprecates at or shortly after it; as of December 2026): they get no security patches, and Lambda then
 * blocks creating and updating functions on them. Checkov's list, plus nodejs18.x, nodejs20.x, python3.10,
 * ruby3.2 and dotnet8, whose end of life has since passed.
 */
export const DEPRECATED_RUNTIMES: readonly string[] = [
  "python2.7",
  "python3.6",
  "python3.7",
  "python3.8",
  "python3.9",
  "python3.10",
  "nodejs",
  "nodejs4.3",
  "nodejs4.3-edge",
  "nodejs6.10",
  "nodejs8.10",
  "nodejs10.x",
  "nodejs12.x",
  "nodejs14.x",
  "nodejs16.x",
  "nodejs18.x",
  "nodejs20.x",
  "java8",
  "go1.x",
  "provided",
  "dotnetcore1.0",
  "dotnetcore2.0",
  "dotnetcore2.1",
  "dotnetcore3.1",
  "dotnet5.0",
  "dotnet6",
  "dotnet7",
  "dotnet8",
  "ruby2.5",
  "ruby2.7",
  "ruby3.2",
];

/** Functions run on a runtime Lambda still supports. Container images (no runtime) are not applicable. */
export const lambdaRuntimeSupported = resourcePolicy({
  name: "lambda-runtime-supported",
  description: "Lambda functions run on a runtime that Lambda and its language still support.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set runtime to a supported version (python3.12 or python3.13, nodejs22.x, java21, ...) and test the handler on " +
    "it (mlplat:lambdaInference.runtime).",
  types: [LAMBDA.function],
  checkov: ["CKV_AWS_363"],
  validate: (args, report) => {
    // Read plainly: during preview an unknown runtime cannot be judged, and CrossGuard says so.
    const runtime = args.props.runtime as unknown;
    if (runtime === undefined) args.notApplicable("The function is a container image (no runtime)");
    if (typeof runtime === "string" && DEPRECATED_RUNTIMES.includes(runtime)) {
      report(
        `Function ${JSON.stringify(args.name)} has runtime ${JSON.stringify(runtime)}, which is deprecated: it gets no security patches; move to a supported runtime`,
      );
    }
  },
});
