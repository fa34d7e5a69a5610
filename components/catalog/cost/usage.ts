/**
 * The usage profile: what a stack does in a month (requests, tokens, GB stored, TB scanned, job hours), in
 * a YAML or JSON file that `mlplat cost --usage <file>` reads. Fixed costs come from the stack alone; every
 * usage-based cost comes from a profile, never from a guess made in code.
 *
 * Entries of a section that prices a kind of resource name the resources they apply to with `resource`, a
 * glob on the resource's logical name (`*-inference`; default `*`). Figures are per matching resource, and
 * the first entry that matches a resource is the one used for it. Sections for work that is not a declared
 * resource (Bedrock tokens, SageMaker jobs, nodes Karpenter launches) are priced as they stand.
 */
import { parse } from "yaml";
import { z } from "zod";

import { ValidationError, type ValidationIssue } from "../../validation";

const count = (what: string) =>
  z.number({ error: `a number of ${what} (>= 0)` }).nonnegative({ error: `a number of ${what} >= 0` });
const positive = (what: string) =>
  z.number({ error: `a number of ${what} (> 0)` }).positive({ error: `a number of ${what} > 0` });
const resource = z
  .string({ error: 'a glob on the resource\'s logical name, such as "*-inference" or "*"' })
  .min(1, { error: "a non-empty glob" })
  .optional();

/** S3 storage classes a profile may give GB for (the lifecycle rules' storage classes). */
export const S3_STORAGE_CLASSES = [
  "STANDARD",
  "INTELLIGENT_TIERING",
  "STANDARD_IA",
  "ONEZONE_IA",
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
] as const;

const BedrockEntry = z
  .strictObject({
    model: z.string({ error: "a Bedrock model id, e.g. anthropic.claude-3-haiku-20240307-v1:0" }),
    requests: count("requests").optional(),
    inputTokensPerRequest: count("input tokens per request").optional(),
    outputTokensPerRequest: count("output tokens per request").optional(),
    inputTokens: count("input tokens in the month").optional(),
    outputTokens: count("output tokens in the month").optional(),
  })
  .superRefine((e, ctx) => {
    const perRequest = e.inputTokensPerRequest !== undefined || e.outputTokensPerRequest !== undefined;
    const totals = e.inputTokens !== undefined || e.outputTokens !== undefined;
    if (perRequest && totals) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          "either requests with inputTokensPerRequest/outputTokensPerRequest, or inputTokens/outputTokens totals, not both",
      });
    } else if (perRequest && e.requests === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["requests"],
        message: "the number of requests in the month (the per-request token counts multiply it)",
      });
    } else if (!perRequest && !totals) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          "token counts: requests with inputTokensPerRequest and outputTokensPerRequest, or inputTokens and outputTokens",
      });
    }
  });

const Sections = {
  bedrock: z.array(BedrockEntry),
  bedrockGuardrails: z.array(
    z.strictObject({ resource, textUnits: count("text units (1,000 characters each)") }),
  ),
  lambda: z.array(
    z.strictObject({
      resource,
      requests: count("requests"),
      averageDurationMs: count("milliseconds"),
    }),
  ),
  s3: z.array(
    z.strictObject({
      resource,
      storageGb: z
        .partialRecord(
          z.enum(S3_STORAGE_CLASSES, { error: `one of ${S3_STORAGE_CLASSES.join(", ")}` }),
          count("GB"),
          {
            error: `a map of storage class (${S3_STORAGE_CLASSES.join(", ")}) to GB stored`,
          },
        )
        .optional(),
      putRequests: count("PUT, COPY, POST and LIST requests").optional(),
      getRequests: count("GET and other requests").optional(),
    }),
  ),
  cloudwatchLogs: z.array(
    z.strictObject({
      resource,
      ingestedGb: count("GB ingested").optional(),
      storedGb: count("GB stored").optional(),
    }),
  ),
  kms: z.array(z.strictObject({ resource, requests: count("API requests") })),
  sqs: z.array(z.strictObject({ resource, requests: count("requests") })),
  sns: z.array(
    z.strictObject({
      resource,
      publishes: count("publishes").optional(),
      emailNotifications: count("email notifications").optional(),
    }),
  ),
  secretsManager: z.array(z.strictObject({ resource, apiCalls: count("API calls") })),
  natGateways: z.array(z.strictObject({ resource, dataProcessedGb: count("GB") })),
  vpcEndpoints: z.array(z.strictObject({ resource, dataProcessedGb: count("GB") })),
  athena: z.array(z.strictObject({ resource, tbScanned: count("TB scanned") })),
  glueJobs: z.array(z.strictObject({ resource, dpuHours: count("DPU-hours") })),
  glueCrawlers: z.array(z.strictObject({ resource, dpuHours: count("DPU-hours") })),
  emrServerless: z.array(
    z.strictObject({
      resource,
      vcpuHours: count("vCPU-hours"),
      memoryGbHours: count("GB-hours of memory"),
      storageGbHours: count("GB-hours of storage above the free 20 GB per worker").optional(),
    }),
  ),
  stepFunctions: z.array(
    z.strictObject({
      resource,
      stateTransitions: count("state transitions (Standard workflows)").optional(),
      requests: count("executions (Express workflows)").optional(),
      averageDurationMs: count("milliseconds (Express workflows)").optional(),
      memoryMb: positive("MB (Express workflows; billed in 64 MB steps)").optional(),
    }),
  ),
  redshiftServerless: z.array(z.strictObject({ resource, rpuHours: count("RPU-hours") })),
  redshiftManagedStorage: z.array(z.strictObject({ resource, storageGb: count("GB") })),
  sagemakerServerless: z.array(
    z.strictObject({ resource, requests: count("requests"), averageDurationMs: count("milliseconds") }),
  ),
  sagemakerTraining: z.array(
    z.strictObject({
      instanceType: z.string({ error: "a SageMaker instance type, e.g. ml.p3.2xlarge" }),
      instanceCount: positive("instances").optional(),
      hours: count("hours per instance"),
      spot: z.boolean({ error: "true or false" }).optional(),
    }),
  ),
  sagemakerProcessing: z.array(
    z.strictObject({
      instanceType: z.string({ error: "a SageMaker instance type, e.g. ml.m5.xlarge" }),
      instanceCount: positive("instances").optional(),
      hours: count("hours per instance"),
    }),
  ),
  eksNodes: z.array(
    z.strictObject({
      instanceType: z.string({ error: "an EC2 instance type, e.g. g5.xlarge" }),
      hours: count("instance-hours in the month"),
      capacityType: z.enum(["ON_DEMAND", "SPOT"], { error: "ON_DEMAND or SPOT" }).optional(),
    }),
  ),
  ecr: z.array(z.strictObject({ resource, storageGb: count("GB") })),
  scheduler: z.array(z.strictObject({ resource, invocations: count("invocations") })),
  auroraServerless: z.array(z.strictObject({ resource, acuHours: count("ACU-hours") })),
  auroraStorage: z.array(
    z.strictObject({
      resource,
      storageGb: count("GB stored").optional(),
      ioRequests: count("I/O requests").optional(),
    }),
  ),
  efs: z.array(
    z.strictObject({
      resource,
      standardGb: count("GB in Standard storage").optional(),
      infrequentAccessGb: count("GB in Infrequent Access storage").optional(),
      readGb: count("GB read (elastic throughput)").optional(),
      writeGb: count("GB written (elastic throughput)").optional(),
      backupGb: count("GB of backups (AWS Backup warm storage)").optional(),
    }),
  ),
  dynamodb: z.array(
    z.strictObject({
      resource,
      storageGb: count("GB stored, indexes included").optional(),
      readRequestUnits: count("read request units, indexes included (on-demand tables)").optional(),
      writeRequestUnits: count("write request units, indexes included (on-demand tables)").optional(),
    }),
  ),
} as const;

export const UsageProfileSchema = z.strictObject({
  version: z.literal(1, { error: "1 (the only profile version)" }).optional(),
  description: z.string({ error: "a description" }).optional(),
  ...Object.fromEntries(Object.entries(Sections).map(([k, v]) => [k, v.optional()])),
} as { [K in keyof typeof Sections]: z.ZodOptional<(typeof Sections)[K]> } & {
  version: z.ZodOptional<z.ZodLiteral<1>>;
  description: z.ZodOptional<z.ZodString>;
});

export type UsageProfile = z.infer<typeof UsageProfileSchema>;
export type UsageSection = keyof typeof Sections;

/** The sections whose entries apply to declared resources, and the types each prices. */
export const RESOURCE_SECTIONS = {
  bedrockGuardrails: ["aws:bedrock/guardrail:Guardrail"],
  lambda: ["aws:lambda/function:Function"],
  s3: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  cloudwatchLogs: ["aws:cloudwatch/logGroup:LogGroup"],
  kms: ["aws:kms/key:Key"],
  sqs: ["aws:sqs/queue:Queue"],
  sns: ["aws:sns/topic:Topic"],
  secretsManager: ["aws:secretsmanager/secret:Secret"],
  natGateways: ["aws:ec2/natGateway:NatGateway"],
  vpcEndpoints: ["aws:ec2/vpcEndpoint:VpcEndpoint"],
  athena: ["aws:athena/workgroup:Workgroup"],
  glueJobs: ["aws:glue/job:Job"],
  glueCrawlers: ["aws:glue/crawler:Crawler"],
  emrServerless: ["aws:emrserverless/application:Application"],
  stepFunctions: ["aws:sfn/stateMachine:StateMachine"],
  redshiftServerless: ["aws:redshiftserverless/workgroup:Workgroup"],
  redshiftManagedStorage: ["aws:redshiftserverless/namespace:Namespace", "aws:redshift/cluster:Cluster"],
  sagemakerServerless: ["aws:sagemaker/endpoint:Endpoint"],
  ecr: ["aws:ecr/repository:Repository"],
  scheduler: ["aws:scheduler/schedule:Schedule"],
  auroraServerless: ["aws:rds/clusterInstance:ClusterInstance"],
  auroraStorage: ["aws:rds/cluster:Cluster"],
  efs: ["aws:efs/fileSystem:FileSystem"],
  dynamodb: ["aws:dynamodb/table:Table"],
} as const satisfies Partial<Record<UsageSection, readonly string[]>>;

export type ResourceSection = keyof typeof RESOURCE_SECTIONS;
export type UsageEntry<S extends UsageSection> = NonNullable<UsageProfile[S]>[number];

/** An empty profile: no usage, so only fixed costs. */
export const NO_USAGE: UsageProfile = {};

/**
 * Parses and validates a usage profile (YAML, or JSON, which is YAML). Throws a ValidationError naming every
 * problem by its path in the file (`lambda[0].requests: got -1, expected a number of requests >= 0`).
 */
export function parseUsageProfile(text: string, where: string): UsageProfile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ValidationError(`usage profile ${where}`, [
      {
        path: "(file)",
        value: undefined,
        expected: `valid YAML or JSON: ${(err as Error).message.split("\n")[0]}`,
      },
    ]);
  }
  return validateUsageProfile(doc ?? {}, `usage profile ${where}`);
}

/** Validates a usage profile given as a value (a pack config's `usage`, a parsed file). */
export function validateUsageProfile(doc: unknown, subject: string): UsageProfile {
  const parsed = UsageProfileSchema.safeParse(doc);
  if (!parsed.success) {
    throw new ValidationError(
      subject,
      parsed.error.issues.flatMap((i) => toIssues(i, doc)),
    );
  }
  return parsed.data;
}

/** True when `name` matches the glob `pattern` (`*` is any run of characters). */
export function globMatches(pattern: string, name: string): boolean {
  if (!pattern.includes("*")) return pattern === name;
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return re.test(name);
}

function toIssues(issue: z.core.$ZodIssue, doc: unknown): ValidationIssue[] {
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(issue.path);
    return issue.keys.map((key) => ({
      path: pathText([...issue.path, key]),
      value: valueAt(doc, [...issue.path, key]),
      expected: `no such key: known keys here are ${known.join(", ")}`,
    }));
  }
  let expected = issue.message;
  if (issue.code === "invalid_type" && expected.startsWith("Invalid input")) {
    expected = issue.expected === "array" ? "a list of entries" : `a ${issue.expected}`;
  }
  return [{ path: pathText(issue.path), value: valueAt(doc, issue.path), expected }];
}

/** The keys the schema accepts at a path of the profile. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = UsageProfileSchema;
  for (const key of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject)
      schema = (schema.shape as Record<string, z.ZodType | undefined>)[String(key)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return [];
  }
  schema = unwrap(schema);
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodRecord && schema.keyType instanceof z.ZodEnum)
    return schema.keyType.options.map(String);
  return [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodPipe) {
    current = current instanceof z.ZodOptional ? (current.unwrap() as z.ZodType) : (current.in as z.ZodType);
  }
  return current;
}

/** `lambda[0].requests` */
function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`))
    .join("");
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    doc,
  );
}
