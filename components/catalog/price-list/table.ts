/**
 * Where each price key of the catalog (PRICE_KEYS in ../pricing.ts) is found in the AWS Price List bulk offer
 * files: the offer (service code), the product family and the attribute values of the products that carry it.
 * One declarative table, one entry per key; a key that the Price List cannot give says why instead.
 *
 * Attribute values were checked against public references to the offer files (the AWS Billing guide's
 * "Reading the service price list file", and public tools that read these files); a rule marked
 * `unconfirmed` could not be checked against a published offer file and is a best reading of AWS's naming.
 * A rule that matches nothing leaves its key out of the region file: nothing here is ever a price.
 */
import type { PriceKey } from "../pricing";

/** A product's attributes, as the offer file gives them. */
export type Attributes = Readonly<Record<string, string>>;

/** An attribute value to match: the exact string, or a pattern. */
export type AttributeMatch = string | RegExp;

/** How to find one price (or one item's prices) in an offer file. */
export interface PriceRule {
  /** The offer code (service code) of the offer file, e.g. `AmazonEC2`. */
  readonly service: string;
  /** The product family the product must have. @default - any family */
  readonly family?: AttributeMatch;
  /**
   * Attribute values the product must have. `usagetype` is compared without its region prefix (`USE1-`,
   * `APN2-`, `EU-`, `us-east-1-`), which the offer files add in every region but (mostly) us-east-1.
   */
  readonly attributes: Readonly<Record<string, AttributeMatch>>;
  /**
   * The item a matching product prices, for an itemized key: a fixed item name, or a function of the
   * product's attributes (undefined: the product is not one of the key's items).
   * @default - none: the key has a single price
   */
  readonly item?: string | ((attributes: Attributes) => string | undefined);
  /** Why this rule could not be checked against a published offer file. @default - checked */
  readonly unconfirmed?: string;
}

/** Where a key comes from: rules tried in order (the first that prices the key wins), or why none can. */
export type KeySource =
  { readonly rules: readonly PriceRule[]; readonly note?: string } | { readonly notInPriceList: string };

/** The region prefix of usage types: a billing code (`USE1-`, `APN2-`, `EU-`) or a region code (`us-east-1-`). */
const USAGE_PREFIX = /^(?:[A-Z]{2,4}\d{1,2}|EU|[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+)-/;

/** A usage type without its region prefix: `APN2-BoxUsage:m5.large` is `BoxUsage:m5.large`. */
export function usageTypeOf(attributes: Attributes): string {
  return (attributes.usagetype ?? "").replace(USAGE_PREFIX, "");
}

const EC2 = "AmazonEC2";
const VPC = "AmazonVPC";
const S3 = "AmazonS3";
const LAMBDA = "AWSLambda";
const SAGEMAKER = "AmazonSageMaker";
const REDSHIFT = "AmazonRedshift";
const DYNAMODB = "AmazonDynamoDB";
const CLOUDWATCH = "AmazonCloudWatch";
const EFS = "AmazonEFS";
const RDS = "AmazonRDS";
const STEP_FUNCTIONS = "AmazonStates";
const EMR = "ElasticMapReduce";

/** A single price: the product of `service` whose usage type (without region prefix) is `usagetype`. */
function usage(
  service: string,
  usagetype: AttributeMatch,
  more: Omit<PriceRule, "service" | "attributes"> & { attributes?: PriceRule["attributes"] } = {},
): PriceRule {
  return { service, ...more, attributes: { usagetype, ...more.attributes } };
}

/** An itemized price whose item is the first group of a usage-type pattern (`Host:(ml.m5.xlarge)`). */
function usageItems(
  service: string,
  pattern: RegExp,
  more: Omit<PriceRule, "service" | "attributes" | "item"> = {},
) {
  return {
    service,
    ...more,
    attributes: { usagetype: pattern },
    item: (attributes: Attributes) => pattern.exec(usageTypeOf(attributes))?.[1],
  } satisfies PriceRule;
}

const SAGEMAKER_INSTANCE = "SageMaker's instance usage types are <prefix>-<Component>:ml.<type>";

/** Every price key of the catalog: where the Price List has it, or why it does not. */
export const PRICE_LIST_TABLE = {
  "ec2.instance": {
    rules: [
      {
        service: EC2,
        family: "Compute Instance",
        attributes: {
          operatingSystem: "Linux",
          tenancy: "Shared",
          preInstalledSw: "NA",
          licenseModel: "No License required",
          capacitystatus: "Used",
          usagetype: /^BoxUsage:/,
        },
        item: (a) => a.instanceType,
      },
    ],
  },
  "ec2.ebsVolume": {
    rules: [
      {
        service: EC2,
        family: "Storage",
        attributes: { usagetype: /^EBS:VolumeUsage(\.[a-z0-9]+)?$/ },
        item: (a) => a.volumeApiName,
      },
    ],
  },
  "ec2.publicIpv4": { rules: [usage(VPC, "PublicIPv4:InUseAddress")] },
  "vpc.natGateway": { rules: [usage(EC2, "NatGateway-Hours", { family: "NAT Gateway" })] },
  "vpc.natGatewayData": { rules: [usage(EC2, "NatGateway-Bytes", { family: "NAT Gateway" })] },
  "vpc.interfaceEndpoint": { rules: [usage(VPC, "VpcEndpoint-Hours", { family: "VpcEndpoint" })] },
  "vpc.interfaceEndpointData": {
    rules: [usage(VPC, "VpcEndpoint-Bytes", { family: "VpcEndpoint" })],
    note: "the first tier (first 1 PB a month in the region)",
  },
  "elb.applicationLoadBalancer": {
    rules: [usage("AWSELB", "LoadBalancerUsage", { family: "Load Balancer-Application" })],
  },
  "elb.lcu": { rules: [usage("AWSELB", "LCUUsage", { family: "Load Balancer-Application" })] },
  "ecs.fargateVcpu": { rules: [usage("AmazonECS", "Fargate-vCPU-Hours:perCPU")] },
  "ecs.fargateMemory": { rules: [usage("AmazonECS", "Fargate-GB-Hours")] },
  "eks.cluster": { rules: [usage("AmazonEKS", "AmazonEKS-Hours:perCluster")] },
  "kms.key": { rules: [usage("awskms", "KMS-Keys")] },
  "kms.requests": { rules: [usage("awskms", "KMS-Requests")] },
  "s3.storage": {
    rules: [
      usage(S3, "TimedStorage-ByteHrs", { item: "STANDARD", family: "Storage" }),
      usage(S3, "TimedStorage-INT-FA-ByteHrs", { item: "INTELLIGENT_TIERING" }),
      usage(S3, "TimedStorage-SIA-ByteHrs", { item: "STANDARD_IA" }),
      usage(S3, "TimedStorage-ZIA-ByteHrs", { item: "ONEZONE_IA" }),
      usage(S3, "TimedStorage-GIR-ByteHrs", { item: "GLACIER_IR" }),
      usage(S3, "TimedStorage-GlacierByteHrs", { item: "GLACIER" }),
      usage(S3, "TimedStorage-GDA-ByteHrs", { item: "DEEP_ARCHIVE" }),
    ],
    note: "the first tier (first 50 TB a month)",
  },
  "s3.requests": {
    rules: [
      usage(S3, "Requests-Tier1", { item: "PUT", family: "API Request" }),
      usage(S3, "Requests-Tier2", { item: "GET", family: "API Request" }),
    ],
  },
  "lambda.requests": {
    rules: [usage(LAMBDA, "Request", { family: "Serverless", attributes: { group: "AWS-Lambda-Requests" } })],
  },
  "lambda.duration": {
    rules: [
      usage(LAMBDA, "Lambda-GB-Second", {
        item: "x86_64",
        family: "Serverless",
        attributes: { group: "AWS-Lambda-Duration" },
      }),
      usage(LAMBDA, "Lambda-GB-Second-ARM", {
        item: "arm64",
        family: "Serverless",
        attributes: { group: "AWS-Lambda-Duration-ARM" },
      }),
    ],
    note: "the first tier (first 6 billion GB-seconds a month)",
  },
  "bedrock.inputTokens": {
    notInPriceList:
      "the offer files name Bedrock models by display name and provider offer, not by the model ids the " +
      "catalog is keyed by, and the seed's token prices (seed-7.2) are requirements: kept as they are",
  },
  "bedrock.outputTokens": {
    notInPriceList:
      "the offer files name Bedrock models by display name and provider offer, not by the model ids the " +
      "catalog is keyed by, and the seed's token prices (seed-7.2) are requirements: kept as they are",
  },
  "bedrock.guardrail": {
    rules: [
      usage("AmazonBedrock", /Guardrail.*Content(Policy|Filter).*Text|Guardrail.*Text.*Content/i, {
        item: "contentFilters",
        unconfirmed: "Guardrails usage types are not in the public references",
      }),
      usage("AmazonBedrock", /Guardrail.*(Denied)?Topic/i, {
        item: "deniedTopics",
        unconfirmed: "Guardrails usage types are not in the public references",
      }),
      usage("AmazonBedrock", /Guardrail.*(SensitiveInformation|PII)/i, {
        item: "sensitiveInformation",
        unconfirmed: "Guardrails usage types are not in the public references",
      }),
      usage("AmazonBedrock", /Guardrail.*Grounding/i, {
        item: "contextualGrounding",
        unconfirmed: "Guardrails usage types are not in the public references",
      }),
    ],
  },
  "sagemaker.notebook": {
    rules: [usageItems(SAGEMAKER, /^Notebk:(ml\.[a-z0-9.-]+)$/)],
    note: SAGEMAKER_INSTANCE,
  },
  "sagemaker.training": {
    rules: [usageItems(SAGEMAKER, /^Train:(ml\.[a-z0-9.-]+)$/)],
    note: SAGEMAKER_INSTANCE,
  },
  "sagemaker.hosting": {
    rules: [usageItems(SAGEMAKER, /^Host:(ml\.[a-z0-9.-]+)$/)],
    note: SAGEMAKER_INSTANCE,
  },
  "sagemaker.processing": {
    rules: [
      usageItems(SAGEMAKER, /^Processing:(ml\.[a-z0-9.-]+)$/, {
        unconfirmed: "the processing usage type is read by analogy with Train: and Host:",
      }),
    ],
  },
  "sagemaker.serverlessInference": {
    rules: [
      usage(SAGEMAKER, /^ServerlessInf:Mem-1GB$/, {
        unconfirmed: "Serverless Inference is priced per second of each memory size; 1 GB's is the GB-second",
      }),
    ],
  },
  "sagemaker.mlStorage": {
    rules: [
      usage(SAGEMAKER, /^Notebk:VolumeUsage(\.gp2)?$/, {
        unconfirmed: "the notebook volume usage type is not in the public references",
      }),
    ],
  },
  "redshift.node": {
    rules: [
      {
        service: REDSHIFT,
        family: "Compute Instance",
        attributes: { usagetype: /^Node:/ },
        item: (a) => a.instanceType,
      },
    ],
  },
  "redshift.managedStorage": {
    rules: [
      usage(REDSHIFT, "RMS:Serverless", { family: "Redshift Managed Storage" }),
      usage(REDSHIFT, /^RMS:/, { family: "Redshift Managed Storage" }),
    ],
  },
  "redshift.serverlessRpu": {
    rules: [usage(REDSHIFT, "Redshift:ServerlessUsage", { family: "Serverless" })],
  },
  "athena.dataScanned": { rules: [usage("AmazonAthena", "DataScannedInTB")] },
  "glue.etlJob": { rules: [usage("AWSGlue", "ETL-DPU-Hour")] },
  "glue.crawler": { rules: [usage("AWSGlue", "Crawler-DPU-Hour")] },
  "emr.serverlessVcpu": { rules: [usage(EMR, "EMR-SERVERLESS-vCPUHours", { family: "EMR Serverless" })] },
  "emr.serverlessMemory": {
    rules: [usage(EMR, "EMR-SERVERLESS-MemoryGBHours", { family: "EMR Serverless" })],
  },
  "emr.serverlessStorage": {
    rules: [usage(EMR, "EMR-SERVERLESS-StorageGBHours", { family: "EMR Serverless" })],
  },
  "sfn.standardTransitions": { rules: [usage(STEP_FUNCTIONS, "StateTransition")] },
  "sfn.expressRequests": { rules: [usage(STEP_FUNCTIONS, "StepFunctions-Request")] },
  "sfn.expressDuration": {
    rules: [usage(STEP_FUNCTIONS, "StepFunctions-GB-Second")],
    note: "the first tier (first 1,000 hours of GB-seconds a month)",
  },
  "logs.ingestion": { rules: [usage(CLOUDWATCH, "DataProcessing-Bytes", { family: "Data Payload" })] },
  "logs.storage": { rules: [usage(CLOUDWATCH, "TimedStorage-ByteHrs", { family: "Storage Snapshot" })] },
  "cloudwatch.alarm": {
    rules: [
      usage(CLOUDWATCH, "CW:AlarmMonitorUsage", { family: "Alarm", attributes: { alarmType: /^Standard/ } }),
    ],
  },
  "cloudwatch.dashboard": { rules: [usage(CLOUDWATCH, "DashboardsUsageHour", { family: "Dashboard" })] },
  "sns.requests": { rules: [usage("AmazonSNS", "Requests-Tier1", { family: "API Request" })] },
  "sns.email": { rules: [usage("AmazonSNS", "DeliveryAttempts-SMTP", { family: "Message Delivery" })] },
  "sqs.requests": {
    rules: [
      usage("AWSQueueService", "Requests-RBP", { item: "standard", family: "API Request" }),
      usage("AWSQueueService", "Requests-FIFO-RBP", { item: "fifo", family: "API Request" }),
    ],
  },
  "secretsmanager.secret": { rules: [{ service: "AWSSecretsManager", family: "Secret", attributes: {} }] },
  "secretsmanager.apiCalls": {
    rules: [{ service: "AWSSecretsManager", family: "API Request", attributes: {} }],
  },
  "dynamodb.onDemandReads": {
    rules: [
      usage(DYNAMODB, "ReadRequestUnits", {
        family: "Amazon DynamoDB PayPerRequest Throughput",
        attributes: { group: "DDB-ReadUnits" },
      }),
    ],
  },
  "dynamodb.onDemandWrites": {
    rules: [
      usage(DYNAMODB, "WriteRequestUnits", {
        family: "Amazon DynamoDB PayPerRequest Throughput",
        attributes: { group: "DDB-WriteUnits" },
      }),
    ],
  },
  "dynamodb.provisionedRead": {
    rules: [
      usage(DYNAMODB, "ReadCapacityUnit-Hrs", {
        family: "Provisioned IOPS",
        attributes: { group: "DDB-ReadUnits" },
      }),
    ],
  },
  "dynamodb.provisionedWrite": {
    rules: [
      usage(DYNAMODB, "WriteCapacityUnit-Hrs", {
        family: "Provisioned IOPS",
        attributes: { group: "DDB-WriteUnits" },
      }),
    ],
  },
  "dynamodb.storage": {
    rules: [
      usage(DYNAMODB, "TimedStorage-ByteHrs", {
        family: "Database Storage",
        attributes: { volumeType: "Amazon DynamoDB - Indexed DataStore" },
      }),
    ],
  },
  "dynamodb.pitr": { rules: [usage(DYNAMODB, "TimedPITRStorage-ByteHrs", { family: "Database Storage" })] },
  "ecr.storage": { rules: [usage("AmazonECR", "TimedStorage-ByteHrs")] },
  "scheduler.invocations": {
    rules: [
      usage("AWSEvents", /^Scheduler-?Invocations?$/i, {
        unconfirmed: "EventBridge Scheduler's usage type is not in the public references",
      }),
    ],
  },
  "rds.auroraServerlessV2": {
    rules: [
      usage(RDS, "Aurora:ServerlessV2Usage", {
        family: "ServerlessV2",
        attributes: { databaseEngine: "Aurora PostgreSQL" },
      }),
    ],
  },
  "rds.auroraStorage": { rules: [usage(RDS, "Aurora:StorageUsage", { family: "Database Storage" })] },
  "rds.auroraIo": { rules: [usage(RDS, "Aurora:StorageIOUsage", { family: "System Operation" })] },
  "efs.storage": {
    rules: [
      usage(EFS, "TimedStorage-ByteHrs", { item: "standard", family: "Storage" }),
      usage(EFS, "IATimedStorage-ByteHrs", { item: "infrequentAccess", family: "Storage" }),
    ],
  },
  "efs.elasticThroughput": {
    rules: [
      usage(EFS, /Elastic.*Read|Read.*Elastic/i, {
        item: "read",
        unconfirmed: "Elastic Throughput's usage types are not in the public references",
      }),
      usage(EFS, /Elastic.*Write|Write.*Elastic/i, {
        item: "write",
        unconfirmed: "Elastic Throughput's usage types are not in the public references",
      }),
    ],
  },
  "backup.efsWarmStorage": {
    rules: [usage("AWSBackup", "WarmStorage-ByteHrs-EFS", { family: "AWS Backup Storage" })],
  },
} as const satisfies Record<PriceKey, KeySource>;

/** The assumptions of the catalog (ASSUMPTION_KEYS), and why the Price List cannot refresh them. */
export const ASSUMPTIONS_NOT_IN_PRICE_LIST =
  "spot savings are not in the bulk offer files (spot prices change by the hour and pool); the seed's " +
  "assumptions (seed-7.1) are requirements: kept as they are";

/** The offer codes the table reads. */
export function tableServices(): string[] {
  const services = new Set<string>();
  for (const source of Object.values(PRICE_LIST_TABLE) as KeySource[]) {
    if ("rules" in source) for (const rule of source.rules) services.add(rule.service);
  }
  return [...services].sort();
}

/** True when the product (family and attributes) is one this rule prices. */
export function ruleMatches(rule: PriceRule, family: string | undefined, attributes: Attributes): boolean {
  if (rule.family !== undefined && !matches(rule.family, family)) return false;
  for (const [name, want] of Object.entries(rule.attributes)) {
    const value = name === "usagetype" ? usageTypeOf(attributes) : attributes[name];
    if (!matches(want, value)) return false;
  }
  return true;
}

function matches(want: AttributeMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  return typeof want === "string" ? value === want : want.test(value);
}
