import { resourcePolicy } from "../lib/define";
import { describeEc2, INGRESS_TYPES, internetIngressOf, reachesPort } from "./types";

const HTTP = 80;

/**
 * No security group lets the whole internet (0.0.0.0/0 or ::/0) reach plain HTTP (TCP port 80), in any of the
 * three forms of an ingress rule: traffic to port 80 is unencrypted. Public load balancers that listen on 80 only
 * to redirect to HTTPS are the usual exception, hence an advisory policy.
 */
export const ec2NoHttpFromInternet = resourcePolicy({
  name: "ec2-no-http-from-internet",
  description: "Security groups do not open plain HTTP (port 80) to 0.0.0.0/0 or ::/0.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Serve HTTPS on port 443 only, or, for a public load balancer that redirects HTTP to HTTPS, record an " +
    "exception with the reason.",
  types: INGRESS_TYPES,
  checkov: ["CKV_AWS_260"],
  validate: (args, report) => {
    for (const { rule, open } of internetIngressOf(args)) {
      if (!reachesPort(rule, HTTP, ["tcp"])) continue;
      report(
        `${describeEc2(args)} opens plain HTTP (port 80) to the internet (${open.join(", ")})${rule.at}: ` +
          "serve HTTPS on 443 instead, or narrow the source",
      );
    }
  },
});
