/**
 * Spark processing (EMR Serverless) and GPU instances (a launch template and two Auto Scaling groups) against the
 * emulator: each is created with the SDK from the same definitions the components declare
 * (components/emr/definitions.ts, components/gpu-instances/definitions.ts), read back, and driven: a Spark job
 * run on the application, a spot instance from the group.
 *
 * What moto does not model, and so what these tests cannot prove (each is named where it applies):
 * - EMR Serverless: the application type is accepted in upper case only ("SPARK"; AWS and the provider take
 *   "spark"); the application's monitoringConfiguration is dropped (not returned by GetApplication); a
 *   new application is STARTED at once (AWS: CREATED) and a job run is SUCCESS at once.
 * - EC2: `resolve:ssm:` image ids are not resolved, so the launch template names a DLAMI moto ships instead.
 * - Auto Scaling: an instance launched by a group takes the template's AMI, type, volumes and tags, but not its
 *   metadata options (moto gives it IMDSv1 "optional"), nor its network interface (its public IP follows the
 *   subnet's setting), nor its instance profile; it is not marked as spot.
 * - IAM: no IAM SDK client is installed here, so the instance profile and the job role are ARNs, not resources
 *   (moto checks neither).
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  type AutoScalingGroup,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type RequestLaunchTemplateData,
  type _InstanceType,
} from "@aws-sdk/client-ec2";
import {
  CreateApplicationCommand,
  EMRServerlessClient,
  GetApplicationCommand,
  GetJobRunCommand,
  StartJobRunCommand,
  StopApplicationCommand,
} from "@aws-sdk/client-emr-serverless";
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";

import { lakeKey } from "../../components/data-lake/layout";
import { resolveSparkSettings } from "../../components/emr/args";
import { sparkApplicationDefinition, sparkLogUri } from "../../components/emr/definitions";
import { AL2023_ROOT_DEVICE, resolveGpuInstanceSettings } from "../../components/gpu-instances/args";
import {
  gpuGroupSizing,
  gpuGroupTags,
  gpuImageId,
  gpuLaunchTemplateData,
  gpuMixedInstancesPolicy,
} from "../../components/gpu-instances/definitions";
import {
  clientConfig,
  createLakeBucket,
  emulator,
  kmsClient,
  resetBetweenSuites,
  s3Client,
  unique,
} from "./support";

const ACCOUNT = "123456789012";
const NAME = `itest-${unique()}`;
const SPARK = `${NAME}-spark`;
const GPU = `${NAME}-gpu`;
const TAGS = { project: "mlplat", stack: NAME };
const sparkSettings = resolveSparkSettings();
const gpuSettings = resolveGpuInstanceSettings();
/** The job's entry point, in the lake's artifacts zone. */
const ENTRY_POINT_KEY = lakeKey("artifacts", "emr", "jobs", "features.py");

/** moto serves EMR Serverless and Auto Scaling; LocalStack's open-source core serves neither. */
const UNSERVED =
  emulator().kind === "moto" ? undefined : "EMR Serverless and Auto Scaling are paid-only in LocalStack";
const note = UNSERVED ? `(skipped on ${emulator().kind}: ${UNSERVED})` : "";

let emr: EMRServerlessClient;
let ec2: EC2Client;
let autoscaling: AutoScalingClient;
let bucket: string;
let lakeKeyArn: string;
let subnetIds: string[];
let sparkSecurityGroup: string;
let gpuSecurityGroup: string;
let volumeKeyArn: string;
let dlami: string;
let applicationId: string;
let launchTemplateId: string;
const groups = { spot: `${GPU}-spot`, onDemand: `${GPU}-on-demand` };

/** The component's launch template data (@pulumi/aws's shape) as EC2's API takes it, with the AMI given. */
function sdkLaunchTemplateData(
  data: ReturnType<typeof gpuLaunchTemplateData<string>>,
  imageId: string,
): RequestLaunchTemplateData {
  const flag = (value: string) => value === "true";
  return {
    ImageId: imageId,
    InstanceType: data.instanceType as _InstanceType,
    IamInstanceProfile: { Arn: data.iamInstanceProfile.arn },
    MetadataOptions: {
      HttpEndpoint: data.metadataOptions.httpEndpoint as "enabled",
      HttpTokens: data.metadataOptions.httpTokens as "required",
      HttpPutResponseHopLimit: data.metadataOptions.httpPutResponseHopLimit,
      InstanceMetadataTags: data.metadataOptions.instanceMetadataTags as "disabled",
    },
    BlockDeviceMappings: data.blockDeviceMappings.map(({ deviceName, ebs }) => ({
      DeviceName: deviceName,
      Ebs: {
        VolumeSize: ebs.volumeSize,
        VolumeType: ebs.volumeType as "gp3",
        Encrypted: flag(ebs.encrypted),
        KmsKeyId: ebs.kmsKeyId,
        DeleteOnTermination: flag(ebs.deleteOnTermination),
      },
    })),
    NetworkInterfaces: data.networkInterfaces.map((nic) => ({
      DeviceIndex: nic.deviceIndex,
      AssociatePublicIpAddress: flag(nic.associatePublicIpAddress),
      DeleteOnTermination: flag(nic.deleteOnTermination),
      Groups: nic.securityGroups,
    })),
    TagSpecifications: data.tagSpecifications.map(({ resourceType, tags }) => ({
      ResourceType: resourceType as "instance" | "volume",
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    })),
  };
}

/** A group as GpuInstances declares it, through Auto Scaling's API. */
async function createGroup(name: string, spot: boolean): Promise<void> {
  const sizing = gpuGroupSizing(gpuSettings, spot);
  const policy = gpuMixedInstancesPolicy(gpuSettings, launchTemplateId, spot);
  const distribution = policy.instancesDistribution;
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      MinSize: sizing.minSize,
      MaxSize: sizing.maxSize,
      DesiredCapacity: sizing.desiredCapacity,
      CapacityRebalance: sizing.capacityRebalance,
      VPCZoneIdentifier: subnetIds.join(","),
      MixedInstancesPolicy: {
        InstancesDistribution: {
          OnDemandBaseCapacity: distribution.onDemandBaseCapacity,
          OnDemandPercentageAboveBaseCapacity: distribution.onDemandPercentageAboveBaseCapacity,
          ...("spotAllocationStrategy" in distribution
            ? { SpotAllocationStrategy: distribution.spotAllocationStrategy }
            : { OnDemandAllocationStrategy: distribution.onDemandAllocationStrategy }),
        },
        LaunchTemplate: {
          LaunchTemplateSpecification: {
            LaunchTemplateId: policy.launchTemplate.launchTemplateSpecification.launchTemplateId,
            Version: policy.launchTemplate.launchTemplateSpecification.version,
          },
          Overrides: policy.launchTemplate.overrides.map(({ instanceType }) => ({
            InstanceType: instanceType,
          })),
        },
      },
      Tags: gpuGroupTags(GPU, TAGS).map((t) => ({
        Key: t.key,
        Value: t.value,
        PropagateAtLaunch: t.propagateAtLaunch,
      })),
    }),
  );
}

async function describeGroup(name: string): Promise<AutoScalingGroup> {
  const found = await autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  const group = found.AutoScalingGroups?.[0];
  if (!group) throw new Error(`DescribeAutoScalingGroups found no group ${name}`);
  return group;
}

beforeAll(async () => {
  if (UNSERVED) return;
  await resetBetweenSuites();
  emr = new EMRServerlessClient(clientConfig());
  ec2 = new EC2Client(clientConfig());
  autoscaling = new AutoScalingClient(clientConfig());
  ({ bucket, kmsKeyArn: lakeKeyArn } = await createLakeBucket(`spark-gpu-${unique()}`));
  await s3Client().send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: ENTRY_POINT_KEY,
      Body: "from pyspark.sql import SparkSession\nSparkSession.builder.getOrCreate().range(1).show()\n",
    }),
  );

  // A VPC with two private subnets (no public IP on launch, as the platform's network makes them).
  const region = emulator().region;
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }));
  const vpcId = vpc.Vpc?.VpcId ?? "";
  subnetIds = [];
  for (const [i, zone] of ["a", "b"].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.20.${i}.0/24`,
        AvailabilityZone: `${region}${zone}`,
      }),
    );
    subnetIds.push(subnet.Subnet?.SubnetId ?? "");
  }
  const securityGroup = async (name: string) =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
      .GroupId ?? "";
  sparkSecurityGroup = await securityGroup(`${SPARK}-sg`);
  gpuSecurityGroup = await securityGroup(`${GPU}-sg`);
  const key = await kmsClient().send(new CreateKeyCommand({ Description: `${GPU} volumes` }));
  volumeKeyArn = key.KeyMetadata?.Arn ?? "";

  // moto resolves no `resolve:ssm:` image id: use the Deep Learning AMI (Amazon Linux) it ships.
  const images = await ec2.send(
    new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["Deep Learning AMI Amazon Linux*"] }] }),
  );
  dlami = images.Images?.[0]?.ImageId ?? "";
  expect(dlami).toMatch(/^ami-/);
});

describe.skipIf(UNSERVED)(`Spark processing on EMR Serverless against ${emulator().kind} ${note}`, () => {
  const definition = () =>
    sparkApplicationDefinition<string>(SPARK, sparkSettings, {
      subnetIds,
      securityGroupIds: [sparkSecurityGroup],
      logUri: sparkLogUri(bucket, SPARK),
      encryptionKeyArn: lakeKeyArn,
    });

  it("creates the application with the component's settings and gets them back (moto drops monitoringConfiguration)", async () => {
    // EMR Serverless takes the type in any case (the provider sends "spark"); moto takes upper case only.
    expect(definition().type).toBe("spark");
    const created = await emr.send(
      new CreateApplicationCommand({ ...definition(), type: definition().type.toUpperCase(), tags: TAGS }),
    );
    applicationId = created.applicationId ?? "";
    expect(created.name).toBe(SPARK);

    const { application } = await emr.send(new GetApplicationCommand({ applicationId }));
    // EMR Serverless answers with the type capitalised.
    expect(application?.type).toBe("Spark");
    expect(application).toMatchObject({
      name: SPARK,
      releaseLabel: "emr-7.12.0",
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 15 },
      maximumCapacity: { cpu: "16 vCPU", memory: "64 GB", disk: "400 GB" },
      networkConfiguration: { subnetIds, securityGroupIds: [sparkSecurityGroup] },
      tags: TAGS,
    });
    // No pre-initialized capacity: nothing is billed while the application is idle.
    expect(application?.initialCapacity ?? {}).toEqual({});
    // AWS: CREATED until the first job (auto-start); moto: STARTED at once.
    expect(["CREATED", "STARTED"]).toContain(application?.state);
    // The logs go to the lake, encrypted with its key. moto does not keep the setting; AWS returns it.
    const monitoring = {
      s3MonitoringConfiguration: {
        logUri: `s3://${bucket}/artifacts/logs/emr/${SPARK}/`,
        encryptionKeyArn: lakeKeyArn,
      },
    };
    expect(definition().monitoringConfiguration).toEqual(monitoring);
    expect(application?.monitoringConfiguration ?? monitoring).toEqual(monitoring);
  });

  it("runs a Spark job as the job role from an entry point in the lake; the run inherits the application's release and network (moto ends runs at once)", async () => {
    const executionRoleArn = `arn:aws:iam::${ACCOUNT}:role/${SPARK}-job-role`;
    const entryPoint = `s3://${bucket}/${ENTRY_POINT_KEY}`;
    const started = await emr.send(
      new StartJobRunCommand({
        applicationId,
        name: "features",
        executionRoleArn,
        jobDriver: {
          sparkSubmit: {
            entryPoint,
            entryPointArguments: [`s3://${bucket}/processed/events/`, `s3://${bucket}/features/events/`],
            sparkSubmitParameters: "--conf spark.executor.cores=4 --conf spark.executor.memory=16g",
          },
        },
      }),
    );
    expect(started.applicationId).toBe(applicationId);
    const { jobRun } = await emr.send(
      new GetJobRunCommand({ applicationId, jobRunId: started.jobRunId ?? "" }),
    );
    expect(jobRun?.state).toBe("SUCCESS");
    expect(jobRun).toMatchObject({
      applicationId,
      executionRole: executionRoleArn,
      releaseLabel: sparkSettings.releaseLabel,
      networkConfiguration: { subnetIds, securityGroupIds: [sparkSecurityGroup] },
    });
    expect(jobRun?.jobDriver?.sparkSubmit?.entryPoint).toBe(entryPoint);
  });

  it("stops the application", async () => {
    await emr.send(new StopApplicationCommand({ applicationId }));
    const { application } = await emr.send(new GetApplicationCommand({ applicationId }));
    expect(application?.state).toBe("STOPPED");
  });
});

describe.skipIf(UNSERVED)(`GPU instances on EC2 Auto Scaling against ${emulator().kind} ${note}`, () => {
  const data = () =>
    gpuLaunchTemplateData<string>(
      GPU,
      gpuSettings,
      {
        instanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/${GPU}-profile`,
        kmsKeyArn: volumeKeyArn,
        securityGroupId: gpuSecurityGroup,
      },
      TAGS,
    );

  it("creates the launch template with the component's data (a DLAMI moto knows for the resolve:ssm: image) and reads it back", async () => {
    // What the component names, and moto cannot resolve.
    expect(data().imageId).toBe(gpuImageId(gpuSettings));
    expect(data().imageId).toMatch(/^resolve:ssm:\/aws\/service\/deeplearning\/ami\/x86_64\//);
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `${GPU}-lt`,
        VersionDescription: data().description,
        LaunchTemplateData: sdkLaunchTemplateData(data(), dlami),
      }),
    );
    launchTemplateId = created.LaunchTemplate?.LaunchTemplateId ?? "";
    expect(launchTemplateId).toMatch(/^lt-/);

    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: launchTemplateId,
        Versions: ["$Latest"],
      }),
    );
    const stored = versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData;
    expect(stored?.ImageId).toBe(dlami);
    expect(stored?.InstanceType).toBe("g4dn.xlarge");
    // No key pair: shell access is through Session Manager.
    expect(stored?.KeyName).toBeUndefined();
    expect(stored?.IamInstanceProfile?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:instance-profile/${GPU}-profile`);
    expect(stored?.MetadataOptions).toMatchObject({
      HttpEndpoint: "enabled",
      HttpTokens: "required",
      HttpPutResponseHopLimit: 1,
      InstanceMetadataTags: "disabled",
    });
    expect(stored?.BlockDeviceMappings).toEqual([
      {
        DeviceName: AL2023_ROOT_DEVICE,
        Ebs: {
          VolumeSize: 100,
          VolumeType: "gp3",
          Encrypted: true,
          KmsKeyId: volumeKeyArn,
          DeleteOnTermination: true,
        },
      },
    ]);
    expect(stored?.NetworkInterfaces).toEqual([
      expect.objectContaining({
        DeviceIndex: 0,
        AssociatePublicIpAddress: false,
        DeleteOnTermination: true,
        Groups: [gpuSecurityGroup],
      }),
    ]);
    expect(stored?.TagSpecifications).toContainEqual({
      ResourceType: "instance",
      Tags: expect.arrayContaining([{ Key: "Name", Value: `${GPU}-gpu` }]) as unknown,
    });
  });

  it("creates the spot group (price-capacity-optimized, no on-demand) and the on-demand fallback group, both at 0", async () => {
    await createGroup(groups.spot, true);
    await createGroup(groups.onDemand, false);

    const spot = await describeGroup(groups.spot);
    expect(spot).toMatchObject({ MinSize: 0, MaxSize: 2, DesiredCapacity: 0, CapacityRebalance: true });
    expect(spot.VPCZoneIdentifier?.split(",")).toEqual(subnetIds);
    expect(spot.Instances ?? []).toEqual([]);
    expect(spot.MixedInstancesPolicy?.InstancesDistribution).toMatchObject({
      OnDemandBaseCapacity: 0,
      OnDemandPercentageAboveBaseCapacity: 0,
      SpotAllocationStrategy: "price-capacity-optimized",
    });
    expect(spot.MixedInstancesPolicy?.LaunchTemplate).toMatchObject({
      LaunchTemplateSpecification: { LaunchTemplateId: launchTemplateId, Version: "$Latest" },
      Overrides: [{ InstanceType: "g4dn.xlarge" }, { InstanceType: "g5.xlarge" }],
    });
    expect(spot.Tags).toContainEqual(
      expect.objectContaining({ Key: "Name", Value: `${GPU}-gpu`, PropagateAtLaunch: true }),
    );

    const onDemand = await describeGroup(groups.onDemand);
    expect(onDemand).toMatchObject({ MinSize: 0, MaxSize: 2, DesiredCapacity: 0, CapacityRebalance: false });
    expect(onDemand.Instances ?? []).toEqual([]);
    expect(onDemand.MixedInstancesPolicy?.InstancesDistribution).toMatchObject({
      OnDemandBaseCapacity: 0,
      OnDemandPercentageAboveBaseCapacity: 100,
      OnDemandAllocationStrategy: "prioritized",
    });
  });

  it("scales the spot group to 1: the instance runs the template's AMI, type, encrypted gp3 volume and tags in a private subnet without a public IP (moto applies neither the template's IMDSv2 nor its profile)", async () => {
    await autoscaling.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: groups.spot, DesiredCapacity: 1 }),
    );
    const spot = await describeGroup(groups.spot);
    expect(spot.DesiredCapacity).toBe(1);
    expect(spot.Instances).toHaveLength(1);
    const instanceId = spot.Instances?.[0]?.InstanceId ?? "";
    expect((await describeGroup(groups.onDemand)).Instances ?? []).toEqual([]);

    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instance = described.Reservations?.[0]?.Instances?.[0];
    expect(instance?.ImageId).toBe(dlami);
    expect(instance?.InstanceType).toBe("g4dn.xlarge");
    expect(subnetIds).toContain(instance?.SubnetId);
    expect(instance?.PublicIpAddress).toBeUndefined();
    expect(instance?.KeyName).toBeUndefined();
    expect(instance?.Tags).toContainEqual({ Key: "Name", Value: `${GPU}-gpu` });
    expect(instance?.Tags).toContainEqual({ Key: "aws:autoscaling:groupName", Value: groups.spot });
    // AWS applies the template's metadata options (HttpTokens "required", hop limit 1); moto launches group
    // instances without them, so only the template itself (above) shows IMDSv2.

    const volumes = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instanceId] }] }),
    );
    const root = volumes.Volumes?.find((v) => v.Attachments?.[0]?.Device === AL2023_ROOT_DEVICE);
    expect(root).toMatchObject({ Size: 100, VolumeType: "gp3", Encrypted: true, KmsKeyId: volumeKeyArn });
  });
});
