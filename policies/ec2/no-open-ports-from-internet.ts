import { resourcePolicy } from "../lib/define";
import {
  allTraffic,
  describeEc2,
  INGRESS_TYPES,
  internetIngressOf,
  portsOf,
  protocolOf,
  RDP,
  reachesPort,
  type SecurityGroupRule,
  SSH,
  trafficOf,
} from "./types";

/** The ports a public service may open to the internet (HTTP/3 runs over UDP 443). */
const WEB = { tcp: [80, 443], udp: [443] } as const;
/** Protocols without ports; ping from the internet is not a service. */
const PORTLESS = ["icmp", "icmpv6"];

/**
 * Beyond Checkov (which judges ports 22, 3389, 80 and "all" only): the internet (0.0.0.0/0 or ::/0) reaches
 * nothing but web ports 80 and 443. A database (3306, 5432, 5439), a notebook server (8888), a cache or a
 * metrics endpoint open to the internet is reported. Rules that the SSH, Remote Desktop and all-traffic
 * policies report are left to them, so one rule is not reported twice for the same fix.
 */
export const ec2NoOpenPortsFromInternet = resourcePolicy({
  name: "ec2-no-open-ports-from-internet",
  description: "Security groups open no port other than 80 and 443 to 0.0.0.0/0 or ::/0.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Narrow the rule's source to the clients' CIDR blocks or security groups, reach the service through a " +
    "VPN, Session Manager port forwarding or a VPC endpoint, or put it behind a load balancer on 443.",
  types: INGRESS_TYPES,
  validate: (args, report) => {
    for (const { rule, open } of internetIngressOf(args)) {
      if (
        allTraffic(rule) ||
        reachesPort(rule, SSH.port, SSH.protocols) ||
        reachesPort(rule, RDP.port, RDP.protocols) ||
        webOnly(rule)
      ) {
        continue;
      }
      report(
        `${describeEc2(args)} opens ${trafficOf(rule)} to the internet (${open.join(", ")})${rule.at}: ` +
          "only ports 80 and 443 may be open to the internet; narrow the source",
      );
    }
  },
});

/** True for a rule that opens web ports only, or a protocol without ports. */
function webOnly(rule: SecurityGroupRule): boolean {
  const protocol = protocolOf(rule);
  if (PORTLESS.includes(protocol)) return true;
  if (protocol !== "tcp" && protocol !== "udp") return false;
  const { from, to } = portsOf(rule);
  return from === to && (WEB[protocol] as readonly number[]).includes(from);
}
