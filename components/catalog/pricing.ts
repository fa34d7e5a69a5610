/**
 * The pricing catalog: one JSON file of prices per AWS region under ./pricing/ (`<region>.json`), and one list
 * of the resource types AWS does not charge for (./pricing/free.json). Prices are data, not code: each names
 * its source, the region and the date it was recorded, and is a decimal string turned into an exact
 * {@link Decimal} before any arithmetic. The files are read from the source folder at run time, so that an
 * edited price applies at once (also to the compiled CLI), and validated when first read, with every problem
 * named by its path in the file.
 *
 * A region without a file has no prices: asking for it is an error that says how to add one (`mlplat pricing
 * refresh --region <r>`, ./price-list/), never a silent fallback to another region's prices.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { z } from "zod";

import { closestMatch, ValidationError, type ValidationIssue } from "../validation";
import { parseDecimal, type Decimal } from "./decimal";

/** How a price was recorded. */
export const PRICE_METHODS = {
  /** From the seed document (seed/aws-for-ml-data.ko.txt §7): a requirement of this template. */
  seed: "from the seed document",
  /** Copied from a dated export of the AWS Price List (directly or through a mirror that names its date). */
  "price-list": "copied from a dated AWS Price List export",
  /** Written from the recorder's knowledge of the AWS pricing page, without fetching it: verify before relying on it. */
  recalled: "recalled from the AWS pricing page, not fetched: verify",
} as const;
export type PriceMethod = keyof typeof PRICE_METHODS;

/** Where and when a price was taken. */
export interface PriceSource {
  /** The key the region file gives this source. */
  readonly id: string;
  readonly title: string;
  /** The page (or document) the price is published on. */
  readonly url: string;
  /** The date the price was recorded, `YYYY-MM-DD`. */
  readonly asOf: string;
  readonly method: PriceMethod;
  readonly note?: string;
}

/** One price of the catalog, resolved: amount, unit, region, source and date. */
export interface Price {
  /** The price key, e.g. `ec2.instance`. */
  readonly key: string;
  /** The item of an itemized key, e.g. `g5.xlarge`; undefined for a single price. */
  readonly item?: string;
  /** Display name of the item where the file gives one (Bedrock models). */
  readonly name?: string;
  /** USD per {@link Price.unit}, as recorded. */
  readonly usd: string;
  readonly amount: Decimal;
  /** The unit the price is per, e.g. `instance-hour`, `1M requests`. */
  readonly unit: string;
  readonly region: string;
  readonly source: PriceSource;
  readonly note?: string;
}

/** What a price key means: its unit, and what the quantity is counted in. */
export interface PriceKeySpec {
  /** The unit every region file must state for this key. */
  readonly unit: string;
  /** Powers of ten the quantity is divided by: 6 for a price per million requests. @default 0 */
  readonly per?: number;
  /** What the items of the key are; undefined for a single price. */
  readonly items?: string;
  readonly what: string;
}

/**
 * Every price key the estimator knows, with its unit. A region file may leave keys out (a resource that needs
 * one is then reported as unpriced), but it may not use a key or unit that is not listed here.
 */
export const PRICE_KEYS = {
  "ec2.instance": {
    unit: "instance-hour",
    items: "EC2 instance types",
    what: "EC2 on-demand Linux instance",
  },
  "ec2.ebsVolume": { unit: "GB-month", items: "EBS volume types", what: "EBS volume storage" },
  "ec2.publicIpv4": { unit: "address-hour", what: "public IPv4 address (in use or idle)" },
  "vpc.natGateway": { unit: "gateway-hour", what: "NAT gateway" },
  "vpc.natGatewayData": { unit: "GB", what: "data processed by a NAT gateway" },
  "vpc.interfaceEndpoint": { unit: "endpoint-AZ-hour", what: "interface VPC endpoint, per AZ" },
  "vpc.interfaceEndpointData": { unit: "GB", what: "data processed by interface endpoints" },
  "elb.applicationLoadBalancer": { unit: "LB-hour", what: "Application Load Balancer" },
  "elb.lcu": { unit: "LCU-hour", what: "Application Load Balancer capacity units" },
  "ecs.fargateVcpu": { unit: "vCPU-hour", what: "ECS Fargate task vCPU (Linux, x86_64)" },
  "ecs.fargateMemory": { unit: "GB-hour", what: "ECS Fargate task memory (Linux, x86_64)" },
  "eks.cluster": { unit: "cluster-hour", what: "EKS control plane (standard support)" },
  "kms.key": { unit: "key-month", what: "KMS customer-managed key" },
  "kms.requests": { unit: "10K requests", per: 4, what: "KMS API requests" },
  "s3.storage": { unit: "GB-month", items: "S3 storage classes", what: "S3 storage" },
  "s3.requests": {
    unit: "1K requests",
    per: 3,
    items: "request tiers (PUT: PUT, COPY, POST, LIST; GET: GET, SELECT and others)",
    what: "S3 requests",
  },
  "lambda.requests": { unit: "1M requests", per: 6, what: "Lambda requests" },
  "lambda.duration": { unit: "GB-second", items: "architectures", what: "Lambda compute duration" },
  "bedrock.inputTokens": { unit: "1K tokens", per: 3, items: "model ids", what: "Bedrock input tokens" },
  "bedrock.outputTokens": { unit: "1K tokens", per: 3, items: "model ids", what: "Bedrock output tokens" },
  "bedrock.guardrail": {
    unit: "1K text units",
    per: 3,
    items: "guardrail policy kinds",
    what: "Bedrock Guardrails text units",
  },
  "sagemaker.notebook": { unit: "instance-hour", items: "ml.* types", what: "SageMaker notebook instance" },
  "sagemaker.training": { unit: "instance-hour", items: "ml.* types", what: "SageMaker training" },
  "sagemaker.hosting": { unit: "instance-hour", items: "ml.* types", what: "SageMaker real-time hosting" },
  "sagemaker.processing": { unit: "instance-hour", items: "ml.* types", what: "SageMaker processing" },
  "sagemaker.serverlessInference": { unit: "GB-second", what: "SageMaker Serverless Inference compute" },
  "sagemaker.mlStorage": { unit: "GB-month", what: "SageMaker ML storage (notebook volumes)" },
  "redshift.node": { unit: "node-hour", items: "node types", what: "Redshift provisioned node" },
  "redshift.managedStorage": { unit: "GB-month", what: "Redshift managed storage (RA3, Serverless)" },
  "redshift.serverlessRpu": { unit: "RPU-hour", what: "Redshift Serverless compute" },
  "athena.dataScanned": { unit: "TB", what: "Athena data scanned (SQL queries)" },
  "glue.etlJob": { unit: "DPU-hour", what: "Glue ETL job (Spark, standard)" },
  "glue.crawler": { unit: "DPU-hour", what: "Glue crawler" },
  "emr.serverlessVcpu": { unit: "vCPU-hour", what: "EMR Serverless worker vCPU (x86_64)" },
  "emr.serverlessMemory": { unit: "GB-hour", what: "EMR Serverless worker memory (x86_64)" },
  "emr.serverlessStorage": { unit: "GB-hour", what: "EMR Serverless worker storage above the free 20 GB" },
  "sfn.standardTransitions": { unit: "1K state transitions", per: 3, what: "Step Functions Standard" },
  "sfn.expressRequests": { unit: "1M requests", per: 6, what: "Step Functions Express requests" },
  "sfn.expressDuration": { unit: "GB-second", what: "Step Functions Express duration" },
  "logs.ingestion": { unit: "GB", what: "CloudWatch Logs ingestion (standard class)" },
  "logs.storage": { unit: "GB-month", what: "CloudWatch Logs archived storage" },
  "cloudwatch.alarm": { unit: "alarm-month", what: "CloudWatch standard-resolution metric alarm" },
  "cloudwatch.dashboard": { unit: "dashboard-month", what: "CloudWatch dashboard" },
  "sns.requests": { unit: "1M requests", per: 6, what: "SNS publishes (standard topics)" },
  "sns.email": { unit: "100K notifications", per: 5, what: "SNS email notifications" },
  "sqs.requests": { unit: "1M requests", per: 6, items: "queue kinds", what: "SQS requests" },
  "secretsmanager.secret": { unit: "secret-month", what: "Secrets Manager secret" },
  "secretsmanager.apiCalls": { unit: "10K API calls", per: 4, what: "Secrets Manager API calls" },
  "dynamodb.onDemandReads": { unit: "1M read request units", per: 6, what: "DynamoDB on-demand reads" },
  "dynamodb.onDemandWrites": { unit: "1M write request units", per: 6, what: "DynamoDB on-demand writes" },
  "dynamodb.provisionedRead": { unit: "RCU-hour", what: "DynamoDB provisioned read capacity unit" },
  "dynamodb.provisionedWrite": { unit: "WCU-hour", what: "DynamoDB provisioned write capacity unit" },
  "dynamodb.storage": { unit: "GB-month", what: "DynamoDB Standard table storage" },
  "dynamodb.pitr": { unit: "GB-month", what: "DynamoDB continuous backups (point-in-time recovery)" },
  "ecr.storage": { unit: "GB-month", what: "ECR image storage" },
  "scheduler.invocations": { unit: "1M invocations", per: 6, what: "EventBridge Scheduler invocations" },
  "rds.auroraServerlessV2": { unit: "ACU-hour", what: "Aurora Serverless v2 capacity (Aurora Standard)" },
  "rds.auroraStorage": { unit: "GB-month", what: "Aurora storage (Aurora Standard)" },
  "rds.auroraIo": { unit: "1M requests", per: 6, what: "Aurora I/O requests (Aurora Standard)" },
  "efs.storage": { unit: "GB-month", items: "EFS storage classes", what: "EFS storage" },
  "efs.elasticThroughput": {
    unit: "GB",
    items: "read, write",
    what: "EFS elastic throughput: data read and written",
  },
  "backup.efsWarmStorage": { unit: "GB-month", what: "AWS Backup warm storage of EFS backups" },
} as const satisfies Record<string, PriceKeySpec>;

export type PriceKey = keyof typeof PRICE_KEYS;

/** Assumptions the estimator applies, recorded in each region file with a source like any price. */
export const ASSUMPTION_KEYS = {
  "ec2.spotSaving": "fraction of the on-demand price that spot EC2 capacity saves on average",
  "sagemaker.spotTrainingSaving": "fraction of the on-demand price that managed spot training saves",
} as const;
export type AssumptionKey = keyof typeof ASSUMPTION_KEYS;

export interface Assumption {
  readonly key: AssumptionKey;
  readonly value: string;
  readonly amount: Decimal;
  readonly region: string;
  readonly source: PriceSource;
  readonly note?: string;
}

/** The prices of one region. */
export interface RegionPricing {
  readonly region: string;
  /** The file the prices were read from. */
  readonly file: string;
  readonly sources: readonly PriceSource[];
  /** The price of `key` (and `item`, for an itemized key), or undefined when the file has none. */
  price(key: PriceKey, item?: string): Price | undefined;
  /** The items an itemized key has prices for. */
  items(key: PriceKey): string[];
  assumption(key: AssumptionKey): Assumption | undefined;
}

/** A region with no pricing file. */
export class PricingNotFoundError extends Error {
  override readonly name = "PricingNotFoundError";
}

/** The folder of the pricing files: next to this module in the sources, also when running compiled code. */
export const PRICING_DIR = sourceFolder(path.join(__dirname, "pricing"));

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const decimalText = z
  .string({ error: 'a decimal USD amount as a string, such as "0.023"' })
  .regex(/^\d+(\.\d+)?$/, { error: 'a non-negative decimal as a string, such as "0.023"' });

const SourceSchema = z.strictObject({
  title: z.string({ error: "a title" }).min(1, { error: "a non-empty title" }),
  url: z.string({ error: "the URL of the pricing page" }).min(1, { error: "a non-empty URL" }),
  asOf: z.string({ error: "a date YYYY-MM-DD" }).regex(DATE, { error: "a date YYYY-MM-DD" }),
  method: z.enum(Object.keys(PRICE_METHODS) as [PriceMethod, ...PriceMethod[]], {
    error: `one of ${Object.keys(PRICE_METHODS).join(", ")}`,
  }),
  note: z.string({ error: "a note" }).optional(),
});

const ItemSchema = z.union(
  [
    decimalText,
    z.strictObject({
      usd: decimalText,
      source: z.string({ error: "a source id" }).optional(),
      name: z.string({ error: "a display name" }).optional(),
      note: z.string({ error: "a note" }).optional(),
    }),
  ],
  { error: 'a decimal string such as "0.023", or { usd, source?, name?, note? }' },
);

const GroupSchema = z.strictObject({
  unit: z.string({ error: "the unit the prices are per" }),
  source: z.string({ error: "a source id of this file" }),
  usd: decimalText.optional(),
  items: z.record(z.string(), ItemSchema, { error: "a map of item to price" }).optional(),
  note: z.string({ error: "a note" }).optional(),
});

const AssumptionSchema = z.strictObject({
  value: decimalText,
  source: z.string({ error: "a source id of this file" }),
  note: z.string({ error: "a note" }).optional(),
});

const RegionFileSchema = z.strictObject({
  $comment: z.string().optional(),
  region: z.string({ error: "the region's code, e.g. ap-northeast-2" }),
  currency: z.literal("USD", { error: '"USD"' }),
  sources: z.record(z.string(), SourceSchema, { error: "a map of source id to source" }),
  prices: z.record(z.string(), GroupSchema, { error: "a map of price key to prices" }),
  assumptions: z.record(z.string(), AssumptionSchema, { error: "a map of assumption key" }).optional(),
});

const FreeFileSchema = z.strictObject({
  $comment: z.string().optional(),
  asOf: z.string({ error: "a date YYYY-MM-DD" }).regex(DATE, { error: "a date YYYY-MM-DD" }),
  source: z.string({ error: "where the list comes from" }),
  types: z.record(
    z.string().regex(/^[a-zA-Z0-9-]+:[^:*]+:[^:*]+$|^[a-zA-Z0-9-]+:([a-zA-Z0-9]+\/)?\*$/, {
      error: "a type token (pkg:module:Type), pkg:module/* for a whole module, or pkg:* for a whole package",
    }),
    z.string({ error: "why AWS does not charge for it" }).min(10, { error: "a reason of 10+ characters" }),
  ),
});

type RegionFile = z.infer<typeof RegionFileSchema>;

const cache = new Map<string, RegionPricing>();

/** The regions that have a pricing file. */
export function pricingRegions(dir: string = PRICING_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "free.json")
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/**
 * The prices of `region`, read and validated on first use. Throws {@link PricingNotFoundError} when the region
 * has no file, and a ValidationError naming every problem of a file that does not fit the catalog's schema.
 */
export function pricingFor(region: string, dir: string = PRICING_DIR): RegionPricing {
  const file = path.join(dir, `${region}.json`);
  const cached = cache.get(file);
  if (cached) return cached;
  if (!REGION.test(region) || !fs.existsSync(file)) {
    const known = pricingRegions(dir);
    throw new PricingNotFoundError(
      `no prices for region ${JSON.stringify(region)}: the catalog has ${known.join(", ")}. ` +
        `To add it, copy ${path.join(dir, `${known[0] ?? "us-east-1"}.json`)} to ${file}, set "region" to ` +
        `"${region}" and replace each price with the region's published one, with its source and date; ` +
        `\`mlplat pricing refresh --region ${region}\` does this from the AWS Price List (see the README's ` +
        `Cost section)`,
    );
  }
  const pricing = loadRegionFile(file, region);
  cache.set(file, pricing);
  return pricing;
}

/** Reads and validates one region file: the schema, then the cross-references zod cannot see. */
export function loadRegionFile(file: string, region: string): RegionPricing {
  const doc = readJson(file);
  const parsed = RegionFileSchema.safeParse(doc);
  if (!parsed.success)
    throw new ValidationError(
      file,
      parsed.error.issues.map((i) => toIssue(i, doc)),
    );
  const data = parsed.data;
  const issues = crossCheck(data, region);
  if (issues.length > 0) throw new ValidationError(file, issues);
  return regionPricing(data, file);
}

/** Why AWS does not charge for resources of a type, or undefined when it is not known to be free. */
export interface FreeList {
  readonly file: string;
  readonly asOf: string;
  readonly source: string;
  /** Type tokens and `pkg:*` patterns, with their reasons. */
  readonly entries: Readonly<Record<string, string>>;
  reason(type: string): string | undefined;
}

let freeList: FreeList | undefined;

/** The resource types AWS does not charge for (./pricing/free.json), validated on first use. */
export function freeTypes(dir: string = PRICING_DIR): FreeList {
  if (freeList && freeList.file === path.join(dir, "free.json")) return freeList;
  const file = path.join(dir, "free.json");
  const doc = readJson(file);
  const parsed = FreeFileSchema.safeParse(doc);
  if (!parsed.success)
    throw new ValidationError(
      file,
      parsed.error.issues.map((i) => toIssue(i, doc)),
    );
  const entries = parsed.data.types;
  freeList = {
    file,
    asOf: parsed.data.asOf,
    source: parsed.data.source,
    entries,
    reason: (type) => {
      const [pkg = "", module = ""] = type.split(":");
      return entries[type] ?? entries[`${pkg}:${module.split("/")[0] ?? ""}/*`] ?? entries[`${pkg}:*`];
    },
  };
  return freeList;
}

function regionPricing(data: RegionFile, file: string): RegionPricing {
  const sources = new Map(
    Object.entries(data.sources).map(([id, s]) => [
      id,
      { id, ...s, ...(s.note === undefined ? {} : { note: s.note }) },
    ]),
  );
  // Every id a price names was checked against the file's sources when it was loaded.
  const sourceOf = (id: string): PriceSource => sources.get(id) as PriceSource;
  const region = data.region;
  return {
    region,
    file,
    sources: [...sources.values()],
    price(key, item) {
      const group = data.prices[key];
      if (group === undefined) return undefined;
      const base = { key, unit: group.unit, region, ...(group.note ? { note: group.note } : {}) };
      if (item === undefined) {
        if (group.usd === undefined) return undefined;
        return { ...base, usd: group.usd, amount: parseDecimal(group.usd), source: sourceOf(group.source) };
      }
      const entry = group.items?.[item];
      if (entry === undefined) return undefined;
      const detail = typeof entry === "string" ? { usd: entry } : entry;
      return {
        ...base,
        item,
        usd: detail.usd,
        amount: parseDecimal(detail.usd),
        source: sourceOf(detail.source ?? group.source),
        ...(detail.name ? { name: detail.name } : {}),
        ...(detail.note ? { note: detail.note } : {}),
      };
    },
    items(key) {
      return Object.keys(data.prices[key]?.items ?? {});
    },
    assumption(key) {
      const a = data.assumptions?.[key];
      if (a === undefined) return undefined;
      return {
        key,
        value: a.value,
        amount: parseDecimal(a.value),
        region,
        source: sourceOf(a.source),
        ...(a.note ? { note: a.note } : {}),
      };
    },
  };
}

function crossCheck(data: RegionFile, region: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (data.region !== region) {
    issues.push({
      path: "region",
      value: data.region,
      expected: `"${region}", the region the file is named after`,
    });
  }
  const sourceIds = Object.keys(data.sources);
  const checkSource = (at: string, id: string | undefined): void => {
    if (id !== undefined && !sourceIds.includes(id)) {
      issues.push({ path: at, value: id, expected: `a source id of this file (${sourceIds.join(", ")})` });
    }
  };
  for (const [id, source] of Object.entries(data.sources)) {
    if (source.method !== "seed" && !/^https:\/\//.test(source.url)) {
      issues.push({
        path: `sources.${id}.url`,
        value: source.url,
        expected: "an https:// URL of the pricing page",
      });
    }
  }
  const keys = Object.keys(PRICE_KEYS);
  for (const [key, group] of Object.entries(data.prices)) {
    const at = `prices.${key}`;
    const spec = (PRICE_KEYS as Record<string, PriceKeySpec | undefined>)[key];
    if (spec === undefined) {
      const suggestion = closestMatch(key, keys);
      issues.push({
        path: at,
        value: key,
        expected: `a price key the estimator knows (components/catalog/pricing.ts PRICE_KEYS)${suggestion ? `; did you mean ${suggestion}?` : ""}`,
      });
      continue;
    }
    if (group.unit !== spec.unit) {
      issues.push({ path: `${at}.unit`, value: group.unit, expected: `"${spec.unit}" (${spec.what})` });
    }
    checkSource(`${at}.source`, group.source);
    if (spec.items !== undefined) {
      if (group.items === undefined || Object.keys(group.items).length === 0 || group.usd !== undefined) {
        issues.push({
          path: at,
          value: group,
          expected: `"items": a price per item (${spec.items}), and no "usd"`,
        });
      }
    } else if (group.usd === undefined || group.items !== undefined) {
      issues.push({
        path: at,
        value: group,
        expected: `"usd": a single price (${spec.what}), and no "items"`,
      });
    }
    for (const [item, entry] of Object.entries(group.items ?? {})) {
      if (typeof entry === "object") checkSource(`${at}.items.${item}.source`, entry.source);
    }
  }
  for (const [key, assumption] of Object.entries(data.assumptions ?? {})) {
    const at = `assumptions.${key}`;
    if (!(key in ASSUMPTION_KEYS)) {
      issues.push({ path: at, value: key, expected: `one of ${Object.keys(ASSUMPTION_KEYS).join(", ")}` });
    }
    checkSource(`${at}.source`, assumption.source);
    const value = Number(assumption.value);
    if (!(value >= 0 && value < 1)) {
      issues.push({
        path: `${at}.value`,
        value: assumption.value,
        expected: "a fraction from 0 up to (not including) 1",
      });
    }
  }
  return issues;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PricingNotFoundError(`${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ValidationError(file, [
      { path: "(file)", value: undefined, expected: `valid JSON: ${(err as Error).message}` },
    ]);
  }
}

function toIssue(issue: z.core.$ZodIssue, doc: unknown): ValidationIssue {
  const at = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    return { path: at.join(".") || "(top level)", value: issue.keys, expected: "no such keys here" };
  }
  const value = issue.path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    doc,
  );
  return { path: at.join(".") || "(top level)", value, expected: issue.message };
}

/** A folder under `dist/` mapped back to the same folder in the sources. */
function sourceFolder(dir: string): string {
  const marker = `${path.sep}dist${path.sep}`;
  const at = dir.lastIndexOf(marker);
  if (at === -1) return dir;
  const source = path.join(dir.slice(0, at), dir.slice(at + marker.length));
  return fs.existsSync(source) ? source : dir;
}
