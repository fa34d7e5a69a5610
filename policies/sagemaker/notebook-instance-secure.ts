import { resourcePolicy } from "../lib/define";
import { SAGEMAKER } from "../lib/sagemaker";

/**
 * Notebook instances sit in the platform's VPC without direct internet access or root access, with their
 * storage encrypted by a customer-managed key (the seed's §8.3 practices applied to notebooks).
 */
export const sagemakerNotebookInstanceSecure = resourcePolicy({
  name: "sagemaker-notebook-instance-secure",
  description:
    "SageMaker notebook instances have no direct internet or root access, a VPC subnet and a KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set directInternetAccess: "Disabled", rootAccess: "Disabled", subnetId and securityGroups, and kmsKeyId on the aws.sagemaker.NotebookInstance.',
  types: [SAGEMAKER.notebook],
  validate: (args, report) => {
    const name = JSON.stringify(args.name);
    // SageMaker's defaults are Enabled for both: an absent value is a violation.
    if (args.props.directInternetAccess !== "Disabled") {
      report(`Notebook instance ${name} has direct internet access: set directInternetAccess to "Disabled"`);
    }
    if (args.props.rootAccess !== "Disabled") {
      report(`Notebook instance ${name} gives users root access: set rootAccess to "Disabled"`);
    }
    if (args.props.subnetId === undefined) {
      report(`Notebook instance ${name} has no subnetId: it runs outside the platform's VPC`);
    }
    if (args.props.kmsKeyId === undefined) {
      report(
        `Notebook instance ${name} has no kmsKeyId: its storage is not encrypted with a customer-managed key`,
      );
    }
  },
});
