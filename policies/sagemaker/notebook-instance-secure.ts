import { resourcePolicy } from "../lib/define";
import { SAGEMAKER } from "../lib/sagemaker";
import { isSet, UndecidedReads } from "../lib/settings";
import { UNKNOWN } from "../lib/unknown";

/**
 * Notebook instances sit in the platform's VPC without direct internet access or root access, answer only
 * IMDSv2 metadata requests, and have their storage encrypted by a customer-managed key (the seed's §8.3
 * practices applied to notebooks).
 *
 * Checkov's CKV_AWS_122 passes a notebook that leaves directInternetAccess out, but SageMaker's default is
 * Enabled: this policy fails it, as it fails an explicit "Enabled".
 */
export const sagemakerNotebookInstanceSecure = resourcePolicy({
  name: "sagemaker-notebook-instance-secure",
  description:
    "SageMaker notebook instances have no direct internet or root access, a VPC subnet, IMDSv2 only and a KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set directInternetAccess: "Disabled", rootAccess: "Disabled", subnetId and securityGroups, ' +
    'instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" } and kmsKeyId on the aws.sagemaker.NotebookInstance.',
  types: [SAGEMAKER.notebook],
  checkov: ["CKV_AWS_22", "CKV_AWS_122", "CKV_AWS_187", "CKV_AWS_306", "CKV_AWS_307", "CKV_AWS_371"],
  validate: (args, report) => {
    const name = JSON.stringify(args.name);
    const undecided = new UndecidedReads();
    // SageMaker's defaults are Enabled for both: an absent value is a violation.
    const internet = undecided.read((): unknown => args.props.directInternetAccess);
    if (internet !== UNKNOWN && internet !== "Disabled") {
      report(`Notebook instance ${name} has direct internet access: set directInternetAccess to "Disabled"`);
    }
    const root = undecided.read((): unknown => args.props.rootAccess);
    if (root !== UNKNOWN && root !== "Disabled") {
      report(`Notebook instance ${name} gives users root access: set rootAccess to "Disabled"`);
    }
    if (!isSet(() => args.props.subnetId)) {
      report(`Notebook instance ${name} has no subnetId: it runs outside the platform's VPC`);
    }
    // SageMaker's default minimum is version 1, which answers IMDSv1 requests without a session token.
    const imds = undecided.read(
      () =>
        (args.props.instanceMetadataServiceConfiguration as Record<string, unknown> | undefined)
          ?.minimumInstanceMetadataServiceVersion,
    );
    if (imds !== UNKNOWN && imds !== "2") {
      report(
        `Notebook instance ${name} accepts IMDSv1 (instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion is ${imds === undefined ? "not set" : JSON.stringify(imds)}): set it to "2"`,
      );
    }
    if (!isSet(() => args.props.kmsKeyId)) {
      report(
        `Notebook instance ${name} has no kmsKeyId: its storage is not encrypted with a customer-managed key`,
      );
    }
    undecided.settle();
  },
});
