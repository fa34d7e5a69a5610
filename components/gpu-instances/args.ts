import { GPU_INSTANCES } from "../catalog/instances";
import { closestMatch, wholeNumbers, type ValidationIssue } from "../validation";

/**
 * The AMI: AWS's public SSM parameter for the latest Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon
 * Linux 2023, x86_64), which carries the NVIDIA driver, CUDA, the NVIDIA container toolkit and the SSM Agent
 * ("Finding the ID of a DLAMI", AWS Deep Learning AMIs Developer Guide). The launch template resolves it when
 * an instance launches (`resolve:ssm:`), so every scale-out gets the current image without an update.
 */
export const DLAMI_GPU_PARAMETER =
  "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id";

/** The root device of Amazon Linux 2023 AMIs, the DLAMI's included. */
export const AL2023_ROOT_DEVICE = "/dev/xvda";

/** Accelerators the DLAMI GPU image drives: NVIDIA GPUs. Inferentia needs AWS Neuron's own AMI. */
const NEURON = /^Inferentia/;

/** The GPU types instances may use: the seed's §5.1 table, NVIDIA GPUs only (the DLAMI GPU image's drivers). */
export const NVIDIA_GPU_TYPES: readonly string[] = GPU_INSTANCES.filter(
  (i) => i.gpu !== undefined && !NEURON.test(i.gpu.model),
).map((i) => i.type);

/** The hop limits the template accepts for IMDSv2 responses. */
export const METADATA_HOP_LIMITS = [1, 2] as const;
export type MetadataHopLimit = (typeof METADATA_HOP_LIMITS)[number];

/** A practical ceiling on one group's instances, to raise if a workload needs more. */
export const MAX_GROUP_SIZE = 100;

/** GPU instances' settings: plain values from the stack config (`mlplat:gpuInstances`). */
export interface GpuInstanceSettings {
  /**
   * EC2 GPU instance types from the seed's §5.1 table (components/catalog/instances.ts), NVIDIA only, most
   * preferred first. More than one type lets spot capacity come from several pools. @default ["g4dn.xlarge",
   * "g5.xlarge"] (T4 and A10G, the table's cheapest GPUs)
   */
  instanceTypes?: string[];
  /** The most instances the spot group (and the on-demand fallback group) may run. @default 2 */
  maxSize?: number;
  /**
   * Also declare an on-demand group of the same launch template, at 0 instances, for when spot capacity is
   * short: scale it out by hand (or from a workflow) and back to 0 afterwards. @default true
   */
  onDemandFallback?: boolean;
  /** The root volume's size in GiB (gp3, encrypted); at least the AMI's root snapshot. @default 100 */
  rootVolumeGiB?: number;
  /**
   * How many network hops an IMDSv2 response may travel. 1: only processes on the instance itself reach the
   * metadata service (and the instance role's credentials); a container on a bridge network (one hop more)
   * does not. 2: such containers do too, which containerised training with Docker's default network needs.
   * @default 1
   */
  metadataHopLimit?: MetadataHopLimit;
  /**
   * The SSM parameter the AMI id is read from at launch. @default - the DLAMI GPU AMI for Amazon Linux 2023
   * ({@link DLAMI_GPU_PARAMETER})
   */
  amiParameter?: string;
}

export interface ResolvedGpuInstanceSettings {
  readonly instanceTypes: readonly string[];
  readonly maxSize: number;
  readonly onDemandFallback: boolean;
  readonly rootVolumeGiB: number;
  readonly metadataHopLimit: MetadataHopLimit;
  readonly amiParameter: string;
}

export function resolveGpuInstanceSettings(s: GpuInstanceSettings = {}): ResolvedGpuInstanceSettings {
  return {
    instanceTypes: [...(s.instanceTypes ?? ["g4dn.xlarge", "g5.xlarge"])],
    maxSize: s.maxSize ?? 2,
    onDemandFallback: s.onDemandFallback ?? true,
    rootVolumeGiB: s.rootVolumeGiB ?? 100,
    metadataHopLimit: s.metadataHopLimit ?? 1,
    amiParameter: s.amiParameter ?? DLAMI_GPU_PARAMETER,
  };
}

/** An SSM parameter name: a path of letters, digits and `._-`, starting with a slash. */
const SSM_PARAMETER = /^(\/[A-Za-z0-9._-]+)+$/;

/** Every problem with resolved GPU instance settings; empty when they are valid. Paths are relative to them. */
export function validateGpuInstanceSettings(s: ResolvedGpuInstanceSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const whole = wholeNumbers(issues);
  const types: unknown = s.instanceTypes;
  if (!Array.isArray(types) || types.length === 0) {
    issues.push({
      path: "instanceTypes",
      value: types,
      expected: `at least one GPU instance type: ${NVIDIA_GPU_TYPES.join(", ")}`,
    });
  } else {
    const list = types as readonly unknown[];
    list.forEach((type, i) => {
      const problem = gpuTypeProblem(type);
      if (problem) issues.push({ path: `instanceTypes.${i}`, value: type, expected: problem });
    });
    if (new Set(list).size !== list.length) {
      issues.push({ path: "instanceTypes", value: list, expected: "each type listed once" });
    }
  }
  whole("maxSize", s.maxSize, 1, MAX_GROUP_SIZE, "instances");
  if (typeof s.onDemandFallback !== "boolean") {
    issues.push({ path: "onDemandFallback", value: s.onDemandFallback, expected: "true or false" });
  }
  whole("rootVolumeGiB", s.rootVolumeGiB, 1, 16384, "GiB", " (a gp3 volume)");
  if (!(METADATA_HOP_LIMITS as readonly unknown[]).includes(s.metadataHopLimit)) {
    issues.push({
      path: "metadataHopLimit",
      value: s.metadataHopLimit,
      expected: "1 (the instance only) or 2 (containers on a bridge network too)",
    });
  }
  if (typeof s.amiParameter !== "string" || !SSM_PARAMETER.test(s.amiParameter)) {
    issues.push({
      path: "amiParameter",
      value: s.amiParameter,
      expected: `an SSM parameter name such as ${DLAMI_GPU_PARAMETER}`,
    });
  }
  return issues;
}

function gpuTypeProblem(type: unknown): string | undefined {
  const spec = GPU_INSTANCES.find((i) => i.type === type);
  if (spec === undefined) {
    const suggestion = typeof type === "string" ? closestMatch(type, NVIDIA_GPU_TYPES) : undefined;
    return (
      `a GPU instance type from the catalog (components/catalog/instances.ts): ${NVIDIA_GPU_TYPES.join(", ")}` +
      (suggestion ? `; did you mean ${suggestion}?` : "")
    );
  }
  if (spec.gpu === undefined || NEURON.test(spec.gpu.model)) {
    return `an NVIDIA GPU type (${String(type)} has ${spec.gpu?.model ?? "no GPU"}, which needs AWS Neuron's AMI, not the DLAMI GPU AMI)`;
  }
  return undefined;
}
