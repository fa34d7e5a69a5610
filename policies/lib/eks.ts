import type { PolicyResource } from "@pulumi/policy";

/** Type tokens of the EKS resources the EKS policies read: @pulumi/eks's cluster and @pulumi/aws's. */
export const EKS = {
  componentCluster: "eks:index:Cluster",
  cluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  componentNodeGroup: "eks:index:ManagedNodeGroup",
} as const;

/** Every control-plane log type EKS can send to CloudWatch Logs. */
export const ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** A cluster's settings read the same way from @pulumi/eks's Cluster and @pulumi/aws's. */
export interface ClusterView {
  readonly publicAccess: boolean;
  readonly publicAccessCidrs: readonly string[];
  readonly secretsKeyArn: unknown;
  readonly logTypes: readonly string[];
  readonly version: unknown;
}

export function clusterView(type: string, props: Record<string, unknown>): ClusterView {
  if (type === EKS.componentCluster) {
    return {
      // @pulumi/eks opens the public endpoint unless told otherwise.
      publicAccess: props.endpointPublicAccess !== false,
      publicAccessCidrs: strings(props.publicAccessCidrs),
      secretsKeyArn: props.encryptionConfigKeyArn,
      logTypes: strings(props.enabledClusterLogTypes),
      version: props.version,
    };
  }
  const vpc = (props.vpcConfig ?? {}) as Record<string, unknown>;
  const encryption = (
    Array.isArray(props.encryptionConfig) ? props.encryptionConfig[0] : props.encryptionConfig
  ) as { resources?: unknown; provider?: { keyArn?: unknown } } | undefined;
  return {
    // The EKS API opens the public endpoint unless told otherwise.
    publicAccess: vpc.endpointPublicAccess !== false,
    publicAccessCidrs: strings(vpc.publicAccessCidrs),
    secretsKeyArn: strings(encryption?.resources).includes("secrets")
      ? encryption?.provider?.keyArn
      : undefined,
    logTypes: strings(props.enabledClusterLogTypes),
    version: props.version,
  };
}

/** True for a node group of GPU instances: NVIDIA AMI, or a GPU instance family (g*, p*). */
export function isGpuNodeGroup(props: Record<string, unknown>): boolean {
  const ami = typeof props.amiType === "string" ? props.amiType : "";
  return /NVIDIA|GPU/.test(ami) || strings(props.instanceTypes).some((t) => /^(g\d|p\d)/.test(t));
}

export function nodeGroupName(resource: Pick<PolicyResource, "name">): string {
  return JSON.stringify(resource.name);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
