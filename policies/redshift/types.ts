import type { PolicyResource } from "@pulumi/policy";

import { KMS_KEY } from "../lib/types";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

/** Type tokens of the Redshift resources the Redshift policies read: provisioned and serverless. */
export const REDSHIFT = {
  cluster: "aws:redshift/cluster:Cluster",
  logging: "aws:redshift/logging:Logging",
  parameterGroup: "aws:redshift/parameterGroup:ParameterGroup",
  snapshotCopyGrant: "aws:redshift/snapshotCopyGrant:SnapshotCopyGrant",
  namespace: "aws:redshiftserverless/namespace:Namespace",
  workgroup: "aws:redshiftserverless/workgroup:Workgroup",
} as const;

/** The three audit logs: connections, changes to users, and every query run. */
export const AUDIT_LOG_TYPES = ["connectionlog", "userlog", "useractivitylog"] as const;

/** How messages name each Redshift type. */
const KINDS: Readonly<Record<string, string>> = {
  [REDSHIFT.cluster]: "Redshift cluster",
  [REDSHIFT.namespace]: "Redshift Serverless namespace",
  [REDSHIFT.workgroup]: "Redshift Serverless workgroup",
  [REDSHIFT.parameterGroup]: "Redshift parameter group",
  [REDSHIFT.snapshotCopyGrant]: "Redshift snapshot copy grant",
};

/** `Redshift cluster "name"` or `Redshift Serverless workgroup "name"`, for messages. */
export function describeRedshift(resource: Pick<PolicyResource, "type" | "name">): string {
  return `${KINDS[resource.type] ?? resource.type} ${JSON.stringify(resource.name)}`;
}

/** True for `true` and `"true"` (Redshift's parameters and some provider flags are strings). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

/** True for `false` and `"false"`. */
export function isFalse(value: unknown): boolean {
  return value === false || (typeof value === "string" && value.toLowerCase() === "false");
}

/** Strings of a list-valued property; anything else reads as an empty list. */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * The candidates that `resource` names in `property`: through the property's dependencies (the value
 * came from that resource's output), or else by the name it carries, compared with each candidate's
 * `nameProperty`. A name that is unknown during preview and has no dependency makes the calling policy
 * undecidable: reading it throws, and CrossGuard reports that the policy could not run.
 */
export function referencedBy(
  resource: PolicyResource,
  property: string,
  candidates: readonly PolicyResource[],
  nameProperty: string,
): PolicyResource[] {
  const urns = new Set((resource.propertyDependencies[property] ?? []).map((d) => d.urn));
  const viaDependency = candidates.filter((c) => urns.has(c.urn));
  if (viaDependency.length > 0) return viaDependency;
  const value = prop(resource, property);
  if (typeof value !== "string" || value === "") return [];
  return candidates.filter((c) => peek(() => c.props[nameProperty] as unknown) === value);
}

/**
 * A property the policy cannot decide without: its value, or (when it is unknown during preview) CrossGuard's
 * unknown-value error, so that the policy is reported as not run rather than passed or failed.
 */
export function prop(resource: { readonly props: Record<string, unknown> }, property: string): unknown {
  const value = peek(() => resource.props[property]);
  return value === UNKNOWN ? requireKnown(() => resource.props[property]) : value;
}

/** AWS's own keys: the AWS-managed `aws/redshift` key (by alias) and the AWS-owned key's marker. */
const AWS_KEY = /(^|:)alias\/aws\/|^AWS_OWNED_KMS_KEY$/;

export type KeyVerdict = "customer-managed" | "none" | "aws";

/**
 * Whether `property` of `resource` names a customer-managed KMS key. A key ARN that is unknown during preview
 * counts as customer-managed when it comes from a KMS key of the stack, and is undecidable otherwise.
 */
export function keyOf(resource: PolicyResource, property: string): KeyVerdict {
  const key = peek(() => resource.props[property] as unknown);
  if (key !== UNKNOWN) return keyVerdict(key);
  const fromStackKey = (resource.propertyDependencies[property] ?? []).some((d) => d.type === KMS_KEY);
  return fromStackKey ? "customer-managed" : keyVerdict(prop(resource, property));
}

function keyVerdict(key: unknown): KeyVerdict {
  if (key === undefined || key === null || key === "") return "none";
  return typeof key === "string" && AWS_KEY.test(key) ? "aws" : "customer-managed";
}
