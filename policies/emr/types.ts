import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

/** Type tokens of the EMR resources the EMR policies read: EMR Serverless and EMR on EC2. */
export const EMR = {
  application: "aws:emrserverless/application:Application",
  cluster: "aws:emr/cluster:Cluster",
  securityConfiguration: "aws:emr/securityConfiguration:SecurityConfiguration",
} as const;

/**
 * A property the policy cannot decide without: its value, or (when it is unknown during preview) CrossGuard's
 * unknown-value error, so that the policy is reported as not run rather than passed or failed.
 */
export function prop(resource: { readonly props: Record<string, unknown> }, property: string): unknown {
  const value = peek(() => resource.props[property]);
  return value === UNKNOWN ? requireKnown(() => resource.props[property]) : value;
}

/** A nested object's field, read the same way; an absent or non-object parent reads as undefined. */
export function field(parent: unknown, key: string): unknown {
  if (parent === null || typeof parent !== "object" || Array.isArray(parent)) return undefined;
  return prop({ props: parent as Record<string, unknown> }, key);
}

/** True for `true` and `"true"` (EC2 launch templates carry some flags as strings). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}
