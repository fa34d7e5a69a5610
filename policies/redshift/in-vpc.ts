import { resourcePolicy } from "../lib/define";
import { peek } from "../lib/unknown";
import { describeRedshift, isTrue, prop, REDSHIFT } from "./types";

/**
 * Redshift runs in the platform's VPC and keeps its data traffic there: a provisioned cluster names a subnet
 * group (without one, Redshift places it in the account's default VPC, outside the platform's network and its
 * security groups), and clusters and serverless workgroups use enhanced VPC routing, so that COPY and UNLOAD
 * to and from S3 go through the VPC (its endpoints, flow logs and endpoint policies) instead of the service's
 * own route to the internet. Checkov checks the cluster only; a serverless workgroup is always in a VPC, but its
 * `enhancedVpcRouting` defaults to false all the same.
 */
export const redshiftInVpc = resourcePolicy({
  name: "redshift-in-vpc",
  description:
    "Redshift clusters run in a subnet group, and clusters and Serverless workgroups use enhanced VPC routing.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Give the aws.redshift.Cluster a clusterSubnetGroupName (an aws.redshift.SubnetGroup of private subnets) and " +
    "set enhancedVpcRouting: true on it or on the aws.redshiftserverless.Workgroup (the Warehouse component does).",
  types: [REDSHIFT.cluster, REDSHIFT.workgroup],
  checkov: ["CKV_AWS_154", "CKV_AWS_321"],
  validate: (args, report) => {
    const subject = describeRedshift(args);
    if (args.type === REDSHIFT.cluster) {
      // A subnet group's name unknown during preview is a subnet group all the same.
      const group = peek(() => args.props.clusterSubnetGroupName as unknown);
      if (group === undefined || group === null || group === "") {
        report(
          `${subject} names no clusterSubnetGroupName: Redshift places it in the default VPC; ` +
            "give it an aws.redshift.SubnetGroup of the platform's private subnets",
        );
      }
    }
    const routing = prop(args, "enhancedVpcRouting");
    if (!isTrue(routing)) {
      report(
        `${subject} ${routing === undefined ? "leaves enhancedVpcRouting unset (false)" : `sets enhancedVpcRouting to ${JSON.stringify(routing)}`}: ` +
          "set it to true so that COPY and UNLOAD traffic stays in the VPC",
      );
    }
  },
});
