import { resourcePolicy } from "../lib/define";
import { describeEc2, EC2, field, items, prop } from "./types";

const SSH = 22;
const ANYWHERE = ["0.0.0.0/0", "::/0"];

/**
 * No security group lets the whole internet (0.0.0.0/0 or ::/0) reach SSH (TCP port 22), whether through a
 * group's inline `ingress`, an `aws.ec2.SecurityGroupRule` of type ingress, or an
 * `aws.vpc.SecurityGroupIngressRule`. Rules for all protocols (`-1`) open port 22 too.
 */
export const ec2NoSshFromInternet = resourcePolicy({
  name: "ec2-no-ssh-from-internet",
  description: "Security groups never open SSH (port 22) to 0.0.0.0/0 or ::/0.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove the rule and connect through Session Manager (the GpuInstances component has no ingress at all), or " +
    "narrow the source to a trusted CIDR block or security group.",
  types: [EC2.securityGroup, EC2.securityGroupRule, EC2.ingressRule],
  validate: (args, report) => {
    const subject = describeEc2(args);
    if (args.type === EC2.securityGroup) {
      items(prop(args, "ingress")).forEach((rule, i) => {
        const open = openSources(field(rule, "cidrBlocks"), field(rule, "ipv6CidrBlocks"));
        if (
          open.length > 0 &&
          reachesSsh(field(rule, "protocol"), field(rule, "fromPort"), field(rule, "toPort"))
        ) {
          report(
            `${subject} opens SSH (port 22) to the internet (${open.join(", ")}) in ingress.${i}: ${FIX}`,
          );
        }
      });
      return;
    }
    if (args.type === EC2.securityGroupRule) {
      if (prop(args, "type") !== "ingress") return;
      const open = openSources(prop(args, "cidrBlocks"), prop(args, "ipv6CidrBlocks"));
      if (
        open.length > 0 &&
        reachesSsh(prop(args, "protocol"), prop(args, "fromPort"), prop(args, "toPort"))
      ) {
        report(`${subject} opens SSH (port 22) to the internet (${open.join(", ")}): ${FIX}`);
      }
      return;
    }
    const open = openSources([prop(args, "cidrIpv4")], [prop(args, "cidrIpv6")]);
    if (
      open.length > 0 &&
      reachesSsh(prop(args, "ipProtocol"), prop(args, "fromPort"), prop(args, "toPort"))
    ) {
      report(`${subject} opens SSH (port 22) to the internet (${open.join(", ")}): ${FIX}`);
    }
  },
});

const FIX = "remove it and use Session Manager, or narrow the source";

function openSources(ipv4: unknown, ipv6: unknown): string[] {
  return [...items(ipv4), ...items(ipv6)].filter(
    (cidr): cidr is string => typeof cidr === "string" && ANYWHERE.includes(cidr),
  );
}

/** True when a rule of this protocol and port range lets TCP port 22 in. */
function reachesSsh(protocol: unknown, fromPort: unknown, toPort: unknown): boolean {
  const p =
    typeof protocol === "number"
      ? String(protocol)
      : typeof protocol === "string"
        ? protocol.toLowerCase()
        : "";
  if (p === "-1" || p === "all") return true;
  if (p !== "tcp" && p !== "6") return false;
  const from = typeof fromPort === "number" ? fromPort : Number(fromPort);
  const to = typeof toPort === "number" ? toPort : Number(toPort);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return true;
  return from <= SSH && SSH <= to;
}
