import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

/** The type token of a DynamoDB table, the one resource the DynamoDB policies read. */
export const DYNAMODB_TABLE = "aws:dynamodb/table:Table";

/** `DynamoDB table "name"`, for messages. */
export function describeTable(name: string): string {
  return `DynamoDB table ${JSON.stringify(name)}`;
}

/** A nested block as an object, or undefined when it is absent or not an object. */
export function block(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The replicas of a global table, as declared. A list that is unknown during preview makes the calling policy
 * undecidable: reading it again throws CrossGuard's unknown-value error, and the policy is reported as not run.
 */
export function replicasOf(props: Record<string, unknown>): Record<string, unknown>[] {
  const value = peek(() => props.replicas);
  const list = value === UNKNOWN ? requireKnown(() => props.replicas) : value;
  return Array.isArray(list) ? list.map((r) => block(r) ?? {}) : [];
}

/** A replica's region for messages: `replica in "us-east-1"`, or its position when the region is not known. */
export function describeReplica(replica: Record<string, unknown>, index: number): string {
  const region = peek(() => replica.regionName);
  return typeof region === "string" ? `replica in ${JSON.stringify(region)}` : `replica ${index}`;
}
