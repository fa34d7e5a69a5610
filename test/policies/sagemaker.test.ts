import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, evaluateOne, messagesOf, T, TAGS, urnOf } from "./helpers";

const S = {
  model: "aws:sagemaker/model:Model",
  config: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  endpoint: "aws:sagemaker/endpoint:Endpoint",
  target: "aws:appautoscaling/target:Target",
  scaling: "aws:appautoscaling/policy:Policy",
  notebook: "aws:sagemaker/notebookInstance:NotebookInstance",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  pipeline: "aws:sagemaker/pipeline:Pipeline",
  domain: "aws:sagemaker/domain:Domain",
  dataQuality: "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
  flow: "aws:sagemaker/flowDefinition:FlowDefinition",
} as const;
const KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/k";
const UNKNOWN_STRING = policyProxy.unknownStringValue;

/** A served model as ModelEndpoint declares it: model, config, endpoint, scalable target and policy, joined by dependencies. */
function servedModel(): DeclaredResource[] {
  const model = declared(S.model, "churn-model", {
    executionRoleArn: "arn:aws:iam::123456789012:role/serve",
    primaryContainer: { image: "img", modelDataUrl: "s3://lake/models/m.tar.gz" },
    vpcConfig: { subnets: ["subnet-a"], securityGroupIds: ["sg-e"] },
    enableNetworkIsolation: true,
    tags: TAGS,
  });
  const config = declared(
    S.config,
    "churn-config",
    {
      kmsKeyArn: KEY,
      productionVariants: [
        {
          variantName: "AllTraffic",
          modelName: "churn-model",
          instanceType: "ml.m5.xlarge",
          initialInstanceCount: 2,
        },
      ],
    },
    { propertyDependencies: { productionVariants: [model.urn] }, dependencies: [model.urn] },
  );
  const endpoint = declared(
    S.endpoint,
    "churn-endpoint",
    { endpointConfigName: "churn-config" },
    { propertyDependencies: { endpointConfigName: [config.urn] } },
  );
  const target = declared(
    S.target,
    "churn-scaling-target",
    {
      serviceNamespace: "sagemaker",
      resourceId: "endpoint/churn-endpoint/variant/AllTraffic",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      minCapacity: 1,
      maxCapacity: 10,
    },
    { propertyDependencies: { resourceId: [endpoint.urn] } },
  );
  const policy = declared(
    S.scaling,
    "churn-scaling-policy",
    {
      policyType: "TargetTrackingScaling",
      resourceId: "endpoint/churn-endpoint/variant/AllTraffic",
      serviceNamespace: "sagemaker",
    },
    { propertyDependencies: { resourceId: [target.urn] } },
  );
  return [model, config, endpoint, target, policy];
}

/** A state machine whose Train state starts a spot job with checkpoints. */
function trainingWorkflow(parameters: Record<string, unknown> = {}): DeclaredResource[] {
  const request = {
    TrainingJobName: "churn",
    ResourceConfig: { InstanceType: "ml.p3.2xlarge", InstanceCount: 1, VolumeSizeInGB: 100 },
    EnableManagedSpotTraining: true,
    CheckpointConfig: { S3Uri: "s3://lake/artifacts/checkpoints/churn" },
    StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
    ...parameters,
  };
  const definition = {
    StartAt: "Train",
    States: {
      Train: {
        Type: "Task",
        Resource: "arn:aws:states:::sagemaker:createTrainingJob.sync",
        Parameters: request,
        End: true,
      },
    },
  };
  return [declared(S.stateMachine, "pipeline", { definition: JSON.stringify(definition), tags: TAGS })];
}

describe("sagemaker-endpoint-config-kms", () => {
  const policy = "sagemaker-endpoint-config-kms";
  it("passes a config with a key, and fails one without", async () => {
    expect(await messagesOf(policy, servedModel())).toEqual([]);
    expect(
      await messagesOf(policy, changed(servedModel(), "churn-config", { kmsKeyArn: undefined })),
    ).toEqual([
      'Endpoint configuration "churn-config" has no kmsKeyArn: its volumes are not encrypted with a customer-managed key',
    ]);
  });
});

describe("sagemaker-model-vpc-isolation", () => {
  const policy = "sagemaker-model-vpc-isolation";
  it("passes a model in the VPC with isolation", async () => {
    expect(await messagesOf(policy, servedModel())).toEqual([]);
  });

  it("fails a model outside the VPC, and one without isolation", async () => {
    expect(await messagesOf(policy, changed(servedModel(), "churn-model", { vpcConfig: undefined }))).toEqual(
      [
        `Model "churn-model" has no vpcConfig with subnets and security groups: it runs outside the platform's VPC`,
      ],
    );
    expect(
      await messagesOf(policy, changed(servedModel(), "churn-model", { enableNetworkIsolation: false })),
    ).toEqual([
      `Model "churn-model" does not set enableNetworkIsolation: its container can reach the network`,
    ]);
  });

  it("is not applicable to a model that only serverless variants serve", async () => {
    const serverless = changed(
      changed(servedModel(), "churn-model", { vpcConfig: undefined, enableNetworkIsolation: false }),
      "churn-config",
      {
        productionVariants: [
          {
            variantName: "AllTraffic",
            modelName: "churn-model",
            serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 },
          },
        ],
      },
    );
    expect(await messagesOf(policy, serverless)).toEqual([]);
  });
});

describe("sagemaker-endpoint-autoscaling", () => {
  const policy = "sagemaker-endpoint-autoscaling";
  it("passes an endpoint with a target and a policy", async () => {
    expect(await messagesOf(policy, servedModel())).toEqual([]);
  });

  it("fails an endpoint without a target, and one with a target but no policy", async () => {
    const noTarget = servedModel().filter((r) => r.type !== S.target && r.type !== S.scaling);
    expect(await messagesOf(policy, noTarget)).toEqual([
      'Endpoint "churn-endpoint" has no autoscaling target: it keeps its initial instance count whatever the load',
    ]);
    const noPolicy = servedModel().filter((r) => r.type !== S.scaling);
    expect(await messagesOf(policy, noPolicy)).toEqual([
      'Endpoint "churn-endpoint" has an autoscaling target but no scaling policy on it',
    ]);
  });

  it("joins a target by the endpoint's name when there is no dependency", async () => {
    const byName = changed(servedModel(), "churn-endpoint", { name: "churn-endpoint" }).map((r) =>
      r.type === S.target ? { ...r, propertyDependencies: {} } : r,
    );
    expect(await messagesOf(policy, byName)).toEqual([]);
  });

  it("is not applicable to serverless endpoints", async () => {
    const serverless = changed(servedModel(), "churn-config", {
      productionVariants: [
        {
          variantName: "AllTraffic",
          modelName: "churn-model",
          serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 },
        },
      ],
    }).filter((r) => r.type !== S.target && r.type !== S.scaling);
    expect(await messagesOf(policy, serverless)).toEqual([]);
  });
});

describe("sagemaker-training-spot-checkpoints", () => {
  const policy = "sagemaker-training-spot-checkpoints";
  it("passes a spot job with checkpoints and a covering wait", async () => {
    expect(await messagesOf(policy, trainingWorkflow())).toEqual([]);
  });

  it("fails on-demand training, spot without checkpoints, and a wait shorter than the run", async () => {
    expect(await messagesOf(policy, trainingWorkflow({ EnableManagedSpotTraining: false }))).toEqual([
      'Training job of "pipeline" state "Train" does not use managed spot training: set EnableManagedSpotTraining to true',
    ]);
    expect(await messagesOf(policy, trainingWorkflow({ CheckpointConfig: undefined }))).toEqual([
      'Training job of "pipeline" state "Train" uses spot capacity without CheckpointConfig.S3Uri: an interruption loses its progress',
    ]);
    expect(
      await messagesOf(
        policy,
        trainingWorkflow({ StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 1800 } }),
      ),
    ).toEqual([
      'Training job of "pipeline" state "Train" waits 1800 seconds for spot capacity, less than its 3600 second run: set MaxWaitTimeInSeconds >= MaxRuntimeInSeconds',
    ]);
  });

  it("reads SageMaker pipeline training steps, and leaves values set at run time alone", async () => {
    const pipeline = declared(S.pipeline, "mlp", {
      pipelineDefinition: JSON.stringify({
        Steps: [{ Name: "Fit", Type: "Training", Arguments: { EnableManagedSpotTraining: false } }],
      }),
    });
    expect(await messagesOf(policy, [pipeline])).toEqual([
      'Training job of "mlp" step "Fit" does not use managed spot training: set EnableManagedSpotTraining to true',
    ]);
    expect(
      await messagesOf(
        policy,
        trainingWorkflow({ "EnableManagedSpotTraining.$": "$.spot", EnableManagedSpotTraining: undefined }),
      ),
    ).toEqual([]);
  });

  it("is not applicable to workflows that train nothing", async () => {
    const other = declared(S.stateMachine, "etl", {
      definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }),
    });
    const result = await evaluateOne(policy, [other]);
    expect(result.violations).toEqual([]);
    expect(result.notApplicable).toEqual({ [policy]: 1 });
  });
});

describe("sagemaker-instance-type-allowlist", () => {
  const policy = "sagemaker-instance-type-allowlist";
  it("passes allowed types and fails others, in endpoints and training jobs", async () => {
    expect(await messagesOf(policy, [...servedModel(), ...trainingWorkflow()])).toEqual([]);
    const big = changed(servedModel(), "churn-config", {
      productionVariants: [
        {
          variantName: "AllTraffic",
          modelName: "churn-model",
          instanceType: "ml.p4d.24xlarge",
          initialInstanceCount: 1,
        },
      ],
    });
    expect(await messagesOf(policy, big, { allowedInstanceTypes: ["ml.m5.xlarge"] })).toEqual([
      'Endpoint configuration "churn-config" variant AllTraffic uses ml.p4d.24xlarge, which is not in this stack\'s allowedInstanceTypes (ml.m5.xlarge)',
    ]);
    expect(await messagesOf(policy, trainingWorkflow(), { allowedInstanceTypes: ["ml.m5.xlarge"] })).toEqual([
      'Training job of "pipeline" state "Train" uses ml.p3.2xlarge, which is not in this stack\'s allowedInstanceTypes (ml.m5.xlarge)',
    ]);
  });
});

describe("sagemaker-notebook-instance-secure", () => {
  const policy = "sagemaker-notebook-instance-secure";
  const notebook = (inputs: Record<string, unknown>) => [
    declared(S.notebook, "lab", {
      instanceType: "ml.t3.medium",
      roleArn: "arn",
      directInternetAccess: "Disabled",
      rootAccess: "Disabled",
      subnetId: "subnet-a",
      instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
      kmsKeyId: KEY,
      ...inputs,
    }),
  ];
  it("passes a locked-down notebook and fails each opening, including SageMaker's defaults", async () => {
    expect(await messagesOf(policy, notebook({}))).toEqual([]);
    expect(
      await messagesOf(
        policy,
        notebook({
          directInternetAccess: undefined,
          rootAccess: "Enabled",
          subnetId: undefined,
          instanceMetadataServiceConfiguration: undefined,
          kmsKeyId: undefined,
        }),
      ),
    ).toEqual([
      'Notebook instance "lab" has direct internet access: set directInternetAccess to "Disabled"',
      'Notebook instance "lab" gives users root access: set rootAccess to "Disabled"',
      `Notebook instance "lab" has no subnetId: it runs outside the platform's VPC`,
      'Notebook instance "lab" accepts IMDSv1 (instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion is not set): set it to "2"',
      'Notebook instance "lab" has no kmsKeyId: its storage is not encrypted with a customer-managed key',
    ]);
  });

  it("fails explicit Enabled values and IMDS version 1", async () => {
    expect(
      await messagesOf(
        policy,
        notebook({
          directInternetAccess: "Enabled",
          instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "1" },
        }),
      ),
    ).toEqual([
      'Notebook instance "lab" has direct internet access: set directInternetAccess to "Disabled"',
      'Notebook instance "lab" accepts IMDSv1 (instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion is "1"): set it to "2"',
    ]);
  });

  it("passes keys and subnets unknown during preview, and does not judge an unknown access setting", async () => {
    expect(
      await messagesOf(policy, notebook({ kmsKeyId: UNKNOWN_STRING, subnetId: UNKNOWN_STRING })),
    ).toEqual([]);
    const { violations } = await evaluateOne(
      policy,
      notebook({ rootAccess: UNKNOWN_STRING, kmsKeyId: undefined }),
    );
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "mandatory",
        'Notebook instance "lab" has no kmsKeyId: its storage is not encrypted with a customer-managed key',
      ],
      [
        "advisory",
        expect.stringContaining("can't run policy 'sagemaker-notebook-instance-secure'") as string,
      ],
    ]);
  });

  it("is not applicable to other resources", async () => {
    const result = await evaluateOne(policy, [declared(S.model, "m", { tags: TAGS })]);
    expect(result.violations).toEqual([]);
    expect(result.notApplicable).toEqual({ [policy]: 1 });
  });
});

describe("SageMaker policies on URNs", () => {
  it("reports model violations against the model's URN", async () => {
    const result = await evaluateOne(
      "sagemaker-model-vpc-isolation",
      changed(servedModel(), "churn-model", { enableNetworkIsolation: false }),
    );
    expect(result.violations.map((v) => v.urn)).toEqual([urnOf(S.model, "churn-model")]);
  });
});

describe("sagemaker-endpoint-config-kms on preview values", () => {
  it("passes a key that is unknown during preview (a new key's ARN)", async () => {
    const preview = changed(servedModel(), "churn-config", { kmsKeyArn: UNKNOWN_STRING });
    expect((await evaluateOne("sagemaker-endpoint-config-kms", preview)).violations).toEqual([]);
  });
});

describe("sagemaker-domain-kms", () => {
  const policy = "sagemaker-domain-kms";
  const domain = (inputs: Record<string, unknown>) => [
    declared(S.domain, "studio", {
      domainName: "studio",
      authMode: "IAM",
      vpcId: "vpc-a",
      subnetIds: ["subnet-a"],
      defaultUserSettings: { executionRole: "arn:aws:iam::123456789012:role/studio" },
      kmsKeyId: KEY,
      tags: TAGS,
      ...inputs,
    }),
  ];

  it("passes a domain with a key, or a key unknown during preview, and fails one without", async () => {
    expect(await messagesOf(policy, domain({}))).toEqual([]);
    expect(await messagesOf(policy, domain({ kmsKeyId: UNKNOWN_STRING }))).toEqual([]);
    expect(await messagesOf(policy, domain({ kmsKeyId: undefined }))).toEqual([
      `Domain "studio" has no kmsKeyId: its users' home directories are not encrypted with a customer-managed key`,
    ]);
  });

  it("is not applicable to other resources", async () => {
    const result = await evaluateOne(policy, servedModel());
    expect(result.violations).toEqual([]);
    expect(result.notApplicable).toEqual({ [policy]: 5 });
  });
});

describe("sagemaker-data-quality-job-encrypted", () => {
  const policy = "sagemaker-data-quality-job-encrypted";
  const job = (patch: {
    output?: Record<string, unknown>;
    cluster?: Record<string, unknown>;
    network?: Record<string, unknown> | undefined;
  }) => [
    declared(S.dataQuality, "drift", {
      roleArn: "arn:aws:iam::123456789012:role/monitor",
      dataQualityAppSpecification: { imageUri: "monitor-image" },
      dataQualityJobInput: {
        endpointInput: { endpointName: "churn", localPath: "/opt/ml/processing/input" },
      },
      dataQualityJobOutputConfig: {
        monitoringOutputs: { s3Output: { s3Uri: "s3://lake/monitoring/drift", localPath: "/out" } },
        kmsKeyId: KEY,
        ...patch.output,
      },
      jobResources: {
        clusterConfig: {
          instanceCount: 1,
          instanceType: "ml.m5.large",
          volumeSizeInGb: 20,
          volumeKmsKeyId: KEY,
          ...patch.cluster,
        },
      },
      ...("network" in patch
        ? { networkConfig: patch.network }
        : { networkConfig: { enableInterContainerTrafficEncryption: true } }),
      tags: TAGS,
    }),
  ];

  it("passes a job that encrypts its output, volumes and traffic", async () => {
    expect(await messagesOf(policy, job({}))).toEqual([]);
  });

  it("fails each of the three, one changed field at a time", async () => {
    expect(await messagesOf(policy, job({ output: { kmsKeyId: undefined } }))).toEqual([
      'Data quality job definition "drift" has no dataQualityJobOutputConfig.kmsKeyId: its monitoring reports are not encrypted with a customer-managed key',
    ]);
    expect(await messagesOf(policy, job({ cluster: { volumeKmsKeyId: "" } }))).toEqual([
      `Data quality job definition "drift" has no jobResources.clusterConfig.volumeKmsKeyId: its instances' volumes are not encrypted with a customer-managed key`,
    ]);
    expect(
      await messagesOf(policy, job({ network: { enableInterContainerTrafficEncryption: false } })),
    ).toEqual([
      'Data quality job definition "drift" does not encrypt traffic between its instances (networkConfig.enableInterContainerTrafficEncryption is false): set it to true',
    ]);
    expect(await messagesOf(policy, job({ network: undefined }))).toEqual([
      'Data quality job definition "drift" does not encrypt traffic between its instances (networkConfig.enableInterContainerTrafficEncryption is not set): set it to true',
    ]);
  });

  it("passes keys unknown during preview, and does not judge unknown traffic encryption", async () => {
    expect(
      await messagesOf(
        policy,
        job({ output: { kmsKeyId: UNKNOWN_STRING }, cluster: { volumeKmsKeyId: UNKNOWN_STRING } }),
      ),
    ).toEqual([]);
    const { violations } = await evaluateOne(
      policy,
      job({ network: { enableInterContainerTrafficEncryption: UNKNOWN_STRING } }),
    );
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
    expect(violations[0]?.message).toContain("can't run policy 'sagemaker-data-quality-job-encrypted'");
  });

  it("is not applicable to other resources", async () => {
    expect((await evaluateOne(policy, servedModel())).notApplicable).toEqual({ [policy]: 5 });
  });
});

describe("sagemaker-flow-definition-kms", () => {
  const policy = "sagemaker-flow-definition-kms";
  const flow = (output: Record<string, unknown>) => [
    declared(S.flow, "review", {
      flowDefinitionName: "review",
      roleArn: "arn:aws:iam::123456789012:role/review",
      humanLoopConfig: {
        humanTaskUiArn: "arn:aws:sagemaker:ap-northeast-2:123456789012:human-task-ui/review",
        taskAvailabilityLifetimeInSeconds: 3600,
        taskCount: 1,
        taskDescription: "Review low-confidence predictions",
        taskTitle: "Review",
        workteamArn: "arn:aws:sagemaker:ap-northeast-2:123456789012:workteam/private-crowd/reviewers",
      },
      outputConfig: { s3OutputPath: "s3://lake/reviews/", kmsKeyId: KEY, ...output },
      tags: TAGS,
    }),
  ];

  it("passes a flow with an output key, or one unknown during preview, and fails one without", async () => {
    expect(await messagesOf(policy, flow({}))).toEqual([]);
    expect(await messagesOf(policy, flow({ kmsKeyId: UNKNOWN_STRING }))).toEqual([]);
    expect(await messagesOf(policy, flow({ kmsKeyId: undefined }))).toEqual([
      'Flow definition "review" has no outputConfig.kmsKeyId: its human-loop output is not encrypted with a customer-managed key',
    ]);
  });

  it("does not judge an output config unknown during preview", async () => {
    const { violations } = await evaluateOne(
      policy,
      changed(flow({}), "review", { outputConfig: UNKNOWN_STRING }),
    );
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
  });

  it("is not applicable to other resources", async () => {
    expect((await evaluateOne(policy, servedModel())).notApplicable).toEqual({ [policy]: 5 });
  });
});

describe("sagemaker-notebook-role-least-privilege", () => {
  const policy = "sagemaker-notebook-role-least-privilege";
  const document = (action: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "Work", Effect: "Allow", Action: action, Resource: "*" }],
    });
  /** A notebook running as its own role, which reads the lake through an inline policy. */
  function notebookAndRole(roleInputs: Record<string, unknown> = {}): DeclaredResource[] {
    const role = declared(T.role, "lab-role", {
      name: "lab-role",
      assumeRolePolicy: "{}",
      inlinePolicies: [{ name: "lake", policy: document("s3:GetObject") }],
      tags: TAGS,
      ...roleInputs,
    });
    const notebook = declared(
      S.notebook,
      "lab",
      { instanceType: "ml.t3.medium", roleArn: UNKNOWN_STRING, tags: TAGS },
      { propertyDependencies: { roleArn: [role.urn] }, dependencies: [role.urn] },
    );
    return [role, notebook];
  }
  const role = urnOf(T.role, "lab-role");

  it("passes a notebook whose role grants named actions", async () => {
    expect(await messagesOf(policy, notebookAndRole())).toEqual([]);
  });

  it('fails Action "*" in an inline policy, a role policy, an attached policy and AdministratorAccess', async () => {
    expect(
      await messagesOf(
        policy,
        notebookAndRole({ inlinePolicies: [{ name: "lake", policy: document("*") }] }),
      ),
    ).toEqual([
      'Notebook instance "lab" runs as role "lab-role", whose inlinePolicies[lake] statement "Work" allows every action ("*"): grant only the actions the notebook needs',
    ]);
    const rolePolicy = declared(
      T.rolePolicy,
      "lab-extra",
      { role: UNKNOWN_STRING, policy: document("*") },
      { propertyDependencies: { role: [role] } },
    );
    expect(await messagesOf(policy, [...notebookAndRole(), rolePolicy])).toEqual([
      'Notebook instance "lab" runs as role "lab-role", whose role policy "lab-extra" statement "Work" allows every action ("*"): grant only the actions the notebook needs',
    ]);
    const managed = declared(T.iamPolicy, "lab-admin", { policy: document("*") });
    const attachment = declared(
      T.rolePolicyAttachment,
      "lab-admin-attachment",
      { role: "lab-role", policyArn: UNKNOWN_STRING },
      { propertyDependencies: { policyArn: [managed.urn] } },
    );
    expect(await messagesOf(policy, [...notebookAndRole(), managed, attachment])).toEqual([
      'Notebook instance "lab" runs as role "lab-role", whose policy "lab-admin" statement "Work" allows every action ("*"): grant only the actions the notebook needs',
    ]);
    expect(
      await messagesOf(
        policy,
        notebookAndRole({ managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
      ),
    ).toEqual([
      'Notebook instance "lab" runs as role "lab-role", whose managed policy AdministratorAccess statement 1 allows every action ("*"): grant only the actions the notebook needs',
    ]);
  });

  it("finds the role by the name in the notebook's roleArn when there is no dependency", async () => {
    const byName = notebookAndRole({ inlinePolicies: [{ name: "lake", policy: document("*") }] }).map((r) =>
      r.type === S.notebook
        ? {
            ...r,
            inputs: { ...r.inputs, roleArn: "arn:aws:iam::123456789012:role/lab-role" },
            propertyDependencies: {},
          }
        : r,
    );
    expect(await messagesOf(policy, byName)).toHaveLength(1);
  });

  it("does not judge a role policy unknown during preview, and passes a role the stack does not declare", async () => {
    const rolePolicy = declared(
      T.rolePolicy,
      "lab-extra",
      { role: "lab-role", policy: UNKNOWN_STRING },
      { propertyDependencies: { role: [role] } },
    );
    const { violations } = await evaluateOne(policy, [...notebookAndRole(), rolePolicy]);
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
    const external = declared(S.notebook, "lab", {
      instanceType: "ml.t3.medium",
      roleArn: "arn:aws:iam::123456789012:role/elsewhere",
    });
    expect(await messagesOf(policy, [external])).toEqual([]);
  });

  it("is not applicable to a stack without notebooks", async () => {
    const result = await evaluateOne(policy, servedModel());
    expect(result.violations).toEqual([]);
    expect(result.notApplicable).toEqual({ [policy]: 1 });
  });
});
