/**
 * The instance types the template accepts, as data: SageMaker `ml.*` types by what they may run, and the EC2
 * GPU instances of the seed's §5.1 table. Components validate against it before declaring anything.
 */
import { closestMatch, type ValidationIssue } from "../validation";

/** What an instance type may run on SageMaker. */
export type SageMakerUse = "training" | "hosting" | "notebook";

export interface GpuSpec {
  /** Accelerator model, e.g. V100, A10G, Inferentia2. */
  readonly model: string;
  readonly count: number;
  /** Total accelerator memory in GiB, where the seed's table gives it. */
  readonly memoryGiB?: number;
}

export interface InstanceSpec {
  readonly type: string;
  readonly family: string;
  readonly gpu?: GpuSpec;
}

export interface SageMakerInstanceSpec extends InstanceSpec {
  readonly uses: readonly SageMakerUse[];
}

/** The seed's §5.1 GPU instance table (EC2/EKS names). */
export const GPU_INSTANCES: readonly InstanceSpec[] = [
  { type: "p3.2xlarge", family: "p3", gpu: { model: "V100", count: 1, memoryGiB: 16 } },
  { type: "p3.8xlarge", family: "p3", gpu: { model: "V100", count: 4, memoryGiB: 64 } },
  { type: "p4d.24xlarge", family: "p4d", gpu: { model: "A100", count: 8, memoryGiB: 640 } },
  { type: "g4dn.xlarge", family: "g4dn", gpu: { model: "T4", count: 1, memoryGiB: 16 } },
  { type: "g5.xlarge", family: "g5", gpu: { model: "A10G", count: 1, memoryGiB: 24 } },
  { type: "inf1.xlarge", family: "inf1", gpu: { model: "Inferentia", count: 1 } },
  { type: "inf2.xlarge", family: "inf2", gpu: { model: "Inferentia2", count: 1 } },
];

const TRAIN_HOST: readonly SageMakerUse[] = ["training", "hosting"];
const ALL_USES: readonly SageMakerUse[] = ["training", "hosting", "notebook"];

/** SageMaker families: sizes and uses. GPU details come from the seed's table where it lists the size. */
const SAGEMAKER_FAMILIES: readonly {
  family: string;
  sizes: readonly string[];
  uses: readonly SageMakerUse[];
}[] = [
  { family: "t3", sizes: ["medium", "large", "xlarge", "2xlarge"], uses: ["hosting", "notebook"] },
  { family: "m5", sizes: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"], uses: ALL_USES },
  { family: "c5", sizes: ["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge"], uses: ALL_USES },
  { family: "r5", sizes: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"], uses: ALL_USES },
  { family: "p3", sizes: ["2xlarge", "8xlarge", "16xlarge"], uses: ALL_USES },
  { family: "p4d", sizes: ["24xlarge"], uses: TRAIN_HOST },
  { family: "p5", sizes: ["48xlarge"], uses: TRAIN_HOST },
  {
    family: "g4dn",
    sizes: ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    uses: ALL_USES,
  },
  {
    family: "g5",
    sizes: ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"],
    uses: ALL_USES,
  },
  { family: "inf1", sizes: ["xlarge", "2xlarge", "6xlarge", "24xlarge"], uses: ["hosting"] },
  { family: "inf2", sizes: ["xlarge", "8xlarge", "24xlarge", "48xlarge"], uses: ["hosting"] },
];

export const SAGEMAKER_INSTANCES: readonly SageMakerInstanceSpec[] = SAGEMAKER_FAMILIES.flatMap(
  ({ family, sizes, uses }) =>
    sizes.map((size) => {
      const gpu = GPU_INSTANCES.find((g) => g.type === `${family}.${size}`)?.gpu;
      return { type: `ml.${family}.${size}`, family, uses, ...(gpu ? { gpu } : {}) };
    }),
);

/** The catalog entry of a SageMaker instance type, if it is in the catalog. */
export function sageMakerInstance(type: string): SageMakerInstanceSpec | undefined {
  return SAGEMAKER_INSTANCES.find((i) => i.type === type);
}

/**
 * Problems with a SageMaker instance type for a use: not a string, not in the catalog (with the closest
 * type as a suggestion), or not usable for that purpose.
 */
export function checkSageMakerInstanceType(
  path: string,
  value: unknown,
  use: SageMakerUse,
): ValidationIssue[] {
  const candidates = SAGEMAKER_INSTANCES.filter((i) => i.uses.includes(use)).map((i) => i.type);
  if (typeof value !== "string" || !value.startsWith("ml.")) {
    return [
      {
        path,
        value,
        expected: `a SageMaker ${use} instance type such as ${candidates[0] ?? "ml.m5.xlarge"}`,
      },
    ];
  }
  const spec = sageMakerInstance(value);
  if (spec === undefined) {
    const suggestion = closestMatch(value, candidates);
    return [
      {
        path,
        value,
        expected: `a SageMaker ${use} instance type from the catalog (components/catalog/instances.ts)${suggestion ? `; did you mean ${suggestion}?` : ""}`,
      },
    ];
  }
  if (!spec.uses.includes(use)) {
    return [
      {
        path,
        value,
        expected: `an instance type SageMaker offers for ${use} (${value} is for ${spec.uses.join(", ")} only)`,
      },
    ];
  }
  return [];
}
