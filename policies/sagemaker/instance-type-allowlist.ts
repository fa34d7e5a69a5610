import { resourcePolicy } from "../lib/define";
import {
  DYNAMIC,
  field,
  isServerlessOnly,
  SAGEMAKER,
  trainingRequestsOf,
  variantsOf,
} from "../lib/sagemaker";
import { peek, UNKNOWN } from "../lib/unknown";

/** Instance types accepted when the pack config names none: CPU and the seed's single-GPU types. */
export const DEFAULT_ALLOWED_INSTANCE_TYPES = [
  "ml.t3.medium",
  "ml.t3.large",
  "ml.m5.large",
  "ml.m5.xlarge",
  "ml.m5.2xlarge",
  "ml.c5.xlarge",
  "ml.c5.2xlarge",
  "ml.g4dn.xlarge",
  "ml.g5.xlarge",
  "ml.p3.2xlarge",
];

/**
 * SageMaker instance types come from the stack's allowlist (pack config `allowedInstanceTypes`), so a
 * p4d.24xlarge never lands in dev by accident: endpoint variants, notebook instances, and training jobs that
 * workflows start.
 */
export const sagemakerInstanceTypeAllowlist = resourcePolicy({
  name: "sagemaker-instance-type-allowlist",
  description:
    "SageMaker endpoints, notebooks and training jobs use instance types from the stack's allowlist.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Pick an allowed instance type, or add the type to allowedInstanceTypes in the stack's pack config.",
  types: [SAGEMAKER.endpointConfig, SAGEMAKER.notebook, SAGEMAKER.stateMachine, SAGEMAKER.pipeline],
  config: {
    allowedInstanceTypes: {
      type: "array",
      items: { type: "string", pattern: "^ml\\.[a-z0-9]+\\.[a-z0-9]+$" },
      default: DEFAULT_ALLOWED_INSTANCE_TYPES,
      description: "SageMaker instance types this stack may use",
    },
  },
  validate: (args, report) => {
    const { allowedInstanceTypes } = args.getConfig<{ allowedInstanceTypes: string[] }>();
    const allowed = new Set(allowedInstanceTypes);
    const check = (what: string, type: unknown): void => {
      if (type === UNKNOWN || type === DYNAMIC || type === undefined) return;
      if (typeof type !== "string" || !allowed.has(type)) {
        report(
          `${what} uses ${typeof type === "string" ? type : JSON.stringify(type)}, which is not in this stack's allowedInstanceTypes (${allowedInstanceTypes.join(", ")})`,
        );
      }
    };
    const name = JSON.stringify(args.name);
    switch (args.type) {
      case SAGEMAKER.endpointConfig:
        if (isServerlessOnly(args.props))
          args.notApplicable("Serverless endpoint configurations have no instance type");
        for (const v of variantsOf(args.props)) {
          if (v.serverlessConfig === undefined)
            check(
              `Endpoint configuration ${name} variant ${String(v.variantName)}`,
              peek(() => v.instanceType as unknown),
            );
        }
        return;
      case SAGEMAKER.notebook:
        check(
          `Notebook instance ${name}`,
          peek(() => args.props.instanceType as unknown),
        );
        return;
      default: {
        const requests = trainingRequestsOf(args);
        if (requests.length === 0) args.notApplicable("The workflow starts no SageMaker training job");
        for (const { where, request } of requests) {
          const resources = field(request, "ResourceConfig");
          check(
            `Training job of ${name} ${where}`,
            resources === DYNAMIC
              ? DYNAMIC
              : field((resources ?? {}) as Record<string, unknown>, "InstanceType"),
          );
        }
      }
    }
  },
});
