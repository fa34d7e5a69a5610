/**
 * What the GPU instances' launch template and Auto Scaling groups are, as plain data: GpuInstances declares them
 * from these (in @pulumi/aws's camelCase shape), and the emulator tests create them with the SDK from the same
 * values.
 */
import { AL2023_ROOT_DEVICE, type ResolvedGpuInstanceSettings } from "./args";

/** The AMI as the launch template names it: AWS resolves the SSM parameter at every launch. */
export function gpuImageId(s: Pick<ResolvedGpuInstanceSettings, "amiParameter">): string {
  return `resolve:ssm:${s.amiParameter}`;
}

/** What the launch template refers to: plain strings for the SDK, Pulumi inputs for the component. */
export interface GpuLaunchTemplateRefs<T> {
  instanceProfileArn: T;
  kmsKeyArn: T;
  securityGroupId: T;
}

/**
 * The launch template's data: IMDSv2 only, an encrypted gp3 root volume, no public IP, no key pair (none is
 * named), the instance profile, tagged instances and volumes.
 */
export function gpuLaunchTemplateData<T>(
  name: string,
  s: ResolvedGpuInstanceSettings,
  refs: GpuLaunchTemplateRefs<T>,
  tags: Record<string, string>,
) {
  return {
    description: `GPU instances ${name}: DLAMI GPU, IMDSv2 only, encrypted root volume, no public IP, no key pair`,
    imageId: gpuImageId(s),
    instanceType: s.instanceTypes[0],
    iamInstanceProfile: { arn: refs.instanceProfileArn },
    metadataOptions: {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: s.metadataHopLimit,
      instanceMetadataTags: "disabled",
    },
    blockDeviceMappings: [
      {
        deviceName: AL2023_ROOT_DEVICE,
        ebs: {
          volumeSize: s.rootVolumeGiB,
          volumeType: "gp3",
          encrypted: "true",
          kmsKeyId: refs.kmsKeyArn,
          deleteOnTermination: "true",
        },
      },
    ],
    networkInterfaces: [
      {
        deviceIndex: 0,
        associatePublicIpAddress: "false",
        deleteOnTermination: "true",
        securityGroups: [refs.securityGroupId],
      },
    ],
    tagSpecifications: [
      { resourceType: "instance", tags: { ...tags, Name: `${name}-gpu` } },
      { resourceType: "volume", tags },
    ],
  };
}

/**
 * A group's mixed instances policy: spot only (price-capacity-optimized) for the spot group, on-demand only
 * (in the listed order) for the fallback group; both launch the template's latest version as any listed type.
 */
export function gpuMixedInstancesPolicy<T>(
  s: ResolvedGpuInstanceSettings,
  launchTemplateId: T,
  spot: boolean,
) {
  return {
    instancesDistribution: spot
      ? {
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: 0,
          spotAllocationStrategy: "price-capacity-optimized",
        }
      : {
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: 100,
          onDemandAllocationStrategy: "prioritized",
        },
    launchTemplate: {
      launchTemplateSpecification: { launchTemplateId, version: "$Latest" },
      overrides: s.instanceTypes.map((instanceType) => ({ instanceType })),
    },
  };
}

/** A group's size (0 until scaled out, up to maxSize) and capacity rebalancing (spot only). */
export function gpuGroupSizing(s: Pick<ResolvedGpuInstanceSettings, "maxSize">, spot: boolean) {
  return {
    minSize: 0,
    maxSize: s.maxSize,
    desiredCapacity: 0,
    // Spot: replace an instance when EC2 signals it is at elevated risk of interruption.
    capacityRebalance: spot,
  };
}

/** The groups' tags, propagated to the instances they launch. */
export function gpuGroupTags(name: string, tags: Record<string, string>) {
  return Object.entries({ ...tags, Name: `${name}-gpu` }).map(([key, value]) => ({
    key,
    value,
    propagateAtLaunch: true,
  }));
}
