import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { describeRedshift, isTrue, prop, REDSHIFT, referencedBy } from "./types";

/** A parameter as aws.redshift.ParameterGroup takes it. */
interface ClusterParameter {
  readonly name?: unknown;
  readonly value?: unknown;
}

/** A parameter as aws.redshiftserverless.Workgroup takes it. */
interface WorkgroupParameter {
  readonly parameterKey?: unknown;
  readonly parameterValue?: unknown;
}

/**
 * Redshift accepts TLS connections only (seed §8.3): `require_ssl` is `true` in the parameter group a
 * provisioned cluster uses (a parameter group of the stack, joined through the property dependencies of
 * `clusterParameterGroupName` or by name), and in a serverless workgroup's `configParameters`. The setting
 * must be declared: a cluster on a default or outside parameter group, or a workgroup that leaves the
 * parameter to the service's default, fails, because the stack does not guarantee it. A parameter group that
 * no cluster of the stack uses is judged on its own (Checkov's CKV_AWS_105): whoever uses it later gets
 * plaintext connections; a group a cluster uses is reported once, on the cluster.
 */
export const redshiftRequireSsl = stackPolicy({
  name: "redshift-require-ssl",
  description:
    "Redshift parameter groups, and the clusters and Serverless workgroups using them, declare require_ssl = true.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Provisioned: give the cluster an aws.redshift.ParameterGroup with the parameter { name: "require_ssl", value: "true" }. ' +
    'Serverless: add { parameterKey: "require_ssl", parameterValue: "true" } to the workgroup\'s configParameters.',
  checkov: ["CKV_AWS_105"],
  validate: (args, report) => {
    const clusters = args.resources.filter((r) => r.type === REDSHIFT.cluster);
    const workgroups = args.resources.filter((r) => r.type === REDSHIFT.workgroup);
    const groups = args.resources.filter((r) => r.type === REDSHIFT.parameterGroup);
    if (clusters.length === 0 && workgroups.length === 0 && groups.length === 0) {
      args.notApplicable("The stack declares no Redshift cluster, parameter group or Serverless workgroup");
    }
    const used = new Set<string>();
    for (const cluster of clusters) {
      const [group] = referencedBy(cluster, "clusterParameterGroupName", groups, "name");
      if (group !== undefined) used.add(group.urn);
      const problem = clusterProblem(cluster, group);
      if (problem) report(`${describeRedshift(cluster)} ${problem}`, cluster.urn);
    }
    for (const group of groups.filter((g) => !used.has(g.urn))) {
      const problem = groupProblem(group);
      if (problem) report(`${describeRedshift(group)} ${problem}`, group.urn);
    }
    for (const workgroup of workgroups) {
      const parameters = prop(workgroup, "configParameters") as WorkgroupParameter[] | undefined;
      const ssl = (Array.isArray(parameters) ? parameters : []).find((p) => p.parameterKey === "require_ssl");
      if (ssl === undefined) {
        report(
          `${describeRedshift(workgroup)} does not declare require_ssl: add it to configParameters with the value true`,
          workgroup.urn,
        );
      } else if (!isTrue(ssl.parameterValue)) {
        report(
          `${describeRedshift(workgroup)} sets require_ssl to ${JSON.stringify(ssl.parameterValue)}: set it to true`,
          workgroup.urn,
        );
      }
    }
  },
});

function clusterProblem(cluster: PolicyResource, group: PolicyResource | undefined): string | undefined {
  if (group === undefined) {
    const name = prop(cluster, "clusterParameterGroupName");
    return typeof name === "string" && name !== ""
      ? `uses the parameter group ${JSON.stringify(name)}, which the stack does not declare: require_ssl is not guaranteed`
      : "uses the default parameter group, which does not require TLS: give it a parameter group with require_ssl = true";
  }
  const problem = groupProblem(group);
  return problem && `uses the parameter group ${JSON.stringify(group.name)}, which ${problem}`;
}

/** What a parameter group lacks for TLS-only connections; undefined when it sets require_ssl to true. */
function groupProblem(group: PolicyResource): string | undefined {
  const parameters = prop(group, "parameters") as ClusterParameter[] | undefined;
  const ssl = (Array.isArray(parameters) ? parameters : []).find((p) => p.name === "require_ssl");
  if (ssl === undefined) return "does not set require_ssl: add it with the value true";
  if (!isTrue(ssl.value)) return `sets require_ssl to ${JSON.stringify(ssl.value)}: set it to true`;
  return undefined;
}
