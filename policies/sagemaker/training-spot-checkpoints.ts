import { resourcePolicy } from "../lib/define";
import { DYNAMIC, field, SAGEMAKER, trainingRequestsOf } from "../lib/sagemaker";

/**
 * Training jobs that workflows start (Step Functions tasks, SageMaker pipeline steps) use managed spot
 * capacity, up to 90% cheaper (seed §2.2, §6.1), with a checkpoint location so an interrupted job resumes
 * (seed §8.1), and a wait limit that covers the run. Values the workflow sets from its input at run time
 * (`Key.$`) cannot be judged here and pass.
 */
export const sagemakerTrainingSpotCheckpoints = resourcePolicy({
  name: "sagemaker-training-spot-checkpoints",
  description: "SageMaker training jobs started by workflows use spot capacity with checkpoints.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "In the CreateTrainingJob parameters set EnableManagedSpotTraining: true, CheckpointConfig.S3Uri " +
    "(s3://<lake>/artifacts/checkpoints/<job>) and StoppingCondition.MaxWaitTimeInSeconds >= MaxRuntimeInSeconds.",
  types: [SAGEMAKER.stateMachine, SAGEMAKER.pipeline],
  validate: (args, report) => {
    const requests = trainingRequestsOf(args);
    if (requests.length === 0) args.notApplicable("The workflow starts no SageMaker training job");
    for (const { where, request } of requests) {
      const at = `${JSON.stringify(args.name)} ${where}`;
      const spot = field(request, "EnableManagedSpotTraining");
      if (spot !== DYNAMIC && spot !== true) {
        report(
          `Training job of ${at} does not use managed spot training: set EnableManagedSpotTraining to true`,
        );
        continue;
      }
      const checkpoint = field(request, "CheckpointConfig");
      const s3Uri =
        checkpoint === DYNAMIC ? DYNAMIC : field((checkpoint ?? {}) as Record<string, unknown>, "S3Uri");
      if (s3Uri !== DYNAMIC && (typeof s3Uri !== "string" || !s3Uri.startsWith("s3://"))) {
        report(
          `Training job of ${at} uses spot capacity without CheckpointConfig.S3Uri: an interruption loses its progress`,
        );
      }
      const stopping = field(request, "StoppingCondition");
      if (stopping === DYNAMIC || stopping === undefined) continue;
      const maxRun = field(stopping as Record<string, unknown>, "MaxRuntimeInSeconds");
      const maxWait = field(stopping as Record<string, unknown>, "MaxWaitTimeInSeconds");
      if (
        typeof maxRun === "number" &&
        (maxWait === undefined || (typeof maxWait === "number" && maxWait < maxRun))
      ) {
        report(
          `Training job of ${at} waits ${maxWait === undefined ? "no" : String(maxWait)} seconds for spot capacity, ` +
            `less than its ${maxRun} second run: set MaxWaitTimeInSeconds >= MaxRuntimeInSeconds`,
        );
      }
    }
  },
});
