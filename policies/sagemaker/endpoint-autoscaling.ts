import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { isServerlessOnly, SAGEMAKER, sourcesOf } from "../lib/sagemaker";
import { peek } from "../lib/unknown";

/**
 * Every instance-based endpoint scales with its load (seed §2.4, §7.4): an Application Auto Scaling target on
 * its variant's instance count, and a scaling policy on that target. Endpoints whose config is serverless only
 * scale by themselves and are not applicable.
 */
export const sagemakerEndpointAutoscaling = stackPolicy({
  name: "sagemaker-endpoint-autoscaling",
  description: "Instance-based SageMaker endpoints have an autoscaling target and a scaling policy.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add an aws.appautoscaling.Target (serviceNamespace "sagemaker", resourceId endpoint/<name>/variant/<variant>, ' +
    "scalableDimension sagemaker:variant:DesiredInstanceCount) and a TargetTrackingScaling aws.appautoscaling.Policy on it.",
  validate: (args, report) => {
    const endpoints = args.resources.filter((r) => r.type === SAGEMAKER.endpoint);
    if (endpoints.length === 0) args.notApplicable("The stack declares no SageMaker endpoints");
    const targets = args.resources.filter(
      (r) =>
        r.type === SAGEMAKER.scalableTarget &&
        peek(() => r.props.serviceNamespace as unknown) === "sagemaker",
    );
    const policies = args.resources.filter((r) => r.type === SAGEMAKER.scalingPolicy);
    for (const endpoint of endpoints) {
      const config = configOf(endpoint, args.resources);
      if (config !== undefined && isServerlessOnly(config.props)) continue;
      const target = targets.find((t) => scales(t, endpoint));
      const name = JSON.stringify(endpoint.name);
      if (target === undefined) {
        report(
          `Endpoint ${name} has no autoscaling target: it keeps its initial instance count whatever the load`,
          endpoint.urn,
        );
        continue;
      }
      if (!policies.some((p) => appliesTo(p, target))) {
        report(`Endpoint ${name} has an autoscaling target but no scaling policy on it`, endpoint.urn);
      }
    }
  },
});

function configOf(
  endpoint: PolicyResource,
  resources: readonly PolicyResource[],
): PolicyResource | undefined {
  const [viaDependency] = sourcesOf(endpoint, "endpointConfigName", SAGEMAKER.endpointConfig);
  if (viaDependency) return viaDependency;
  const name = peek(() => endpoint.props.endpointConfigName as unknown);
  return resources.find(
    (r) => r.type === SAGEMAKER.endpointConfig && peek(() => r.props.name as unknown) === name,
  );
}

/** True when the target's resourceId is this endpoint's variant: by dependency, or by the endpoint's name. */
function scales(target: PolicyResource, endpoint: PolicyResource): boolean {
  if (sourcesOf(target, "resourceId", SAGEMAKER.endpoint).some((d) => d.urn === endpoint.urn)) return true;
  const resourceId = peek(() => target.props.resourceId as unknown);
  const name = peek(() => endpoint.props.name as unknown);
  return (
    typeof resourceId === "string" &&
    typeof name === "string" &&
    resourceId.startsWith(`endpoint/${name}/variant/`)
  );
}

function appliesTo(policy: PolicyResource, target: PolicyResource): boolean {
  if ((policy.propertyDependencies.resourceId ?? []).some((d) => d.urn === target.urn)) return true;
  const id = peek(() => policy.props.resourceId as unknown);
  return typeof id === "string" && id === peek(() => target.props.resourceId as unknown);
}
