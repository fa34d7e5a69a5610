import type { PolicyResource } from "@pulumi/policy";

export { isFalse, isTrue, keyOf, prop, type KeyVerdict } from "../redshift/types";

/** Type tokens of the RDS resources the RDS policies read: Aurora clusters and instances, and RDS instances. */
export const RDS = {
  cluster: "aws:rds/cluster:Cluster",
  clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  instance: "aws:rds/instance:Instance",
} as const;

/** `RDS cluster "name"`, `RDS cluster instance "name"` or `RDS instance "name"`, for messages. */
export function describeRds(resource: Pick<PolicyResource, "type" | "name">): string {
  const kind =
    resource.type === RDS.cluster
      ? "RDS cluster"
      : resource.type === RDS.clusterInstance
        ? "RDS cluster instance"
        : resource.type === RDS.instance
          ? "RDS instance"
          : resource.type;
  return `${kind} ${JSON.stringify(resource.name)}`;
}
