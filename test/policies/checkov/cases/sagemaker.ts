/** Checkov's sagemaker checks as Pulumi resources (see ../case.ts). */
import { declared, T, TAGS } from "../../helpers";
import type { CheckovCase, ServiceCases } from "../case";

const S = {
  notebook: "aws:sagemaker/notebookInstance:NotebookInstance",
  domain: "aws:sagemaker/domain:Domain",
  config: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  model: "aws:sagemaker/model:Model",
  dataQuality: "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
  flow: "aws:sagemaker/flowDefinition:FlowDefinition",
} as const;
const KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-id";
const ROLE_ARN = "arn:aws:iam::123456789012:role/notebook-role";

/** A notebook that passes every notebook rule, with `inputs` changed. */
const notebook = (inputs: Record<string, unknown>) =>
  declared(S.notebook, "lab", {
    instanceType: "ml.t3.medium",
    roleArn: ROLE_ARN,
    directInternetAccess: "Disabled",
    rootAccess: "Disabled",
    subnetId: "subnet-a",
    securityGroups: ["sg-a"],
    instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
    kmsKeyId: KEY,
    tags: TAGS,
    ...inputs,
  });

const domain = (inputs: Record<string, unknown>) =>
  declared(S.domain, "studio", {
    domainName: "studio",
    authMode: "IAM",
    vpcId: "vpc-a",
    subnetIds: ["subnet-a"],
    appNetworkAccessType: "VpcOnly",
    defaultUserSettings: { executionRole: ROLE_ARN },
    kmsKeyId: KEY,
    tags: TAGS,
    ...inputs,
  });

const dataQualityJob = (
  output: Record<string, unknown>,
  cluster: Record<string, unknown>,
  network: Record<string, unknown>,
) =>
  declared(S.dataQuality, "drift", {
    roleArn: ROLE_ARN,
    dataQualityAppSpecification: { imageUri: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/monitor" },
    dataQualityJobInput: { endpointInput: { endpointName: "churn", localPath: "/opt/ml/processing/input" } },
    dataQualityJobOutputConfig: {
      monitoringOutputs: {
        s3Output: { s3Uri: "s3://lake/monitoring/drift", localPath: "/opt/ml/processing/output" },
      },
      kmsKeyId: KEY,
      ...output,
    },
    jobResources: {
      clusterConfig: {
        instanceCount: 1,
        instanceType: "ml.m5.large",
        volumeSizeInGb: 20,
        volumeKmsKeyId: KEY,
        ...cluster,
      },
    },
    networkConfig: { enableInterContainerTrafficEncryption: true, ...network },
    tags: TAGS,
  });

/** A notebook running as a role whose inline policy allows `action` on everything. */
function notebookWithRole(action: string): ReturnType<typeof declared>[] {
  const role = declared(T.role, "notebook-role", {
    name: "notebook-role",
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    }),
    inlinePolicies: [
      {
        name: "work",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: action, Resource: "*" }],
        }),
      },
    ],
    tags: TAGS,
  });
  return [role, { ...notebook({}), propertyDependencies: { roleArn: [role.urn] }, dependencies: [role.urn] }];
}

const notebookCase = (
  id: string,
  title: string,
  fail: Record<string, unknown>,
  pass: Record<string, unknown>,
) => ({ id, title, fail: [notebook(fail)], pass: [notebook(pass)] }) satisfies CheckovCase;

export const sagemaker: ServiceCases = {
  cases: [
    notebookCase("CKV_AWS_22", "a notebook without kmsKeyId", { kmsKeyId: undefined }, {}),
    notebookCase(
      "CKV_AWS_122",
      'a notebook with directInternetAccess "Enabled"',
      { directInternetAccess: "Enabled" },
      { directInternetAccess: "Disabled" },
    ),
    {
      id: "CKV_AWS_187",
      title: "a Studio domain and a notebook without kmsKeyId",
      fail: [domain({ kmsKeyId: undefined }), notebook({ kmsKeyId: undefined })],
      pass: [domain({}), notebook({})],
    },
    notebookCase(
      "CKV_AWS_306",
      "a notebook without subnetId",
      { subnetId: undefined, securityGroups: undefined },
      {},
    ),
    notebookCase(
      "CKV_AWS_307",
      "a notebook without rootAccess (Enabled by default)",
      { rootAccess: undefined },
      {},
    ),
    notebookCase(
      "CKV_AWS_371",
      "a notebook without instanceMetadataServiceConfiguration (IMDSv1 allowed)",
      { instanceMetadataServiceConfiguration: undefined },
      {},
    ),
    {
      id: "CKV_AWS_98",
      title: "an endpoint configuration without kmsKeyArn",
      fail: [endpointConfig({})],
      pass: [endpointConfig({ kmsKeyArn: KEY })],
    },
    {
      id: "CKV_AWS_367",
      title: "a data quality job definition without dataQualityJobOutputConfig.kmsKeyId",
      fail: [dataQualityJob({ kmsKeyId: undefined }, {}, {})],
      pass: [dataQualityJob({}, {}, {})],
    },
    {
      id: "CKV_AWS_368",
      title: "a data quality job definition without jobResources.clusterConfig.volumeKmsKeyId",
      fail: [dataQualityJob({}, { volumeKmsKeyId: undefined }, {})],
      pass: [dataQualityJob({}, {}, {})],
    },
    {
      id: "CKV_AWS_369",
      title: "a data quality job definition without inter-container traffic encryption",
      fail: [dataQualityJob({}, {}, { enableInterContainerTrafficEncryption: false })],
      pass: [dataQualityJob({}, {}, {})],
    },
    {
      id: "CKV_AWS_370",
      title: "a model without enableNetworkIsolation",
      fail: [model({})],
      pass: [model({ enableNetworkIsolation: true })],
    },
    {
      id: "CKV_AWS_372",
      title: "a flow definition without outputConfig.kmsKeyId",
      fail: [flow({})],
      pass: [flow({ kmsKeyId: KEY })],
    },
    {
      id: "CKV2_AWS_68",
      title: 'a notebook whose role allows Action "*"',
      fail: notebookWithRole("*"),
      pass: notebookWithRole("s3:GetObject"),
    },
  ],
  notApplicable: [],
  covered: [
    "CKV2_AWS_68",
    "CKV_AWS_122",
    "CKV_AWS_187",
    "CKV_AWS_22",
    "CKV_AWS_306",
    "CKV_AWS_307",
    "CKV_AWS_367",
    "CKV_AWS_368",
    "CKV_AWS_369",
    "CKV_AWS_370",
    "CKV_AWS_371",
    "CKV_AWS_372",
    "CKV_AWS_98",
  ],
};

function endpointConfig(inputs: Record<string, unknown>) {
  return declared(S.config, "churn-config", {
    productionVariants: [
      {
        variantName: "AllTraffic",
        modelName: "churn-model",
        instanceType: "ml.m5.xlarge",
        initialInstanceCount: 1,
      },
    ],
    tags: TAGS,
    ...inputs,
  });
}

function model(inputs: Record<string, unknown>) {
  return declared(S.model, "churn-model", {
    executionRoleArn: ROLE_ARN,
    primaryContainer: { image: "img", modelDataUrl: "s3://lake/models/m.tar.gz" },
    vpcConfig: { subnets: ["subnet-a"], securityGroupIds: ["sg-a"] },
    tags: TAGS,
    ...inputs,
  });
}

function flow(output: Record<string, unknown>) {
  return declared(S.flow, "review", {
    flowDefinitionName: "review",
    roleArn: ROLE_ARN,
    humanLoopConfig: {
      humanTaskUiArn: "arn:aws:sagemaker:ap-northeast-2:123456789012:human-task-ui/review",
      taskAvailabilityLifetimeInSeconds: 3600,
      taskCount: 1,
      taskDescription: "Review low-confidence predictions",
      taskTitle: "Review",
      workteamArn: "arn:aws:sagemaker:ap-northeast-2:123456789012:workteam/private-crowd/reviewers",
    },
    outputConfig: { s3OutputPath: "s3://lake/reviews/", ...output },
    tags: TAGS,
  });
}
