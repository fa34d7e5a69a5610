import { beforeAll, describe, expect, it } from "vitest";

import { estimateCost } from "../../components/catalog/cost";
import { DataLake } from "../../components/data-lake";
import {
  DLAMI_GPU_PARAMETER,
  GpuInstances,
  NVIDIA_GPU_TYPES,
  resolveGpuInstanceSettings,
  validateGpuInstanceSettings,
  validateGpuTarget,
  type GpuInstancesArgs,
} from "../../components/gpu-instances";
import { SSM_INSTANCE_REGISTRATION, SSM_SESSION_CHANNELS } from "../../components/iam/actions";
import { formatIssue } from "../../components/validation";
import type { DeclaredResource, ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";
import { componentMandatoryViolations } from "../policies/helpers";

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const GROUP = "aws:autoscaling/group:Group";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const PROFILE = "aws:iam/instanceProfile:InstanceProfile";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const KEY = "aws:kms/key:Key";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/gpu-key-key-id";
const TAGS = { Project: "mlplat", Environment: "test", CostCenter: "ml", Owner: "data@example.com" };

/** The written exception the stacks' pack config carries for Session Manager's `*`-only actions. */
const SESSION_MANAGER_EXCEPTION = {
  id: "GPU-SSM-1",
  resource: "*-session-manager",
  reason:
    "Session Manager's channels (ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel, OpenDataChannel) are offered on Resource '*' only; this role policy holds nothing else but ssm:UpdateInstanceInformation on the account's instances.",
};

/** GPU instances in a two-subnet VPC, as the stack program wires them. */
function declare(settings: Partial<GpuInstancesArgs> = {}, withLake = false): () => Record<string, unknown> {
  return () => {
    const lake = withLake ? new DataLake("lake", { deletionPolicy: "destroy" }) : undefined;
    const gpu = new GpuInstances("gpu", {
      vpcId: "vpc-1",
      subnetIds: ["subnet-a", "subnet-b"],
      keyDeletionPolicy: "destroy",
      tags: TAGS,
      ...(lake ? { lake } : {}),
      ...settings,
    });
    return {
      launchTemplateId: gpu.launchTemplateId,
      autoScalingGroupName: gpu.autoScalingGroupName,
      securityGroupId: gpu.securityGroupId,
      instanceRoleArn: gpu.instanceRoleArn,
      kmsKeyArn: gpu.kmsKeyArn,
      ...(gpu.onDemandGroupName ? { onDemandGroupName: gpu.onDemandGroupName } : {}),
    };
  };
}

/** The pack's mandatory violations, with the Session Manager exception the stacks' pack config carries. */
const mandatoryViolations = (run: ProgramRun): Promise<string[]> =>
  componentMandatoryViolations(run, {
    "iam-no-write-on-all-resources": { exceptions: [SESSION_MANAGER_EXCEPTION] },
  });

function keepOf(r: DeclaredResource): { protect?: boolean; retainOnDelete?: boolean } {
  return {
    ...(r.protect ? { protect: true } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
  };
}

describe("GPU instance settings", () => {
  it("default to spot T4 and A10G instances (the table's cheapest GPUs), up to 2, with an on-demand fallback and IMDSv2 one hop", () => {
    expect(resolveGpuInstanceSettings()).toEqual({
      instanceTypes: ["g4dn.xlarge", "g5.xlarge"],
      maxSize: 2,
      onDemandFallback: true,
      rootVolumeGiB: 100,
      metadataHopLimit: 1,
      amiParameter: DLAMI_GPU_PARAMETER,
    });
    expect(validateGpuInstanceSettings(resolveGpuInstanceSettings())).toEqual([]);
  });

  it("accepts the NVIDIA types of the seed's GPU table and no Inferentia", () => {
    expect(NVIDIA_GPU_TYPES).toEqual([
      "p3.2xlarge",
      "p3.8xlarge",
      "p4d.24xlarge",
      "g4dn.xlarge",
      "g5.xlarge",
    ]);
  });

  it("names every problem with its path, the value and what is expected", () => {
    const s = resolveGpuInstanceSettings({
      instanceTypes: ["g5.xlarg", "inf2.xlarge", "t3.medium"],
      maxSize: 0,
      rootVolumeGiB: 0,
      metadataHopLimit: 3 as 1,
      amiParameter: "ami-0123456789abcdef0",
    });
    expect(validateGpuInstanceSettings(s).map(formatIssue)).toEqual([
      'instanceTypes.0: got "g5.xlarg", expected a GPU instance type from the catalog (components/catalog/instances.ts): p3.2xlarge, p3.8xlarge, p4d.24xlarge, g4dn.xlarge, g5.xlarge; did you mean g5.xlarge?',
      'instanceTypes.1: got "inf2.xlarge", expected an NVIDIA GPU type (inf2.xlarge has Inferentia2, which needs AWS Neuron\'s AMI, not the DLAMI GPU AMI)',
      'instanceTypes.2: got "t3.medium", expected a GPU instance type from the catalog (components/catalog/instances.ts): p3.2xlarge, p3.8xlarge, p4d.24xlarge, g4dn.xlarge, g5.xlarge',
      "maxSize: got 0, expected a whole number of instances from 1 to 100",
      "rootVolumeGiB: got 0, expected a whole number of GiB from 1 to 16384 (a gp3 volume)",
      "metadataHopLimit: got 3, expected 1 (the instance only) or 2 (containers on a bridge network too)",
      `amiParameter: got "ami-0123456789abcdef0", expected an SSM parameter name such as ${DLAMI_GPU_PARAMETER}`,
    ]);
  });

  it("rejects an empty or repeated type list, a bad name and no subnets", () => {
    expect(
      validateGpuInstanceSettings(resolveGpuInstanceSettings({ instanceTypes: [] })).map((i) => i.path),
    ).toEqual(["instanceTypes"]);
    expect(
      validateGpuInstanceSettings(
        resolveGpuInstanceSettings({ instanceTypes: ["g5.xlarge", "g5.xlarge"] }),
      ).map(formatIssue),
    ).toEqual(['instanceTypes: got ["g5.xlarge","g5.xlarge"], expected each type listed once']);
    expect(validateGpuTarget("GPU", { subnetIds: [] }).map((i) => i.path)).toEqual([
      "name",
      "subnetIds.length",
    ]);
  });

  it("refuses invalid settings before declaring anything", () => {
    expect(() => new GpuInstances("gpu", { vpcId: "vpc-1", subnetIds: ["subnet-a"], maxSize: 101 })).toThrow(
      "GpuInstances gpu: 1 problem\n  - maxSize: got 101, expected a whole number of instances from 1 to 100",
    );
  });
});

describe("GpuInstances", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", declare());
  });

  it("launches the Deep Learning AMI (GPU) from its public SSM parameter, with IMDSv2 only and one hop", () => {
    const lt = resource(run, LAUNCH_TEMPLATE, "gpu-lt").inputs;
    expect(lt.imageId).toBe(
      "resolve:ssm:/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id",
    );
    expect(lt.metadataOptions).toEqual({
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: "disabled",
    });
    expect(lt.keyName).toBeUndefined();
    const template = resource(run, LAUNCH_TEMPLATE, "gpu-lt");
    expect(template.propertyDependencies.iamInstanceProfile).toEqual([
      resource(run, PROFILE, "gpu-profile").urn,
    ]);
  });

  it("encrypts the gp3 root volume with its own key, and gives no public IP", () => {
    const lt = resource(run, LAUNCH_TEMPLATE, "gpu-lt").inputs;
    expect(lt.blockDeviceMappings).toEqual([
      {
        deviceName: "/dev/xvda",
        ebs: {
          volumeSize: 100,
          volumeType: "gp3",
          encrypted: "true",
          kmsKeyId: KEY_ARN,
          deleteOnTermination: "true",
        },
      },
    ]);
    expect(lt.networkInterfaces).toEqual([
      {
        deviceIndex: 0,
        associatePublicIpAddress: "false",
        deleteOnTermination: "true",
        securityGroups: ["gpu-sg-id"],
      },
    ]);
  });

  it("has a security group with no ingress at all", () => {
    expect(resource(run, SECURITY_GROUP, "gpu-sg").inputs.ingress).toEqual([]);
  });

  it("runs a spot group at 0 instances (price-capacity-optimized over the listed types, capacity rebalancing) up to maxSize", () => {
    const spot = resource(run, GROUP, "gpu-spot").inputs;
    expect(spot).toMatchObject({
      minSize: 0,
      desiredCapacity: 0,
      maxSize: 2,
      capacityRebalance: true,
      vpcZoneIdentifiers: ["subnet-a", "subnet-b"],
      mixedInstancesPolicy: {
        instancesDistribution: {
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: 0,
          spotAllocationStrategy: "price-capacity-optimized",
        },
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateId: "gpu-lt-id", version: "$Latest" },
          overrides: [{ instanceType: "g4dn.xlarge" }, { instanceType: "g5.xlarge" }],
        },
      },
    });
    expect(spot.tags).toEqual(
      expect.arrayContaining([{ key: "Project", value: "mlplat", propagateAtLaunch: true }]),
    );
  });

  it("keeps an on-demand fallback group of the same template at 0 instances", () => {
    const onDemand = resource(run, GROUP, "gpu-on-demand").inputs;
    expect(onDemand).toMatchObject({
      minSize: 0,
      desiredCapacity: 0,
      maxSize: 2,
      capacityRebalance: false,
      mixedInstancesPolicy: {
        instancesDistribution: {
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: 100,
          onDemandAllocationStrategy: "prioritized",
        },
        launchTemplate: { launchTemplateSpecification: { launchTemplateId: "gpu-lt-id" } },
      },
    });
  });

  it("gives the instance role Session Manager's least permissions and nothing else", () => {
    const trust = JSON.parse(String(resource(run, ROLE, "gpu-role").inputs.assumeRolePolicy)) as {
      Statement: unknown[];
    };
    expect(trust.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const policies = resourcesOfType(run, ROLE_POLICY).filter((p) => p.inputs.role === "gpu-role");
    expect(policies.map((p) => p.name)).toEqual(["gpu-session-manager"]);
    expect(policyOf(policies[0] as DeclaredResource).Statement).toEqual([
      {
        Sid: "RegisterWithSystemsManager",
        Effect: "Allow",
        Action: [...SSM_INSTANCE_REGISTRATION],
        Resource: "arn:aws:ec2:ap-northeast-2:123456789012:instance/*",
      },
      { Sid: "SessionManagerChannels", Effect: "Allow", Action: [...SSM_SESSION_CHANNELS], Resource: "*" },
    ]);
    expect(resourcesOfType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
    expect(resource(run, PROFILE, "gpu-profile").inputs.role).toBe("gpu-role");
  });

  it("lets the Auto Scaling service-linked role use its rotating key for EBS, named by condition", () => {
    const key = resource(run, KEY, "gpu-key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const statements = policyOf(key).Statement;
    const slr =
      "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";
    expect(statements.find((s) => s.Sid === "AutoScalingGrantsEbs")).toEqual({
      Sid: "AutoScalingGrantsEbs",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:PrincipalArn": slr, "kms:CallerAccount": "123456789012" },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    });
    expect(statements.find((s) => s.Sid === "AutoScalingEncryptsVolumes")?.Condition).toEqual({
      StringEquals: { "aws:PrincipalArn": slr, "kms:CallerAccount": "123456789012" },
    });
    expect(keepOf(key)).toEqual({});
  });

  it("passes the pack and the EC2 policies with no mandatory violation (with the Session Manager exception)", async () => {
    expect(await mandatoryViolations(run)).toEqual([]);
  });

  it("costs only its key while both groups are at 0 instances, in both priced regions", () => {
    const mine = run.resources.filter((r) => r.parent?.includes("mlplat:ec2:GpuInstances"));
    for (const region of ["ap-northeast-2", "us-east-1"]) {
      const estimate = estimateCost(mine, { region });
      expect(estimate.unpriced).toEqual([]);
      expect(estimate.totals.totalUsd).toBe("1");
      expect(estimate.resources.filter((r) => r.type === GROUP).map((r) => r.status)).toEqual([
        "priced",
        "priced",
      ]);
    }
  });

  it("reports its outputs", () => {
    expect(run.outputs).toMatchObject({
      launchTemplateId: "gpu-lt-id",
      securityGroupId: "gpu-sg-id",
      instanceRoleArn: "arn:aws:iam::123456789012:role/gpu-role",
      kmsKeyArn: KEY_ARN,
    });
    expect(typeof run.outputs.autoScalingGroupName).toBe("string");
    expect(typeof run.outputs.onDemandGroupName).toBe("string");
  });
});

describe("GpuInstances options", () => {
  it("uses a given key, hop limit 2, one spot group only, and lake grants for models and checkpoints", async () => {
    const given = "arn:aws:kms:ap-northeast-2:123456789012:key/given";
    const run = await runInline(
      "dev",
      declare(
        { kmsKeyArn: given, metadataHopLimit: 2, onDemandFallback: false, instanceTypes: ["g5.xlarge"] },
        true,
      ),
    );
    const lt = resource(run, LAUNCH_TEMPLATE, "gpu-lt").inputs as {
      metadataOptions: Record<string, unknown>;
      blockDeviceMappings: { ebs: Record<string, unknown> }[];
    };
    expect(lt.metadataOptions.httpPutResponseHopLimit).toBe(2);
    expect(lt.blockDeviceMappings[0]?.ebs.kmsKeyId).toBe(given);
    expect(resourcesOfType(run, KEY).filter((k) => k.name === "gpu-key")).toEqual([]);
    expect(resourcesOfType(run, GROUP).map((g) => g.name)).toEqual(["gpu-spot"]);
    const grants = resourcesOfType(run, ROLE_POLICY)
      .filter((p) => p.inputs.role === "gpu-role")
      .map((p) => p.name)
      .sort();
    expect(grants).toEqual([
      "gpu-session-manager",
      "lake-gpu-artifacts-checkpoints-write",
      "lake-gpu-features-read",
      "lake-gpu-models-write",
      "lake-gpu-processed-read",
    ]);
  });

  it("keeps its own key per keyDeletionPolicy (protect by default)", async () => {
    const run = await runInline("dev", declare({ keyDeletionPolicy: undefined }));
    expect(keepOf(resource(run, KEY, "gpu-key"))).toEqual({ protect: true, retainOnDelete: true });
  });
});
