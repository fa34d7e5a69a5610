import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

/** Type tokens of the EC2 resources the EC2 policies read. */
export const EC2 = {
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  instance: "aws:ec2/instance:Instance",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

/** `EC2 launch template "name"`, `EC2 instance "name"`, ..., for messages. */
export function describeEc2(resource: { readonly type: string; readonly name: string }): string {
  const kinds: Record<string, string> = {
    [EC2.launchTemplate]: "EC2 launch template",
    [EC2.instance]: "EC2 instance",
    [EC2.securityGroup]: "Security group",
    [EC2.securityGroupRule]: "Security group rule",
    [EC2.ingressRule]: "Security group ingress rule",
  };
  return `${kinds[resource.type] ?? resource.type} ${JSON.stringify(resource.name)}`;
}

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

/** The elements of a list-valued property; anything else reads as an empty list. */
export function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** True for `true` and `"true"` (launch templates carry their flags as strings). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}
