import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";

import { peek, requireKnown, UNKNOWN } from "./unknown";

/** Type tokens of the EKS resources the EKS policies read: @pulumi/eks's components and @pulumi/aws's. */
export const EKS = {
  componentCluster: "eks:index:Cluster",
  cluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  /** @pulumi/eks's managed node group: an aws.eks.NodeGroup with @pulumi/eks's defaults. */
  componentNodeGroup: "eks:index:ManagedNodeGroup",
  /** @pulumi/eks's self-managed node groups: an Auto Scaling group (V2: launch template; V1: CloudFormation). */
  componentNodeGroupV2: "eks:index:NodeGroupV2",
  componentNodeGroupV1: "eks:index:NodeGroup",
  /** Karpenter's node pools, declared as Kubernetes objects (a CustomResource, or YAML the program applies). */
  karpenterNodePool: "kubernetes:karpenter.sh/v1:NodePool",
  karpenterNodePoolBeta: "kubernetes:karpenter.sh/v1beta1:NodePool",
} as const;

/**
 * Every type that declares EKS worker nodes: @pulumi/aws's node group, @pulumi/eks's node groups, and
 * @pulumi/eks's cluster (its default node group).
 */
export const NODE_GROUP_TYPES: readonly string[] = [
  EKS.nodeGroup,
  EKS.componentNodeGroup,
  EKS.componentNodeGroupV2,
  EKS.componentNodeGroupV1,
  EKS.componentCluster,
  EKS.karpenterNodePool,
  EKS.karpenterNodePoolBeta,
];

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

/** A GPU instance family (g4dn, g5, g6, p3, p4d, p5...). */
const GPU_INSTANCE = /^(g\d|p\d)/;

/** A taint as the node group declares it, its effect in the EKS API's spelling (`NO_SCHEDULE`). */
export interface Taint {
  readonly key: unknown;
  readonly value: unknown;
  readonly effect: unknown;
}

/**
 * One node group's settings, read the same way from @pulumi/aws's NodeGroup, @pulumi/eks's ManagedNodeGroup,
 * NodeGroupV2 and NodeGroup, and the default node group of @pulumi/eks's Cluster, with @pulumi/eks's
 * defaults filled in. Settings are read when asked for, so that a value unknown during preview stops only
 * the policy that needs it (CrossGuard then reports that policy as not run).
 */
export interface NodeGroupView {
  /** How messages name it: `node group "gpu"`, or `default node group of EKS cluster "ml"`. */
  readonly label: string;
  /** Where each setting is written in this type's inputs, for messages. */
  readonly fields: {
    readonly spot: string;
    readonly minSize: string;
    readonly desiredSize: string;
    readonly taints: string;
    readonly instanceTypes: string;
  };
  /** NVIDIA AMI, `gpu: true`, or a GPU instance family; false when unknown signals cannot make it one. */
  isGpu(): boolean;
  instanceTypes(): readonly unknown[];
  /** Spot capacity: `capacityType: "SPOT"` (managed groups) or a `spotPrice` (self-managed groups). */
  isSpot(): boolean;
  taints(): readonly Taint[];
  minSize(): unknown;
  desiredSize(): unknown;
  /**
   * A managed group's `remoteAccess`: the EC2 key pair and the security groups SSH is open to. Undefined for
   * self-managed groups, whose SSH access is only what their node security group allows.
   */
  remoteAccess(): RemoteAccess | undefined;
}

/** How a managed node group lets people SSH (RDP on Windows) into its nodes. */
export interface RemoteAccess {
  readonly ec2SshKey?: unknown;
  readonly sourceSecurityGroupIds?: unknown;
}

/**
 * The node group a resource declares, or undefined when it declares none (a @pulumi/eks cluster that skips
 * its default node group, or any other type).
 */
export function nodeGroupView(
  resource: Pick<PolicyResource, "type" | "name" | "props">,
): NodeGroupView | undefined {
  const props = resource.props as Record<string, unknown>;
  const name = JSON.stringify(resource.name);
  switch (resource.type) {
    case EKS.nodeGroup:
      return managedView(props, `node group ${name}`, undefined);
    case EKS.componentNodeGroup:
      // @pulumi/eks's defaults: t3.medium, scalingConfig { desiredSize: 2, minSize: 1, maxSize: 2 }.
      return managedView(props, `node group ${name}`, {
        instanceType: "t3.medium",
        minSize: 1,
        desiredSize: 2,
      });
    case EKS.componentNodeGroupV2:
    case EKS.componentNodeGroupV1:
      return selfManagedView(props, `node group ${name}`, "");
    case EKS.componentCluster: {
      if (!hasDefaultNodeGroup(props)) return undefined;
      // nodeGroupOptions and the cluster's own node group settings are mutually exclusive in @pulumi/eks.
      const options = requireKnown(() => props.nodeGroupOptions);
      return isRecord(options)
        ? selfManagedView(options, `default node group of EKS cluster ${name}`, "nodeGroupOptions.")
        : selfManagedView(props, `default node group of EKS cluster ${name}`, "");
    }
    case EKS.karpenterNodePool:
    case EKS.karpenterNodePoolBeta:
      return karpenterView(props, `Karpenter NodePool ${name}`);
    default:
      return undefined;
  }
}

/** Karpenter's well-known labels that select GPU instances, and the instance type label. */
const KARPENTER = {
  category: "karpenter.k8s.aws/instance-category",
  family: "karpenter.k8s.aws/instance-family",
  size: "karpenter.k8s.aws/instance-size",
  gpuCount: "karpenter.k8s.aws/instance-gpu-count",
  gpuName: "karpenter.k8s.aws/instance-gpu-name",
  gpuManufacturer: "karpenter.k8s.aws/instance-gpu-manufacturer",
  capacityType: "karpenter.sh/capacity-type",
  instanceType: "node.kubernetes.io/instance-type",
} as const;

/**
 * A Karpenter NodePool: the node template's requirements (`spec.template.spec.requirements`) say what it may
 * launch, its taints are kubelet's, and it has no minimum: Karpenter launches nodes for pending pods only, so it
 * scales to zero by design. Without an instance-type requirement it may launch any type its other requirements
 * allow, which no allowlist can accept.
 */
function karpenterView(props: Record<string, unknown>, label: string): NodeGroupView {
  const template = (): Record<string, unknown> => {
    const spec = requireKnown(() => props.spec);
    const inner = isRecord(spec) && isRecord(spec.template) ? spec.template.spec : undefined;
    return isRecord(inner) ? inner : {};
  };
  const requirement = (key: string): { operator: unknown; values: string[] } | undefined => {
    const list = requireKnown(() => template().requirements);
    const found = (Array.isArray(list) ? list : []).filter(isRecord).find((r) => r.key === key);
    return found && { operator: found.operator, values: strings(found.values) };
  };
  const allows = (key: string, test: (value: string) => boolean): boolean => {
    const r = requirement(key);
    return r !== undefined && (r.operator === "In" ? r.values.some(test) : r.operator === "Exists");
  };
  const field = "spec.template.spec.requirements";
  return {
    label,
    fields: {
      spot: `${field} ${KARPENTER.capacityType} spot`,
      minSize: "(none: Karpenter scales to zero)",
      desiredSize: "(none: nodes follow pending pods)",
      taints: "spec.template.spec.taints",
      instanceTypes: `${field} ${KARPENTER.instanceType}`,
    },
    isGpu: () =>
      allows(KARPENTER.category, (v) => v === "g" || v === "p") ||
      allows(KARPENTER.family, (v) => GPU_INSTANCE.test(v)) ||
      allows(KARPENTER.instanceType, (v) => GPU_INSTANCE.test(v)) ||
      allows(KARPENTER.gpuName, () => true) ||
      allows(KARPENTER.gpuManufacturer, () => true) ||
      (requirement(KARPENTER.gpuCount)?.operator === "Gt" &&
        requirement(KARPENTER.gpuCount)?.values[0] !== undefined),
    instanceTypes: () => {
      const r = requirement(KARPENTER.instanceType);
      if (r?.operator === "In") return r.values;
      // Families and sizes name the instance types too: every family in every size.
      const families = requirement(KARPENTER.family);
      const sizes = requirement(KARPENTER.size);
      if (families?.operator === "In" && sizes?.operator === "In") {
        return families.values.flatMap((f) => sizes.values.map((s) => `${f}.${s}`));
      }
      return ["any instance type its requirements allow"];
    },
    isSpot: () => requirement(KARPENTER.capacityType)?.values.includes("spot") === true,
    taints: () => {
      const value = requireKnown(() => template().taints);
      return (Array.isArray(value) ? value : []).filter(isRecord).map((t) => ({
        key: t.key,
        value: t.value,
        effect: kubeletEffect(t.effect),
      }));
    },
    minSize: () => 0,
    // Nothing to desire: nodes follow pending pods. An on-demand-only pool is not the "fallback from zero" a
    // node group can be, which Karpenter expresses as capacity-type [spot, on-demand] in one pool.
    desiredSize: () => undefined,
    // Karpenter nodes take no SSH key from the pool (its EC2NodeClass decides how they are reached).
    remoteAccess: () => undefined,
  };
}

/**
 * Whether a @pulumi/eks cluster creates its default node group: unless skipDefaultNodeGroup, which defaults
 * to true when Fargate or EKS Auto Mode is on.
 */
function hasDefaultNodeGroup(props: Record<string, unknown>): boolean {
  const skip = requireKnown(() => props.skipDefaultNodeGroup);
  if (skip === true) return false;
  if (skip === false) return true;
  const fargate = requireKnown(() => props.fargate);
  const autoMode = requireKnown(() => props.autoMode);
  return !(fargate === true || isRecord(fargate) || (isRecord(autoMode) && autoMode.enabled === true));
}

/** aws.eks.NodeGroup and eks.ManagedNodeGroup: instanceTypes, capacityType, taints [], scalingConfig {}. */
function managedView(
  props: Record<string, unknown>,
  label: string,
  defaults: { instanceType: string; minSize: number; desiredSize: number } | undefined,
): NodeGroupView {
  const scaling = (): Record<string, unknown> => {
    const value = requireKnown(() => props.scalingConfig);
    return isRecord(value) ? value : {};
  };
  const instanceTypes = (): unknown[] => {
    const value = requireKnown(() => props.instanceTypes);
    if (value === undefined && defaults) return [defaults.instanceType];
    return Array.isArray(value) ? value : [];
  };
  return {
    label,
    fields: {
      spot: "capacityType SPOT",
      minSize: "scalingConfig.minSize",
      desiredSize: "scalingConfig.desiredSize",
      taints: "taints",
      instanceTypes: "instanceTypes",
    },
    isGpu: () =>
      gpuSignals([
        () => props.gpu === true,
        () => isGpuAmi(props.amiType),
        () => instanceTypes().some(isGpuInstance),
      ]),
    instanceTypes,
    isSpot: () => requireKnown(() => props.capacityType) === "SPOT",
    taints: () => {
      const value = requireKnown(() => props.taints);
      return (Array.isArray(value) ? value : []).filter(isRecord).map((t) => ({
        key: t.key,
        value: t.value,
        effect: t.effect,
      }));
    },
    minSize: () => scaling().minSize ?? defaults?.minSize,
    desiredSize: () => scaling().desiredSize ?? defaults?.desiredSize,
    remoteAccess: () => {
      const value = requireKnown(() => props.remoteAccess);
      // Its fields are read by the policy, so that an unknown key name is not read here.
      return isRecord(value) ? value : undefined;
    },
  };
}

/**
 * eks.NodeGroupV2, eks.NodeGroup and eks.Cluster's default node group: instanceType, gpu, spotPrice, taints
 * as a map of key to { value, effect } (kubelet's spelling, NoSchedule), minSize, desiredCapacity. Defaults:
 * t3.medium, minSize 1, desiredCapacity 2.
 */
function selfManagedView(props: Record<string, unknown>, label: string, prefix: string): NodeGroupView {
  const instanceType = (): unknown => requireKnown(() => props.instanceType) ?? "t3.medium";
  return {
    label,
    fields: {
      spot: `${prefix}spotPrice`,
      minSize: `${prefix}minSize`,
      desiredSize: `${prefix}desiredCapacity`,
      taints: `${prefix}taints`,
      instanceTypes: `${prefix}instanceType`,
    },
    isGpu: () =>
      gpuSignals([
        () => props.gpu === true,
        () => isGpuAmi(props.amiType),
        () => isGpuInstance(instanceType()),
      ]),
    instanceTypes: () => [instanceType()],
    isSpot: () => {
      const price = requireKnown(() => props.spotPrice);
      return price !== undefined && price !== null && price !== "";
    },
    taints: () => {
      const value = requireKnown(() => props.taints);
      return Object.entries(isRecord(value) ? value : {}).map(([key, t]) => ({
        key,
        value: isRecord(t) ? t.value : undefined,
        effect: isRecord(t) ? kubeletEffect(t.effect) : undefined,
      }));
    },
    minSize: () => requireKnown(() => props.minSize) ?? 1,
    desiredSize: () => requireKnown(() => props.desiredCapacity) ?? 2,
    remoteAccess: () => undefined,
  };
}

/**
 * True when any known signal says GPU. When none does and one is unknown during preview, reads it again
 * plainly, so that CrossGuard reports the policy as not run rather than passing it as "not a GPU group".
 */
function gpuSignals(signals: readonly (() => boolean)[]): boolean {
  const read = signals.map((signal) => ({ signal, value: peek(signal) }));
  if (read.some((r) => r.value === true)) return true;
  const unknown = read.find((r) => r.value === UNKNOWN);
  return unknown === undefined ? false : requireKnown(unknown.signal);
}

function isGpuAmi(value: unknown): boolean {
  return typeof value === "string" && /NVIDIA|GPU/.test(value);
}

function isGpuInstance(value: unknown): boolean {
  return typeof value === "string" && GPU_INSTANCE.test(value);
}

/** Kubelet's taint effects (NoSchedule) in the EKS API's spelling (NO_SCHEDULE). */
function kubeletEffect(effect: unknown): unknown {
  const api: Record<string, string> = {
    NoSchedule: "NO_SCHEDULE",
    NoExecute: "NO_EXECUTE",
    PreferNoSchedule: "PREFER_NO_SCHEDULE",
  };
  return typeof effect === "string" ? (api[effect] ?? effect) : effect;
}

/**
 * True for a resource a @pulumi/eks component declares (its type chain in the URN runs through `eks:index:`):
 * in a real preview an eks.ManagedNodeGroup's aws.eks.NodeGroup child is visible too, and the policies judge
 * the component the user wrote instead of reporting the same group twice.
 */
export function declaredByEksComponent(urn: string): boolean {
  const typeChain = urn.split("::")[2] ?? "";
  return typeChain
    .split("$")
    .slice(0, -1)
    .some((t) => t.startsWith("eks:index:"));
}

/**
 * The node group a node-group policy judges, or not applicable: a cluster without a default node group, a
 * group a @pulumi/eks component declares (judged on the component), or, with `gpuOnly`, a CPU group.
 */
export function nodeGroupOf(args: ResourceValidationArgs, options: { gpuOnly: boolean }): NodeGroupView {
  if (declaredByEksComponent(args.urn)) {
    args.notApplicable("Declared by a @pulumi/eks component, whose inputs are judged instead");
  }
  const view = nodeGroupView(args);
  if (view === undefined) args.notApplicable("Declares no node group");
  if (options.gpuOnly && !view.isGpu()) args.notApplicable("Not a GPU node group");
  return view;
}

export function nodeGroupName(resource: Pick<PolicyResource, "name">): string {
  return JSON.stringify(resource.name);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
