import type { ValidationIssue } from "../validation";

export interface NetworkArgs {
  /** The VPC's IPv4 range, a /16 to /24 private block. @default "10.0.0.0/16" */
  cidrBlock?: string;
  /** Availability zones to spread the private subnets over, 2 or 3. @default 2 */
  availabilityZoneCount?: number;
  /**
   * Interface endpoints for the SageMaker API and runtime, so calls from inside the VPC never leave it. They
   * are billed per AZ and hour (seed §7.4), hence off by default. @default false
   */
  sageMakerEndpoints?: boolean;
  /**
   * A DynamoDB gateway endpoint (free, like S3's), so that training jobs and functions in the private subnets
   * reach the feature store without a NAT gateway. @default false
   */
  dynamoDbEndpoint?: boolean;
  /**
   * Services inside the VPC that training jobs connect to, by TCP port (2049 for the training file system, 5432
   * for the relational store): the training security group may reach them in the VPC's block, nothing else.
   * @default []
   */
  trainingServicePorts?: readonly number[];
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

export interface ResolvedNetworkArgs {
  readonly cidrBlock: string;
  readonly availabilityZoneCount: number;
  readonly sageMakerEndpoints: boolean;
  readonly dynamoDbEndpoint: boolean;
  readonly trainingServicePorts: readonly number[];
  readonly tags: Readonly<Record<string, string>>;
}

export function resolveNetworkArgs(args: NetworkArgs = {}): ResolvedNetworkArgs {
  return {
    cidrBlock: args.cidrBlock ?? "10.0.0.0/16",
    availabilityZoneCount: args.availabilityZoneCount ?? 2,
    sageMakerEndpoints: args.sageMakerEndpoints ?? false,
    dynamoDbEndpoint: args.dynamoDbEndpoint ?? false,
    trainingServicePorts: [...new Set(args.trainingServicePorts ?? [])].sort((a, b) => a - b),
    tags: { ...(args.tags ?? {}) },
  };
}

export function validateNetworkArgs(args: ResolvedNetworkArgs): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const parsed = parseCidr(args.cidrBlock);
  if (parsed === undefined || parsed.prefix < 16 || parsed.prefix > 24 || !isPrivate(parsed.address)) {
    issues.push({
      path: "cidrBlock",
      value: args.cidrBlock,
      expected:
        "a private IPv4 block from /16 to /24 (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16), e.g. 10.0.0.0/16",
    });
  }
  if (![2, 3].includes(args.availabilityZoneCount)) {
    issues.push({ path: "availabilityZoneCount", value: args.availabilityZoneCount, expected: "2 or 3" });
  }
  args.trainingServicePorts.forEach((port, i) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      issues.push({
        path: `trainingServicePorts[${i}]`,
        value: port,
        expected: "a TCP port from 1 to 65535",
      });
    }
  });
  return issues;
}

/**
 * One private subnet per zone: the VPC's block cut in four equal parts (two bits more), of which the first
 * `count` are used and the rest stay free for later subnets. `10.0.0.0/16` gives `10.0.0.0/18`, `10.0.64.0/18`...
 */
export function privateSubnetCidrs(cidrBlock: string, count: number): string[] {
  const parsed = parseCidr(cidrBlock);
  if (parsed === undefined)
    throw new Error(`cidrBlock: got ${JSON.stringify(cidrBlock)}, expected an IPv4 CIDR block`);
  const prefix = parsed.prefix + 2;
  const size = 2 ** (32 - prefix);
  return Array.from({ length: count }, (_, i) => `${formatAddress(parsed.address + i * size)}/${prefix}`);
}

function parseCidr(cidr: string): { address: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  // The address must be the block's first one: 10.0.1.0/16 is a typo for 10.0.0.0/16.
  if (address % 2 ** (32 - prefix) !== 0) return undefined;
  return { address, prefix };
}

function isPrivate(address: number): boolean {
  const a = Math.floor(address / 2 ** 24);
  const b = Math.floor(address / 2 ** 16) % 256;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}
