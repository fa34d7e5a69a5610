/**
 * The security group, default security group and endpoint service policies (policies/ec2), over resources as
 * the offline runner records them: a compliant network to change one field at a time.
 */
import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, evaluateOne, messagesOf, TAGS, without } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  endpointService: "aws:ec2/vpcEndpointService:VpcEndpointService",
  key: "aws:kms/key:Key",
} as const;

const PREFIX_LIST = "pl-78a54011";

/**
 * A compliant network: a VPC with its default group adopted and empty, a public web group (HTTPS from anywhere,
 * HTTPS out to S3's prefix list) used by an interface endpoint, rule resources of every kind on it, all described,
 * and an endpoint service that accepts connections by hand.
 */
function network(): DeclaredResource[] {
  const vpc = declared(T.vpc, "net-vpc", { cidrBlock: "10.0.0.0/16", tags: TAGS });
  const web = declared(
    T.sg,
    "web-sg",
    {
      vpcId: "net-vpc-id",
      description: "Public HTTPS service",
      ingress: [
        {
          description: "HTTPS from anywhere",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
        },
        { description: "HTTP/3", protocol: "udp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] },
        {
          description: "Path MTU discovery",
          protocol: "icmp",
          fromPort: 3,
          toPort: 4,
          cidrBlocks: ["0.0.0.0/0"],
        },
      ],
      egress: [
        {
          description: "S3 through the gateway endpoint",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          prefixListIds: [PREFIX_LIST],
        },
      ],
      tags: TAGS,
    },
    { propertyDependencies: { vpcId: [vpc.urn] } },
  );
  const onWeb = { propertyDependencies: { securityGroupId: [web.urn] } };
  return [
    vpc,
    declared(
      T.defaultSg,
      "net-default-sg",
      { vpcId: "net-vpc-id", tags: TAGS },
      { propertyDependencies: { vpcId: [vpc.urn] } },
    ),
    web,
    declared(
      T.ingress,
      "web-postgres",
      {
        securityGroupId: "web-sg-id",
        description: "PostgreSQL from the VPC",
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrIpv4: "10.0.0.0/16",
      },
      onWeb,
    ),
    declared(
      T.egress,
      "web-all-in-vpc",
      {
        securityGroupId: "web-sg-id",
        description: "Anything in the VPC",
        ipProtocol: "-1",
        cidrIpv4: "10.0.0.0/16",
      },
      onWeb,
    ),
    declared(
      T.sgRule,
      "web-metrics",
      {
        type: "ingress",
        securityGroupId: "web-sg-id",
        description: "Metrics scraper",
        protocol: "tcp",
        fromPort: 9100,
        toPort: 9100,
        sourceSecurityGroupId: "sg-scraper",
      },
      onWeb,
    ),
    declared(
      T.endpoint,
      "net-sagemaker-api",
      {
        vpcId: "net-vpc-id",
        serviceName: "com.amazonaws.ap-northeast-2.sagemaker.api",
        vpcEndpointType: "Interface",
        securityGroupIds: ["web-sg-id"],
        tags: TAGS,
      },
      { propertyDependencies: { vpcId: [vpc.urn], securityGroupIds: [web.urn] } },
    ),
    declared(T.endpointService, "net-service", {
      acceptanceRequired: true,
      networkLoadBalancerArns: [
        "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/net/nlb/1",
      ],
      tags: TAGS,
    }),
  ];
}

const POLICIES = [
  "ec2-no-ssh-from-internet",
  "ec2-no-rdp-from-internet",
  "ec2-no-all-traffic-from-internet",
  "ec2-no-http-from-internet",
  "ec2-no-open-ports-from-internet",
  "ec2-no-all-traffic-egress-to-internet",
  "ec2-security-group-descriptions",
  "ec2-security-group-attached",
  "ec2-default-security-group-restricted",
  "ec2-vpc-endpoint-service-acceptance",
];

/** The web group with these inline ingress blocks. */
const webIngress = (...ingress: Record<string, unknown>[]) =>
  changed(network(), "web-sg", {
    ingress: ingress.map((rule) => ({ description: "Rule", ...rule })),
  });

const fromAnywhere = (protocol: string, fromPort: number, toPort = fromPort) => ({
  protocol,
  fromPort,
  toPort,
  cidrBlocks: ["0.0.0.0/0"],
});

describe("security group policies", () => {
  it("pass a compliant network", async () => {
    for (const policy of POLICIES) expect(await messagesOf(policy, network()), policy).toEqual([]);
  });

  it("are not applicable to a stack without groups, rules, VPCs or endpoint services", async () => {
    const key = declared(T.key, "key", { enableKeyRotation: true, tags: TAGS });
    for (const policy of POLICIES) {
      const { violations, notApplicable } = await evaluateOne(policy, [key]);
      expect(violations, policy).toEqual([]);
      expect(notApplicable[policy], policy).toBe(1);
    }
  });

  it("are reported as not run (advisory) when a rule's source is unknown during preview", async () => {
    const unknown = changed(network(), "web-postgres", { cidrIpv4: UNKNOWN_STRING });
    for (const policy of [
      "ec2-no-ssh-from-internet",
      "ec2-no-rdp-from-internet",
      "ec2-no-all-traffic-from-internet",
      "ec2-no-http-from-internet",
      "ec2-no-open-ports-from-internet",
    ]) {
      const { violations } = await evaluateOne(policy, unknown);
      expect(
        violations.map((v) => [v.level, v.message]),
        policy,
      ).toEqual([
        [
          "advisory",
          `can't run policy '${policy}' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .cidrIpv4 can't be known during preview`,
        ],
      ]);
    }
  });
});

describe("ec2-no-rdp-from-internet", () => {
  const policy = "ec2-no-rdp-from-internet";

  it("fails TCP or UDP 3389 and all traffic from the internet, in every form", async () => {
    expect(
      await messagesOf(
        policy,
        webIngress(fromAnywhere("tcp", 3389), fromAnywhere("udp", 3000, 4000), fromAnywhere("-1", 0)),
      ),
    ).toEqual([
      'Security group "web-sg" opens Remote Desktop (port 3389) to the internet (0.0.0.0/0) in ingress.0: remove it and use Session Manager, or narrow the source',
      'Security group "web-sg" opens Remote Desktop (port 3389) to the internet (0.0.0.0/0) in ingress.1: remove it and use Session Manager, or narrow the source',
      'Security group "web-sg" opens Remote Desktop (port 3389) to the internet (0.0.0.0/0) in ingress.2: remove it and use Session Manager, or narrow the source',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(network(), "web-postgres", {
          fromPort: 3389,
          toPort: 3389,
          cidrIpv4: undefined,
          cidrIpv6: "::/0",
        }),
      ),
    ).toEqual([
      'Security group ingress rule "web-postgres" opens Remote Desktop (port 3389) to the internet (::/0): remove it and use Session Manager, or narrow the source',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(network(), "web-metrics", {
          fromPort: 3389,
          toPort: 3389,
          sourceSecurityGroupId: undefined,
          cidrBlocks: ["0.0.0.0/0"],
        }),
      ),
    ).toEqual([
      'Security group rule "web-metrics" opens Remote Desktop (port 3389) to the internet (0.0.0.0/0): remove it and use Session Manager, or narrow the source',
    ]);
  });

  it("passes 3389 from a private range, and an egress rule to the internet on 3389", async () => {
    expect(
      await messagesOf(policy, webIngress({ ...fromAnywhere("tcp", 3389), cidrBlocks: ["10.0.0.0/8"] })),
    ).toEqual([]);
    const egress = changed(network(), "web-metrics", {
      type: "egress",
      fromPort: 3389,
      toPort: 3389,
      sourceSecurityGroupId: undefined,
      cidrBlocks: ["0.0.0.0/0"],
    });
    expect(await messagesOf(policy, egress)).toEqual([]);
  });
});

describe("ec2-no-all-traffic-from-internet", () => {
  const policy = "ec2-no-all-traffic-from-internet";

  it("fails all protocols, or every TCP or UDP port, from the internet", async () => {
    expect(
      await messagesOf(
        policy,
        webIngress(
          fromAnywhere("-1", 0),
          fromAnywhere("all", -1),
          fromAnywhere("6", 0, 65535),
          fromAnywhere("udp", 1, 65535),
        ),
      ),
    ).toEqual([
      'Security group "web-sg" admits all traffic from the internet (0.0.0.0/0) in ingress.0: allow only the ports the workload serves, from its clients',
      'Security group "web-sg" admits all traffic from the internet (0.0.0.0/0) in ingress.1: allow only the ports the workload serves, from its clients',
      'Security group "web-sg" admits every TCP port from the internet (0.0.0.0/0) in ingress.2: allow only the ports the workload serves, from its clients',
      'Security group "web-sg" admits every UDP port from the internet (0.0.0.0/0) in ingress.3: allow only the ports the workload serves, from its clients',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(network(), "web-postgres", {
          ipProtocol: "-1",
          fromPort: undefined,
          toPort: undefined,
          cidrIpv4: "0.0.0.0/0",
        }),
      ),
    ).toEqual([
      'Security group ingress rule "web-postgres" admits all traffic from the internet (0.0.0.0/0): allow only the ports the workload serves, from its clients',
    ]);
  });

  it("passes all traffic from the group itself and a port range from the internet", async () => {
    expect(
      await messagesOf(
        policy,
        webIngress({ protocol: "-1", fromPort: 0, toPort: 0, self: true }, fromAnywhere("tcp", 8000, 9000)),
      ),
    ).toEqual([]);
  });
});

describe("ec2-no-http-from-internet", () => {
  const policy = "ec2-no-http-from-internet";

  it("fails TCP port 80 from the internet, and ranges and all-traffic rules over it", async () => {
    expect(
      await messagesOf(
        policy,
        webIngress(fromAnywhere("tcp", 80), fromAnywhere("tcp", 0, 1024), fromAnywhere("udp", 80)),
      ),
    ).toEqual([
      'Security group "web-sg" opens plain HTTP (port 80) to the internet (0.0.0.0/0) in ingress.0: serve HTTPS on 443 instead, or narrow the source',
      'Security group "web-sg" opens plain HTTP (port 80) to the internet (0.0.0.0/0) in ingress.1: serve HTTPS on 443 instead, or narrow the source',
    ]);
  });

  it("is advisory by default: a load balancer may listen on 80 to redirect", async () => {
    const { violations } = await evaluateOne(policy, webIngress(fromAnywhere("tcp", 80)));
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("ec2-no-open-ports-from-internet", () => {
  const policy = "ec2-no-open-ports-from-internet";

  it("fails a database, a port range or another protocol open to the internet", async () => {
    expect(
      await messagesOf(
        policy,
        webIngress(
          fromAnywhere("tcp", 3306),
          { ...fromAnywhere("tcp", 8000, 8999), cidrBlocks: undefined, ipv6CidrBlocks: ["::/0"] },
          fromAnywhere("tcp", 80, 443),
          fromAnywhere("50", 0),
        ),
      ),
    ).toEqual([
      'Security group "web-sg" opens TCP port 3306 to the internet (0.0.0.0/0) in ingress.0: only ports 80 and 443 may be open to the internet; narrow the source',
      'Security group "web-sg" opens TCP ports 8000-8999 to the internet (::/0) in ingress.1: only ports 80 and 443 may be open to the internet; narrow the source',
      'Security group "web-sg" opens TCP ports 80-443 to the internet (0.0.0.0/0) in ingress.2: only ports 80 and 443 may be open to the internet; narrow the source',
      'Security group "web-sg" opens protocol 50 to the internet (0.0.0.0/0) in ingress.3: only ports 80 and 443 may be open to the internet; narrow the source',
    ]);
    expect(await messagesOf(policy, changed(network(), "web-postgres", { cidrIpv4: "0.0.0.0/0" }))).toEqual([
      'Security group ingress rule "web-postgres" opens TCP port 5432 to the internet (0.0.0.0/0): only ports 80 and 443 may be open to the internet; narrow the source',
    ]);
  });

  it("leaves SSH, Remote Desktop and all-traffic rules to their own policies, and passes web ports and ICMP", async () => {
    expect(
      await messagesOf(
        policy,
        webIngress(
          fromAnywhere("tcp", 22),
          fromAnywhere("udp", 3389),
          fromAnywhere("-1", 0),
          fromAnywhere("tcp", 80),
          fromAnywhere("tcp", 443),
          fromAnywhere("icmpv6", -1),
        ),
      ),
    ).toEqual([]);
  });
});

describe("ec2-no-all-traffic-egress-to-internet", () => {
  const policy = "ec2-no-all-traffic-egress-to-internet";

  it("fails the usual allow-all egress, in every form", async () => {
    const allOut = { description: "All", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] };
    expect(await messagesOf(policy, changed(network(), "web-sg", { egress: [allOut] }))).toEqual([
      'Security group "web-sg" lets all traffic out to the internet (0.0.0.0/0) in egress.0: allow only the ports and destinations the workload uses (prefix lists for AWS services)',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(network(), "web-all-in-vpc", { cidrIpv4: undefined, cidrIpv6: "::/0" }),
      ),
    ).toEqual([
      'Security group egress rule "web-all-in-vpc" lets all traffic out to the internet (::/0): allow only the ports and destinations the workload uses (prefix lists for AWS services)',
    ]);
    const legacy = changed(network(), "web-metrics", {
      type: "egress",
      protocol: "all",
      fromPort: 0,
      toPort: 0,
      sourceSecurityGroupId: undefined,
      cidrBlocks: ["0.0.0.0/0"],
    });
    expect(await messagesOf(policy, legacy)).toEqual([
      'Security group rule "web-metrics" lets all traffic out to the internet (0.0.0.0/0): allow only the ports and destinations the workload uses (prefix lists for AWS services)',
    ]);
  });

  it("passes HTTPS to the internet and all traffic to the group itself", async () => {
    const egress = [
      { description: "HTTPS", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
      { description: "Peers", protocol: "-1", fromPort: 0, toPort: 0, self: true },
    ];
    expect(await messagesOf(policy, changed(network(), "web-sg", { egress }))).toEqual([]);
  });

  it("is reported as not run (advisory) when an egress destination is unknown during preview", async () => {
    const { violations } = await evaluateOne(
      policy,
      changed(network(), "web-all-in-vpc", { cidrIpv4: UNKNOWN_STRING }),
    );
    expect(violations.map((v) => v.message)).toEqual([
      `can't run policy '${policy}' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .cidrIpv4 can't be known during preview`,
    ]);
  });
});

describe("ec2-security-group-descriptions", () => {
  const policy = "ec2-security-group-descriptions";

  it("fails a group without description and each inline rule without one", async () => {
    const web = network().find((r) => r.name === "web-sg");
    const [https, http3, icmp] = (web?.inputs.ingress ?? []) as Record<string, unknown>[];
    const undescribed = changed(network(), "web-sg", {
      description: undefined,
      ingress: [https, { ...http3, description: "  " }, icmp],
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: [PREFIX_LIST] }],
    });
    expect(await messagesOf(policy, undescribed)).toEqual([
      'Security group "web-sg" has no description (the provider\'s default is "Managed by Pulumi"): set description to what the traffic is for',
      'Security group "web-sg" has a rule without description in ingress.1: set description to what the traffic is for',
      'Security group "web-sg" has a rule without description in egress.0: set description to what the traffic is for',
    ]);
  });

  it("fails a group whose description is the one the SDK fills in", async () => {
    expect(
      await messagesOf(policy, changed(network(), "web-sg", { description: "Managed by Pulumi" })),
    ).toEqual([
      'Security group "web-sg" has no description (the provider\'s default is "Managed by Pulumi"): set description to what the traffic is for',
    ]);
  });

  it("fails each kind of rule resource without a description", async () => {
    let resources = network();
    for (const name of ["web-postgres", "web-all-in-vpc", "web-metrics"]) {
      resources = changed(resources, name, { description: undefined });
    }
    expect(await messagesOf(policy, resources)).toEqual([
      'Security group rule "web-metrics" has no description: set description to what the traffic is for',
      'Security group egress rule "web-all-in-vpc" has no description: set description to what the traffic is for',
      'Security group ingress rule "web-postgres" has no description: set description to what the traffic is for',
    ]);
  });

  it("is reported as not run (advisory) when a description is unknown during preview", async () => {
    const { violations } = await evaluateOne(
      policy,
      changed(network(), "web-postgres", { description: UNKNOWN_STRING }),
    );
    expect(violations.map((v) => v.message)).toEqual([
      `can't run policy '${policy}' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .description can't be known during preview`,
    ]);
  });
});

describe("ec2-security-group-attached", () => {
  const policy = "ec2-security-group-attached";

  it("fails a group that only its own rules reference", async () => {
    const { violations } = await evaluateOne(policy, without(network(), "net-sagemaker-api"));
    expect(violations.map((v) => [v.urn, v.message])).toEqual([
      [
        "urn:pulumi:test::fx::aws:ec2/securityGroup:SecurityGroup::web-sg",
        'Security group "web-sg" is attached to nothing: no resource of the stack takes its id; attach it to the resource it is for, or remove it',
      ],
    ]);
  });

  it("does not count another group that names it as a source as a use", async () => {
    const lone = without(network(), "net-sagemaker-api");
    const web = lone.find((r) => r.name === "web-sg") as DeclaredResource;
    const peer = declared(
      T.sg,
      "peer-sg",
      {
        description: "Peer",
        ingress: [
          {
            description: "From web",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            securityGroups: ["web-sg-id"],
          },
        ],
      },
      { propertyDependencies: { ingress: [web.urn] } },
    );
    expect(await messagesOf(policy, [...lone, peer])).toEqual([
      'Security group "peer-sg" is attached to nothing: no resource of the stack takes its id; attach it to the resource it is for, or remove it',
      'Security group "web-sg" is attached to nothing: no resource of the stack takes its id; attach it to the resource it is for, or remove it',
    ]);
  });
});

describe("ec2-default-security-group-restricted", () => {
  const policy = "ec2-default-security-group-restricted";

  it("fails a VPC whose default group is not adopted", async () => {
    const { violations } = await evaluateOne(policy, without(network(), "net-default-sg"));
    expect(violations.map((v) => [v.urn, v.message])).toEqual([
      [
        "urn:pulumi:test::fx::aws:ec2/vpc:Vpc::net-vpc",
        'VPC "net-vpc" leaves its default security group as AWS creates it (all traffic between its members, all egress): adopt it with an aws.ec2.DefaultSecurityGroup with no ingress and no egress',
      ],
    ]);
  });

  it("fails an adopted default group that keeps rules, or that a rule resource adds to", async () => {
    const ruled = changed(network(), "net-default-sg", {
      ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
      egress: [],
    });
    expect(await messagesOf(policy, ruled)).toEqual([
      'Default security group "net-default-sg" of VPC "net-vpc" keeps rules (1 ingress, 0 egress): remove them, so that nothing that falls back to the default group gets traffic',
    ]);
    const defaultSg = network().find((r) => r.name === "net-default-sg") as DeclaredResource;
    const added = changed(
      network(),
      "web-postgres",
      {},
      { propertyDependencies: { securityGroupId: [defaultSg.urn] } },
    );
    expect(await messagesOf(policy, added)).toEqual([
      'Security group ingress rule "web-postgres" adds a rule to Default security group "net-default-sg" of VPC "net-vpc": remove it and give the workload its own security group',
    ]);
  });

  it("is reported as not run (advisory) when the default group's rules are unknown during preview", async () => {
    const { violations } = await evaluateOne(
      policy,
      changed(network(), "net-default-sg", { ingress: UNKNOWN_STRING }),
    );
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
    expect(violations[0]?.message).toMatch(/^can't run policy 'ec2-default-security-group-restricted'/);
  });
});

describe("ec2-vpc-endpoint-service-acceptance", () => {
  const policy = "ec2-vpc-endpoint-service-acceptance";

  it("fails an endpoint service that accepts connections automatically", async () => {
    expect(
      await messagesOf(policy, changed(network(), "net-service", { acceptanceRequired: false })),
    ).toEqual([
      'VPC endpoint service "net-service" accepts connection requests automatically (acceptanceRequired false): set acceptanceRequired to true',
    ]);
    expect(
      await messagesOf(policy, changed(network(), "net-service", { acceptanceRequired: undefined })),
    ).toEqual([
      'VPC endpoint service "net-service" accepts connection requests automatically (acceptanceRequired not set): set acceptanceRequired to true',
    ]);
  });

  it("is reported as not run (advisory) when acceptanceRequired is unknown during preview", async () => {
    const { violations } = await evaluateOne(
      policy,
      changed(network(), "net-service", { acceptanceRequired: UNKNOWN_STRING }),
    );
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});
