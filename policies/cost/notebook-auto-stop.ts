import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { SAGEMAKER } from "../lib/sagemaker";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

const LIFECYCLE_CONFIG =
  "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration";

/**
 * What an onStart script that stops an idle notebook contains: the AWS sample `auto-stop-idle` (autostop.py,
 * run from cron) or its own call to StopNotebookInstance.
 */
const DEFAULT_STOP_PATTERNS = [
  "autostop",
  "auto-stop",
  "stop[-_]notebook[-_]instance",
  "StopNotebookInstance",
];

/**
 * SageMaker notebook instances stop themselves when idle (seed §7.1 "stop after use", §7.4 "stop unused
 * notebook instances"): each has a lifecycle configuration whose onStart script (base64, as SageMaker takes
 * it) installs an idle check that stops the instance. onStart runs at every start; onCreate runs once, and
 * what it installs outside ~/SageMaker is gone after the first stop.
 */
export const costNotebookAutoStop = stackPolicy({
  name: "cost-notebook-auto-stop",
  description:
    "SageMaker notebook instances have a lifecycle configuration whose onStart script stops them when idle.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Declare an aws.sagemaker.NotebookInstanceLifecycleConfiguration whose onStart (base64) installs an idle " +
    "check that stops the instance (the auto-stop-idle sample's autostop.py run from cron with IDLE_TIME=3600, " +
    "kept in the lake since notebooks have no direct internet access, or `aws sagemaker stop-notebook-instance`) " +
    "and set the notebook's lifecycleConfigName to its name.",
  config: {
    stopPatterns: {
      type: "array",
      items: { type: "string", minLength: 1 },
      minItems: 1,
      default: DEFAULT_STOP_PATTERNS,
      description:
        "Regular expressions (case-insensitive), one of which an onStart script must contain to count as stopping idle notebooks",
    },
  },
  validate: (args, report) => {
    const notebooks = args.resources.filter((r) => r.type === SAGEMAKER.notebook);
    if (notebooks.length === 0) args.notApplicable("The stack declares no SageMaker notebook instances");
    const { stopPatterns } = args.getConfig<{ stopPatterns: string[] }>();
    const stops = (script: string | undefined): boolean =>
      script !== undefined && stopPatterns.some((p) => new RegExp(p, "i").test(script));
    const configs = args.resources.filter((r) => r.type === LIFECYCLE_CONFIG);

    for (const notebook of notebooks) {
      const name = JSON.stringify(notebook.name);
      const configName = peek((): unknown => notebook.props.lifecycleConfigName);
      const [byDependency] = (notebook.propertyDependencies.lifecycleConfigName ?? []).filter(
        (d) => d.type === LIFECYCLE_CONFIG,
      );
      if (byDependency === undefined && configName === undefined) {
        report(
          `Notebook instance ${name} has no lifecycle configuration: nothing stops it when it sits idle`,
          notebook.urn,
        );
        continue;
      }
      const config =
        byDependency ??
        configs.find((c) => configName !== UNKNOWN && peek((): unknown => c.props.name) === configName);
      if (config === undefined) {
        requireKnown((): unknown => notebook.props.lifecycleConfigName);
        report(
          `Notebook instance ${name} uses the lifecycle configuration ${JSON.stringify(configName)}, which the ` +
            "stack does not declare: its auto-stop cannot be checked",
          notebook.urn,
        );
        continue;
      }
      const onStart = script(config, "onStart");
      if (stops(onStart)) continue;
      const where = `lifecycle configuration ${JSON.stringify(config.name)}`;
      if (stops(script(config, "onCreate"))) {
        report(
          `Notebook instance ${name}: ${where} stops idle notebooks from onCreate, which runs once at creation; ` +
            "move it to onStart, which runs at every start",
          notebook.urn,
        );
      } else {
        report(
          `Notebook instance ${name}: the onStart script of ${where} does not stop the notebook when idle ` +
            "(expected the auto-stop-idle sample's autostop.py or a stop-notebook-instance call)",
          notebook.urn,
        );
      }
    }
  },
});

/** A lifecycle script as text: SageMaker takes it base64-encoded; one unknown during preview is required. */
function script(config: PolicyResource, key: "onStart" | "onCreate"): string | undefined {
  const value = peek((): unknown => config.props[key]);
  if (value === UNKNOWN) return requireKnown((): string => config.props[key] as string);
  if (typeof value !== "string") return undefined;
  const compact = value.replace(/\s+/g, "");
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(compact)
    ? Buffer.from(compact, "base64").toString("utf8")
    : "";
  // A plain-text script is read as it is (SageMaker would reject it, which the deploy reports).
  return `${decoded}\n${value}`;
}
