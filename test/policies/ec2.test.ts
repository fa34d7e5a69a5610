import { describe, expect, it } from "vitest";

import { ec2Imdsv2 } from "../../policies/ec2/imdsv2";
import { ec2NoPublicIp } from "../../policies/ec2/no-public-ip";
import { ec2NoSshFromInternet } from "../../policies/ec2/no-ssh-from-internet";
import { ec2VolumesEncrypted } from "../../policies/ec2/volumes-encrypted";
import { policyProxy } from "../../policies/lib/unknown";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, runOf, TAGS } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const INSTANCE = "aws:ec2/instance:Instance";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const KEY = "aws:kms/key:Key";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/gpu-key-id";

/** The EC2 policies, evaluated with the pack's engine. */
const EC2_POLICIES = [ec2Imdsv2, ec2VolumesEncrypted, ec2NoPublicIp, ec2NoSshFromInternet];

async function evaluate(policy: string, resources: readonly DeclaredResource[]): Promise<PolicyEvaluation> {
  const pack = { ...templatePolicyPack(), policies: EC2_POLICIES.filter((p) => p.name === policy) };
  if (pack.policies.length !== 1) throw new Error(`no EC2 policy ${policy}`);
  return evaluatePolicies(runOf(resources), pack, resolvePolicies(pack, {}, "test"));
}

async function messagesOf(policy: string, resources: readonly DeclaredResource[]): Promise<string[]> {
  return (await evaluate(policy, resources)).violations.map((v) => v.message);
}

const key = declared(KEY, "gpu-key", { enableKeyRotation: true, tags: TAGS });

/** GPU instances as the GpuInstances component declares them: security group and launch template. */
function gpu(): DeclaredResource[] {
  return [
    key,
    declared(SECURITY_GROUP, "gpu-sg", {
      vpcId: "vpc-1",
      ingress: [],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
      tags: TAGS,
    }),
    declared(LAUNCH_TEMPLATE, "gpu-lt", {
      imageId:
        "resolve:ssm:/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id",
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", kmsKeyId: KEY_ARN },
        },
      ],
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: ["sg-1"] }],
      tags: TAGS,
    }),
  ];
}

/** A hardened stand-alone instance: IMDSv2, encrypted root and data volumes, no public IP. */
function instance(): DeclaredResource[] {
  return [
    key,
    declared(INSTANCE, "box", {
      instanceType: "g5.xlarge",
      metadataOptions: { httpTokens: "required" },
      rootBlockDevice: { volumeSize: 100, volumeType: "gp3", encrypted: true },
      ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 500, encrypted: true }],
      associatePublicIpAddress: false,
      tags: TAGS,
    }),
  ];
}

describe("EC2 policies", () => {
  it("have kebab-case ids, one-sentence descriptions, a severity, remediation and a mandatory default", () => {
    expect(EC2_POLICIES.map((p) => [p.name, p.severity, p.enforcementLevel])).toEqual([
      ["ec2-imdsv2", "high", "mandatory"],
      ["ec2-volumes-encrypted", "high", "mandatory"],
      ["ec2-no-public-ip", "high", "mandatory"],
      ["ec2-no-ssh-from-internet", "critical", "mandatory"],
    ]);
    for (const p of EC2_POLICIES) {
      expect(p.description).toMatch(/^[A-Z][^.]*(\.[^ .][^.]*)*\.$/);
      expect(p.remediationSteps?.length).toBeGreaterThan(20);
    }
  });

  it("pass the GPU instances the component declares and a hardened instance", async () => {
    for (const policy of EC2_POLICIES.map((p) => p.name)) {
      expect(await messagesOf(policy, gpu()), `${policy} gpu`).toEqual([]);
      expect(await messagesOf(policy, instance()), `${policy} instance`).toEqual([]);
    }
  });

  it("are not applicable to a stack without EC2 instances, templates or security groups", async () => {
    for (const policy of EC2_POLICIES.map((p) => p.name)) {
      const { violations, notApplicable } = await evaluate(policy, [key]);
      expect(violations).toEqual([]);
      expect(notApplicable[policy], policy).toBe(1);
    }
  });
});

describe("ec2-imdsv2", () => {
  const policy = "ec2-imdsv2";

  it("fails a launch template that allows IMDSv1 or leaves the setting to defaults", async () => {
    expect(
      await messagesOf(policy, changed(gpu(), "gpu-lt", { metadataOptions: { httpTokens: "optional" } })),
    ).toEqual([
      'EC2 launch template "gpu-lt" allows IMDSv1 (metadataOptions.httpTokens "optional"): set it to "required"',
    ]);
    expect(await messagesOf(policy, changed(gpu(), "gpu-lt", { metadataOptions: undefined }))).toEqual([
      `EC2 launch template "gpu-lt" does not set metadataOptions.httpTokens, so the AMI's or the account's default applies (IMDSv1 may be allowed): set it to "required"`,
    ]);
  });

  it("fails an instance that allows IMDSv1, and passes one with the metadata service off", async () => {
    expect(
      await messagesOf(policy, changed(instance(), "box", { metadataOptions: { httpTokens: "optional" } })),
    ).toEqual([
      'EC2 instance "box" allows IMDSv1 (metadataOptions.httpTokens "optional"): set it to "required"',
    ]);
    expect(
      await messagesOf(policy, changed(instance(), "box", { metadataOptions: { httpEndpoint: "disabled" } })),
    ).toEqual([]);
  });

  it("reports an advisory 'can't run' note when httpTokens is unknown during preview", async () => {
    const unknown = changed(gpu(), "gpu-lt", { metadataOptions: { httpTokens: UNKNOWN_STRING } });
    const { violations } = await evaluate(policy, unknown);
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        "can't run policy 'ec2-imdsv2' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .metadataOptions.httpTokens can't be known during preview",
      ],
    ]);
  });
});

describe("ec2-volumes-encrypted", () => {
  const policy = "ec2-volumes-encrypted";

  it("fails a launch template's unencrypted EBS mapping and ignores instance-store mappings", async () => {
    const plain = changed(gpu(), "gpu-lt", {
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "false" } },
        { deviceName: "/dev/sdb", virtualName: "ephemeral0" },
        { deviceName: "/dev/sdc", ebs: { volumeSize: 50 } },
      ],
    });
    expect(await messagesOf(policy, plain)).toEqual([
      'EC2 launch template "gpu-lt" does not encrypt the EBS volume of blockDeviceMappings.0 (/dev/xvda): set ebs.encrypted to "true"',
      'EC2 launch template "gpu-lt" does not encrypt the EBS volume of blockDeviceMappings.2 (/dev/sdc): set ebs.encrypted to "true"',
    ]);
  });

  it("fails an instance whose root volume is undeclared or unencrypted, or whose EBS device is unencrypted", async () => {
    expect(await messagesOf(policy, changed(instance(), "box", { rootBlockDevice: undefined }))).toEqual([
      'EC2 instance "box" does not declare its rootBlockDevice, so the root volume\'s encryption is left to the AMI and the account: declare it with encrypted true',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(instance(), "box", {
          rootBlockDevice: { volumeSize: 100 },
          ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 500, encrypted: false }],
        }),
      ),
    ).toEqual([
      'EC2 instance "box" does not encrypt its root volume: set rootBlockDevice.encrypted to true',
      'EC2 instance "box" does not encrypt ebsBlockDevices.0 (/dev/sdf): set encrypted to true',
    ]);
  });
});

describe("ec2-no-public-ip", () => {
  const policy = "ec2-no-public-ip";

  it("fails a launch template or an instance that asks for a public IP", async () => {
    expect(
      await messagesOf(
        policy,
        changed(gpu(), "gpu-lt", {
          networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }],
        }),
      ),
    ).toEqual([
      'EC2 launch template "gpu-lt" gives instances a public IP address (networkInterfaces.0.associatePublicIpAddress true): set it to "false"',
    ]);
    expect(await messagesOf(policy, changed(instance(), "box", { associatePublicIpAddress: true }))).toEqual([
      'EC2 instance "box" gets a public IP address (associatePublicIpAddress true): set it to false',
    ]);
  });

  it("leaves an unset choice to the subnet", async () => {
    expect(
      await messagesOf(policy, changed(instance(), "box", { associatePublicIpAddress: undefined })),
    ).toEqual([]);
    expect(
      await messagesOf(policy, changed(gpu(), "gpu-lt", { networkInterfaces: [{ deviceIndex: 0 }] })),
    ).toEqual([]);
  });
});

describe("ec2-no-ssh-from-internet", () => {
  const policy = "ec2-no-ssh-from-internet";

  it("fails inline ingress that opens port 22, or every port, to the internet", async () => {
    const open = changed(gpu(), "gpu-sg", {
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] },
        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] },
      ],
    });
    expect(await messagesOf(policy, open)).toEqual([
      'Security group "gpu-sg" opens SSH (port 22) to the internet (0.0.0.0/0) in ingress.1: remove it and use Session Manager, or narrow the source',
      'Security group "gpu-sg" opens SSH (port 22) to the internet (::/0) in ingress.2: remove it and use Session Manager, or narrow the source',
    ]);
  });

  it("fails an aws.vpc.SecurityGroupIngressRule and an ingress aws.ec2.SecurityGroupRule covering port 22", async () => {
    const rule = declared(INGRESS_RULE, "ssh-anywhere", {
      securityGroupId: "sg-1",
      ipProtocol: "tcp",
      fromPort: 20,
      toPort: 25,
      cidrIpv4: "0.0.0.0/0",
    });
    expect(await messagesOf(policy, [rule])).toEqual([
      'Security group ingress rule "ssh-anywhere" opens SSH (port 22) to the internet (0.0.0.0/0): remove it and use Session Manager, or narrow the source',
    ]);
    const legacy = declared(SECURITY_GROUP_RULE, "ssh-legacy", {
      type: "ingress",
      securityGroupId: "sg-1",
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
      ipv6CidrBlocks: ["::/0"],
    });
    expect(await messagesOf(policy, [legacy])).toEqual([
      'Security group rule "ssh-legacy" opens SSH (port 22) to the internet (::/0): remove it and use Session Manager, or narrow the source',
    ]);
    expect(
      await messagesOf(policy, [changed([legacy], "ssh-legacy", { type: "egress" })[0] as DeclaredResource]),
    ).toEqual([]);
  });

  it("passes port 22 from a private range and other ports from anywhere", async () => {
    const rules = [
      declared(INGRESS_RULE, "ssh-vpn", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "10.20.0.0/16",
      }),
      declared(INGRESS_RULE, "https", {
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      }),
      declared(INGRESS_RULE, "dns", { ipProtocol: "udp", fromPort: 22, toPort: 53, cidrIpv4: "0.0.0.0/0" }),
    ];
    expect(await messagesOf(policy, rules)).toEqual([]);
  });
});
