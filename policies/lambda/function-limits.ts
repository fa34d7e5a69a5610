import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

/** Lambda's limits (seed §4.3); an unset property takes the provider's default, which is within them. */
const LIMITS = [
  {
    property: "memorySize",
    label: "memorySize",
    unit: "MB",
    min: 128,
    max: 10240,
    limit: "128 MB to 10,240 MB",
  },
  {
    property: "timeout",
    label: "timeout",
    unit: "s",
    min: 1,
    max: 900,
    limit: "1 to 900 seconds (15 minutes)",
  },
] as const;

/**
 * Functions stay within Lambda's limits (seed §4.3): memory 128 MB to 10 GB, timeout at most 15 minutes, /tmp
 * 512 MB to 10 GB. A value beyond them fails at deploy time; the policy says so at plan time.
 */
export const lambdaFunctionLimits = resourcePolicy({
  name: "lambda-function-limits",
  description: "Lambda functions set memory, timeout and ephemeral storage within Lambda's limits.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set memorySize to 128-10240 MB, timeout to at most 900 seconds and ephemeralStorage.size to 512-10240 MB " +
    "(mlplat:lambdaInference.memoryMb, timeoutSeconds, ephemeralStorageMb).",
  types: [LAMBDA.function],
  validate: (args, report) => {
    const name = JSON.stringify(args.name);
    for (const l of LIMITS) {
      const value = peek(() => args.props[l.property] as unknown);
      if (value === UNKNOWN || value === undefined) continue;
      if (typeof value !== "number" || !Number.isInteger(value) || value < l.min || value > l.max) {
        report(
          `Function ${name} has ${l.label} ${JSON.stringify(value)} ${l.unit}: Lambda allows ${l.limit}`,
        );
      }
    }
    const storage = peek(() => (args.props.ephemeralStorage as { size?: unknown } | undefined)?.size);
    if (storage !== UNKNOWN && storage !== undefined) {
      if (typeof storage !== "number" || !Number.isInteger(storage) || storage < 512 || storage > 10240) {
        report(
          `Function ${name} has ephemeralStorage.size ${JSON.stringify(storage)} MB: Lambda allows 512 MB to 10,240 MB of /tmp`,
        );
      }
    }
  },
});
