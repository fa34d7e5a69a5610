import { resourcePolicy } from "../lib/define";
import { EMR, field, prop } from "./types";

/** AWS's idle timeout when an application enables auto-stop without one, in minutes. */
const AWS_DEFAULT_IDLE_MINUTES = 15;

/**
 * EMR Serverless applications stop by themselves when idle: auto-stop is declared, enabled, and fires within the
 * stack's maximum idle time (pack config `maxIdleTimeoutMinutes`). A started application bills its
 * pre-initialized capacity until it stops, and one that never stops by itself bills until someone stops it.
 */
export const emrServerlessAutoStop = resourcePolicy({
  name: "emr-serverless-auto-stop",
  description:
    "EMR Serverless applications enable auto-stop with an idle timeout no longer than the stack's maximum.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set autoStopConfiguration { enabled: true, idleTimeoutMinutes } on the aws.emrserverless.Application, " +
    "within maxIdleTimeoutMinutes (the SparkProcessing component does; mlplat:spark.idleTimeoutMinutes).",
  types: [EMR.application],
  config: {
    maxIdleTimeoutMinutes: {
      type: "integer",
      minimum: 1,
      maximum: 10080,
      default: 60,
      description: "Longest idle time, in minutes, before an application must stop (default 60)",
    },
  },
  validate: (args, report) => {
    const { maxIdleTimeoutMinutes: max } = args.getConfig<{ maxIdleTimeoutMinutes: number }>();
    const subject = `EMR Serverless application ${JSON.stringify(args.name)}`;
    const autoStop = prop(args, "autoStopConfiguration");
    if (autoStop === undefined || autoStop === null) {
      report(
        `${subject} does not declare autoStopConfiguration: set it to { enabled: true, idleTimeoutMinutes: ${Math.min(max, AWS_DEFAULT_IDLE_MINUTES)} } ` +
          `(at most ${max})`,
      );
      return;
    }
    const enabled = field(autoStop, "enabled");
    if (enabled === false) {
      report(
        `${subject} turns auto-stop off: a started application bills until it is stopped by hand; set autoStopConfiguration.enabled to true`,
      );
      return;
    }
    const minutes = field(autoStop, "idleTimeoutMinutes") ?? AWS_DEFAULT_IDLE_MINUTES;
    if (typeof minutes === "number" && minutes > max) {
      report(
        `${subject} stops after ${minutes} idle minutes, above this stack's maximum of ${max} (maxIdleTimeoutMinutes)`,
      );
    }
  },
});
