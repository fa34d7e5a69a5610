import { resourcePolicy } from "../lib/define";
import { SAGEMAKER } from "../lib/sagemaker";
import { UndecidedReads } from "../lib/settings";
import { UNKNOWN } from "../lib/unknown";

/**
 * Model-monitoring (data quality) jobs read production traffic: they encrypt their reports and their
 * instances' volumes with a customer-managed key, and the traffic between their instances.
 */
export const sagemakerDataQualityJobEncrypted = resourcePolicy({
  name: "sagemaker-data-quality-job-encrypted",
  description:
    "SageMaker data quality job definitions encrypt their output and volumes with KMS and their inter-container traffic.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "On the aws.sagemaker.DataQualityJobDefinition set dataQualityJobOutputConfig.kmsKeyId and " +
    "jobResources.clusterConfig.volumeKmsKeyId to a customer-managed key, and networkConfig.enableInterContainerTrafficEncryption: true.",
  types: [SAGEMAKER.dataQualityJob],
  checkov: ["CKV_AWS_367", "CKV_AWS_368", "CKV_AWS_369"],
  validate: (args, report) => {
    const name = JSON.stringify(args.name);
    const props = args.props as {
      dataQualityJobOutputConfig?: { kmsKeyId?: unknown };
      jobResources?: { clusterConfig?: { volumeKmsKeyId?: unknown } };
      networkConfig?: { enableInterContainerTrafficEncryption?: unknown };
    };
    const undecided = new UndecidedReads();
    if (undecided.isSetIn(() => props.dataQualityJobOutputConfig, "kmsKeyId") === false) {
      report(
        `Data quality job definition ${name} has no dataQualityJobOutputConfig.kmsKeyId: its monitoring reports are not encrypted with a customer-managed key`,
      );
    }
    if (undecided.isSetIn(() => props.jobResources?.clusterConfig, "volumeKmsKeyId") === false) {
      report(
        `Data quality job definition ${name} has no jobResources.clusterConfig.volumeKmsKeyId: its instances' volumes are not encrypted with a customer-managed key`,
      );
    }
    const traffic = undecided.read(() => props.networkConfig?.enableInterContainerTrafficEncryption);
    if (traffic !== UNKNOWN && traffic !== true) {
      report(
        `Data quality job definition ${name} does not encrypt traffic between its instances (networkConfig.enableInterContainerTrafficEncryption is ${traffic === undefined ? "not set" : JSON.stringify(traffic)}): set it to true`,
      );
    }
    undecided.settle();
  },
});
