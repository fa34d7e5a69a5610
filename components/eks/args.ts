import { GPU_INSTANCES } from "../catalog/instances";
import { closestMatch, type ValidationIssue, wholeNumbers } from "../validation";

/** EKS Kubernetes versions in standard support when this template was last checked (2026-11). */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.33", "1.34", "1.35"] as const;

/** Every control-plane log type EKS can send to CloudWatch Logs. */
export const CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

/** EKS-optimized AMI types with NVIDIA drivers (Amazon Linux 2 reached end of support in November 2025). */
export const GPU_AMI_TYPES = ["AL2023_x86_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA"] as const;

export interface EksClusterSettings {
  /** @default "1.34" */
  version?: string;
  /**
   * CIDR blocks allowed to reach the public API endpoint. Empty keeps the endpoint private (reachable from
   * the VPC only); a non-empty list opens the public endpoint to these blocks alone. @default []
   */
  publicAccessCidrs?: string[];
  /**
   * Deploy the NVIDIA device plugin (Helm chart, on GPU nodes only) so pods can request `nvidia.com/gpu`; the
   * Amazon Linux 2023 NVIDIA AMI has the driver but not the plugin. @default true
   */
  nvidiaDevicePlugin?: boolean;
  /** Instance type of the two system nodes that run add-ons (CoreDNS, Karpenter). @default "m5.large" */
  systemInstanceType?: string;
}

export interface GpuNodeGroupSettings {
  /** From the seed's §5.1 GPU table. @default ["g5.xlarge"] */
  instanceTypes?: string[];
  /** @default "AL2023_x86_64_NVIDIA" */
  amiType?: string;
  /** @default 0 (scale from zero; seed §5.2) */
  minSize?: number;
  /** @default 2 */
  desiredSize?: number;
  /** @default 10 */
  maxSize?: number;
  /** Root volume, GB. @default 100 */
  diskSizeGb?: number;
  /** @default "SPOT" */
  capacityType?: "SPOT" | "ON_DEMAND";
  /**
   * With spot capacity, a second, on-demand group (min 0, desired 0) that the cluster autoscaler scales up
   * when spot GPUs are unavailable (use its `priority` expander to prefer the spot group). @default true
   */
  onDemandFallback?: boolean;
}

export type ResolvedEksClusterSettings = Required<EksClusterSettings>;
export type ResolvedGpuNodeGroupSettings = Required<GpuNodeGroupSettings>;

export function resolveEksClusterSettings(s: EksClusterSettings = {}): ResolvedEksClusterSettings {
  return {
    version: s.version ?? "1.34",
    publicAccessCidrs: [...(s.publicAccessCidrs ?? [])],
    nvidiaDevicePlugin: s.nvidiaDevicePlugin ?? true,
    systemInstanceType: s.systemInstanceType ?? "m5.large",
  };
}

export function resolveGpuNodeGroupSettings(s: GpuNodeGroupSettings = {}): ResolvedGpuNodeGroupSettings {
  return {
    instanceTypes: [...(s.instanceTypes ?? ["g5.xlarge"])],
    amiType: s.amiType ?? "AL2023_x86_64_NVIDIA",
    minSize: s.minSize ?? 0,
    desiredSize: s.desiredSize ?? 2,
    maxSize: s.maxSize ?? 10,
    diskSizeGb: s.diskSizeGb ?? 100,
    capacityType: s.capacityType ?? "SPOT",
    onDemandFallback: s.onDemandFallback ?? true,
  };
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function validateEksClusterSettings(s: ResolvedEksClusterSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!(SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(s.version)) {
    issues.push({
      path: "version",
      value: s.version,
      expected: `a Kubernetes version in EKS standard support: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
    });
  }
  if (!/^[a-z][a-z0-9]*\.(medium|large|[0-9]*xlarge)$/.test(s.systemInstanceType)) {
    issues.push({
      path: "systemInstanceType",
      value: s.systemInstanceType,
      expected: "an EC2 instance type such as m5.large",
    });
  }
  s.publicAccessCidrs.forEach((cidr, i) => {
    const m = CIDR.exec(cidr);
    const prefix = Number(m?.[5] ?? -1);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || prefix > 32 || prefix < 8) {
      issues.push({
        path: `publicAccessCidrs.${i}`,
        value: cidr,
        expected: "an IPv4 CIDR block from /8 to /32, e.g. 203.0.113.0/24",
      });
    } else if (prefix === 0 || cidr === "0.0.0.0/0") {
      issues.push({
        path: `publicAccessCidrs.${i}`,
        value: cidr,
        expected: "a block narrower than the whole internet",
      });
    }
  });
  return issues;
}

export function validateGpuNodeGroupSettings(s: ResolvedGpuNodeGroupSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const known = GPU_INSTANCES.map((g) => g.type).filter((t) => !t.startsWith("inf"));
  if (s.instanceTypes.length === 0)
    issues.push({
      path: "instanceTypes",
      value: s.instanceTypes,
      expected: `at least one of ${known.join(", ")}`,
    });
  s.instanceTypes.forEach((type, i) => {
    if (!known.includes(type)) {
      const hint = closestMatch(type, known);
      issues.push({
        path: `instanceTypes.${i}`,
        value: type,
        expected: `an NVIDIA GPU instance type of the seed's table: ${known.join(", ")}${hint ? `; did you mean ${hint}?` : ""}`,
      });
    }
  });
  if (!(GPU_AMI_TYPES as readonly string[]).includes(s.amiType)) {
    issues.push({
      path: "amiType",
      value: s.amiType,
      expected: `an NVIDIA AMI type: ${GPU_AMI_TYPES.join(", ")}`,
    });
  }
  const whole = wholeNumbers(issues);
  const sizes = [
    whole("minSize", s.minSize, 0, 1000),
    whole("desiredSize", s.desiredSize, 0, 1000),
    whole("maxSize", s.maxSize, 1, 1000),
  ];
  if (sizes.every(Boolean)) {
    if (s.desiredSize < s.minSize)
      issues.push({ path: "desiredSize", value: s.desiredSize, expected: `at least minSize (${s.minSize})` });
    if (s.maxSize < Math.max(s.minSize, s.desiredSize)) {
      issues.push({
        path: "maxSize",
        value: s.maxSize,
        expected: `at least minSize and desiredSize (${Math.max(s.minSize, s.desiredSize)})`,
      });
    }
  }
  whole("diskSizeGb", s.diskSizeGb, 20, 16384);
  if (!["SPOT", "ON_DEMAND"].includes(s.capacityType)) {
    issues.push({ path: "capacityType", value: s.capacityType, expected: "SPOT or ON_DEMAND" });
  }
  return issues;
}

export interface KarpenterSettings {
  /** Instance families the GPU node pool may launch (seed §5.1). @default ["g5", "g4dn"] */
  gpuInstanceFamilies?: string[];
  /**
   * Instance sizes the GPU node pool may launch within those families (one GPU each at xlarge, as the seed's
   * g4dn.xlarge and g5.xlarge): with the families, the instance types the stack's allowlist judges.
   * @default ["xlarge"]
   */
  gpuInstanceSizes?: string[];
  /** Most GPUs the pool may run at once: the cost ceiling. @default 10 */
  gpuLimit?: number;
}

export function resolveKarpenterSettings(s: KarpenterSettings = {}): Required<KarpenterSettings> {
  return {
    gpuInstanceFamilies: [...(s.gpuInstanceFamilies ?? ["g5", "g4dn"])],
    gpuInstanceSizes: [...(s.gpuInstanceSizes ?? ["xlarge"])],
    gpuLimit: s.gpuLimit ?? 10,
  };
}

export function validateKarpenterSettings(s: Required<KarpenterSettings>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const families = ["g4dn", "g5", "g6", "p3", "p4d", "p5"];
  if (s.gpuInstanceFamilies.length === 0) {
    issues.push({
      path: "gpuInstanceFamilies",
      value: s.gpuInstanceFamilies,
      expected: `at least one of ${families.join(", ")}`,
    });
  }
  s.gpuInstanceFamilies.forEach((f, i) => {
    if (!families.includes(f))
      issues.push({
        path: `gpuInstanceFamilies.${i}`,
        value: f,
        expected: `an NVIDIA GPU family: ${families.join(", ")}`,
      });
  });
  if (s.gpuInstanceSizes.length === 0) {
    issues.push({
      path: "gpuInstanceSizes",
      value: s.gpuInstanceSizes,
      expected: "at least one size, e.g. xlarge",
    });
  }
  s.gpuInstanceSizes.forEach((size, i) => {
    if (!/^(?:metal|(?:\d+)?x?large|medium)$/.test(size))
      issues.push({
        path: `gpuInstanceSizes.${i}`,
        value: size,
        expected: "an EC2 instance size such as xlarge, 2xlarge, 12xlarge or metal",
      });
  });
  wholeNumbers(issues)("gpuLimit", s.gpuLimit, 1, 1000);
  return issues;
}
