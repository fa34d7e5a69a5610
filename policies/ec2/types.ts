import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

/** Type tokens of the EC2 resources the EC2 policies read. */
export const EC2 = {
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  instance: "aws:ec2/instance:Instance",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  vpc: "aws:ec2/vpc:Vpc",
  vpcEndpointService: "aws:ec2/vpcEndpointService:VpcEndpointService",
} as const;

/** `EC2 launch template "name"`, `EC2 instance "name"`, ..., for messages. */
export function describeEc2(resource: { readonly type: string; readonly name: string }): string {
  const kinds: Record<string, string> = {
    [EC2.launchTemplate]: "EC2 launch template",
    [EC2.instance]: "EC2 instance",
    [EC2.securityGroup]: "Security group",
    [EC2.securityGroupRule]: "Security group rule",
    [EC2.ingressRule]: "Security group ingress rule",
    [EC2.egressRule]: "Security group egress rule",
    [EC2.defaultSecurityGroup]: "Default security group",
    [EC2.vpc]: "VPC",
    [EC2.vpcEndpointService]: "VPC endpoint service",
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

/** The types that hold security group rules: a group's inline blocks and the three kinds of rule resources. */
export const SECURITY_GROUP_RULE_TYPES = [
  EC2.securityGroup,
  EC2.securityGroupRule,
  EC2.ingressRule,
  EC2.egressRule,
] as const;

/** The internet, as a rule's source or destination. */
const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** A rule setting by the name an inline `ingress`/`egress` block gives it. */
type RuleSetting = "protocol" | "fromPort" | "toPort" | "cidrBlocks" | "ipv6CidrBlocks" | "description";

/**
 * One security group rule in any of its Pulumi forms: a block of a group's inline `ingress` or `egress`, an
 * `aws.ec2.SecurityGroupRule`, or an `aws.vpc.SecurityGroupIngressRule`/`SecurityGroupEgressRule`. Settings are
 * read on demand, so that a policy reads (and waits for, during preview) only what it needs.
 */
export interface SecurityGroupRule {
  /** Where the rule is, for messages: ` in ingress.1` for an inline block, empty for a rule resource. */
  readonly at: string;
  /** A setting by its inline-block name (the vpc rules' `cidrIpv4`, `ipProtocol`, ... read as those). */
  get(setting: RuleSetting): unknown;
}

/** The rules of one direction that a security group or rule resource declares. */
export function rulesOf(
  resource: { readonly type: string; readonly props: Record<string, unknown> },
  direction: "ingress" | "egress",
): SecurityGroupRule[] {
  if (resource.type === EC2.securityGroup) {
    return items(prop(resource, direction)).map((block, i) => ({
      at: ` in ${direction}.${i}`,
      get: (setting) => field(block, setting),
    }));
  }
  if (resource.type === EC2.securityGroupRule) {
    if (prop(resource, "type") !== direction) return [];
    return [{ at: "", get: (setting) => prop(resource, setting) }];
  }
  const own = direction === "ingress" ? EC2.ingressRule : EC2.egressRule;
  if (resource.type !== own) return [];
  const listOf = (value: unknown): unknown[] => (value === undefined || value === null ? [] : [value]);
  return [
    {
      at: "",
      get: (setting) => {
        switch (setting) {
          case "protocol":
            return prop(resource, "ipProtocol");
          case "cidrBlocks":
            return listOf(prop(resource, "cidrIpv4"));
          case "ipv6CidrBlocks":
            return listOf(prop(resource, "cidrIpv6"));
          default:
            return prop(resource, setting);
        }
      },
    },
  ];
}

/** The rule's sources (ingress) or destinations (egress) that are the whole internet: 0.0.0.0/0, ::/0. */
export function internetOf(rule: SecurityGroupRule): string[] {
  return [...items(rule.get("cidrBlocks")), ...items(rule.get("ipv6CidrBlocks"))].filter(
    (cidr): cidr is string => typeof cidr === "string" && ANYWHERE.includes(cidr),
  );
}

const PROTOCOL_NAMES: Record<string, string> = {
  "6": "tcp",
  "17": "udp",
  "1": "icmp",
  "58": "icmpv6",
  all: "-1",
};

/** The rule's protocol, lower-case, with the numbers of TCP, UDP and ICMP and `all` read as their names (`-1`). */
export function protocolOf(rule: SecurityGroupRule): string {
  const protocol = rule.get("protocol");
  const p =
    typeof protocol === "number"
      ? String(protocol)
      : typeof protocol === "string"
        ? protocol.toLowerCase()
        : "";
  return PROTOCOL_NAMES[p] ?? p;
}

/** The rule's port range; an absent or non-numeric bound reads as the widest (AWS ignores ports for `-1`). */
export function portsOf(rule: SecurityGroupRule): { from: number; to: number } {
  const bound = (value: unknown, fallback: number): number => {
    const n = typeof value === "number" ? value : Number(value);
    return value === undefined || value === null || !Number.isFinite(n) ? fallback : n;
  };
  const from = bound(rule.get("fromPort"), 0);
  const to = bound(rule.get("toPort"), 65535);
  // `0`-`0` (and `-1`) is how Terraform and Pulumi write "every port" for protocol -1.
  return from <= 0 && to <= 0 ? { from: 0, to: 65535 } : { from, to };
}

/** True when the rule lets `port` of one of the `protocols` through: a rule for all protocols always does. */
export function reachesPort(rule: SecurityGroupRule, port: number, protocols: readonly string[]): boolean {
  const protocol = protocolOf(rule);
  if (protocol === "-1") return true;
  if (!protocols.includes(protocol)) return false;
  const { from, to } = portsOf(rule);
  return from <= port && port <= to;
}

/** True when the rule is for every protocol, or for every TCP or UDP port. */
export function allTraffic(rule: SecurityGroupRule): boolean {
  const protocol = protocolOf(rule);
  if (protocol === "-1") return true;
  if (protocol !== "tcp" && protocol !== "udp") return false;
  const { from, to } = portsOf(rule);
  return from <= 1 && to >= 65535;
}

/** `all traffic`, `TCP port 3306`, `UDP ports 1000-2000`, `protocol 50`: what a rule lets through, for messages. */
export function trafficOf(rule: SecurityGroupRule): string {
  const protocol = protocolOf(rule);
  if (protocol === "-1") return "all traffic";
  if (protocol !== "tcp" && protocol !== "udp") return `protocol ${protocol}`;
  const { from, to } = portsOf(rule);
  const name = protocol.toUpperCase();
  if (from <= 1 && to >= 65535) return `every ${name} port`;
  return from === to ? `${name} port ${from}` : `${name} ports ${from}-${to}`;
}

/** Each ingress rule of a group or rule resource that admits the internet, with the internet sources it names. */
export function internetIngressOf(resource: {
  readonly type: string;
  readonly props: Record<string, unknown>;
}): { rule: SecurityGroupRule; open: string[] }[] {
  return rulesOf(resource, "ingress")
    .map((rule) => ({ rule, open: internetOf(rule) }))
    .filter(({ open }) => open.length > 0);
}

/** The ingress types: a group's inline `ingress`, an `aws.ec2.SecurityGroupRule`, an ingress rule resource. */
export const INGRESS_TYPES = [EC2.securityGroup, EC2.securityGroupRule, EC2.ingressRule] as const;

/** The egress types: a group's inline `egress`, an `aws.ec2.SecurityGroupRule`, an egress rule resource. */
export const EGRESS_TYPES = [EC2.securityGroup, EC2.securityGroupRule, EC2.egressRule] as const;

/** SSH's and RDP's ports and protocols, which have their own policies. */
export const SSH = { port: 22, protocols: ["tcp"] } as const;
export const RDP = { port: 3389, protocols: ["tcp", "udp"] } as const;
