import { resourcePolicy } from "../lib/define";
import { describeEc2, EC2, prop } from "./types";

/**
 * A VPC endpoint service (the provider side of PrivateLink) accepts each consumer's endpoint by hand:
 * `acceptanceRequired: true`. With automatic acceptance, any principal in `allowedPrincipals` (or `*`) connects
 * to the service's load balancer without review.
 */
export const ec2VpcEndpointServiceAcceptance = resourcePolicy({
  name: "ec2-vpc-endpoint-service-acceptance",
  description: "VPC endpoint services require each connection to be accepted.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set acceptanceRequired: true on the aws.ec2.VpcEndpointService and accept consumers' endpoints with " +
    "aws.ec2.VpcEndpointConnectionAccepter (or in the console) once reviewed.",
  types: [EC2.vpcEndpointService],
  checkov: ["CKV_AWS_123"],
  validate: (args, report) => {
    const acceptance = prop(args, "acceptanceRequired");
    if (acceptance === true) return;
    report(
      `${describeEc2(args)} accepts connection requests automatically (acceptanceRequired ` +
        `${acceptance === undefined ? "not set" : JSON.stringify(acceptance)}): set acceptanceRequired to true`,
    );
  },
});
