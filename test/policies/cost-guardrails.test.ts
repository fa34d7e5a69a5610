import type { StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";

import { costBudgetExists } from "../../policies/cost/budget-exists";
import { costNotebookAutoStop } from "../../policies/cost/notebook-auto-stop";
import { costVpcS3GatewayEndpoint } from "../../policies/cost/vpc-s3-gateway-endpoint";
import { policyProxy } from "../../policies/lib/unknown";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PackConfig,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, compliantLake, declared, runOf, T, TAGS, without } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;
const STACK_URN = "urn:pulumi:test::fx::pulumi:pulumi:Stack::fx-test";
const C = {
  budget: "aws:budgets/budget:Budget",
  vpc: "aws:ec2/vpc:Vpc",
  routeTable: "aws:ec2/routeTable:RouteTable",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  association: "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation",
  subnet: "aws:ec2/subnet:Subnet",
  nat: "aws:ec2/natGateway:NatGateway",
  awsxVpc: "awsx:ec2:Vpc",
  notebook: "aws:sagemaker/notebookInstance:NotebookInstance",
  lifecycle: "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration",
} as const;

const COST_POLICIES: Record<string, StackValidationPolicy> = Object.fromEntries(
  [costBudgetExists, costVpcS3GatewayEndpoint, costNotebookAutoStop].map((p) => [p.name, p]),
);

/** Evaluates one cost policy with the pack's engine (and the pack's name and version, as a preview reports). */
async function evaluate(
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<PolicyEvaluation> {
  const own = COST_POLICIES[policy];
  if (own === undefined) throw new Error(`no cost policy ${policy}`);
  const pack = { ...templatePolicyPack(), policies: [own] };
  const resolved = resolvePolicies(pack, config === undefined ? {} : { [policy]: config }, "test");
  return evaluatePolicies(runOf(resources), pack, resolved);
}

const messages = async (
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<string[]> => (await evaluate(policy, resources, config)).violations.map((v) => v.message);

describe("cost-budget-exists", () => {
  const policy = "cost-budget-exists";
  const budget = (inputs: Record<string, unknown> = {}): DeclaredResource =>
    declared(C.budget, "cost-budget", {
      name: "fx-test-cost-monthly",
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: "50",
      limitUnit: "USD",
      costFilters: [{ name: "TagKeyValue", values: ["user:Project$fx"] }],
      notifications: [
        {
          notificationType: "ACTUAL",
          comparisonOperator: "GREATER_THAN",
          threshold: 80,
          thresholdType: "PERCENTAGE",
          subscriberEmailAddresses: ["finops@example.com"],
        },
      ],
      tags: TAGS,
      ...inputs,
    });
  const stack = (): DeclaredResource[] => [...compliantLake(), budget()];
  const fails = (inputs: Record<string, unknown>) =>
    messages(policy, changed(stack(), "cost-budget", inputs));
  const prefix = 'Budget "cost-budget" does not guard the stack\'s monthly cost: ';

  it("passes a stack whose billable resources have a monthly COST budget with an alert to someone", async () => {
    expect(await messages(policy, stack())).toEqual([]);
  });

  it("fails, on the stack, a stack with billable resources and no budget", async () => {
    const { violations } = await evaluate(policy, compliantLake());
    expect(violations.map((v) => [v.urn, v.message])).toEqual([
      [
        STACK_URN,
        "The stack declares billable resources but no AWS Budget: nothing alerts anyone when its monthly cost runs over",
      ],
    ]);
  });

  it("fails, on the budget, each field that keeps it from guarding the monthly cost", async () => {
    expect(await fails({ budgetType: "USAGE" })).toEqual([`${prefix}budgetType is "USAGE", expected "COST"`]);
    expect(await fails({ timeUnit: "ANNUALLY" })).toEqual([
      `${prefix}timeUnit is "ANNUALLY", expected "MONTHLY"`,
    ]);
    expect(await fails({ limitAmount: undefined })).toEqual([
      `${prefix}no limitAmount, expected the month's limit in USD`,
    ]);
    expect(await fails({ limitAmount: "0" })).toEqual([
      `${prefix}limitAmount is "0", expected a positive amount of USD`,
    ]);
    expect(await fails({ notifications: undefined })).toEqual([
      `${prefix}no notifications, expected an alert (e.g. ACTUAL spend above 80% of the limit)`,
    ]);
    expect(
      await fails({
        notifications: [{ notificationType: "ACTUAL", threshold: 80, subscriberEmailAddresses: [] }],
      }),
    ).toEqual([
      `${prefix}no notification has a subscriber (subscriberEmailAddresses or subscriberSnsTopicArns)`,
    ]);
    const { violations } = await evaluate(policy, changed(stack(), "cost-budget", { budgetType: "USAGE" }));
    expect(violations[0]?.urn).toBe("urn:pulumi:test::fx::aws:budgets/budget:Budget::cost-budget");
  });

  it("lists every problem of a budget in one message", async () => {
    expect(await fails({ budgetType: "RI_UTILIZATION", timeUnit: "DAILY", limitAmount: "-1" })).toEqual([
      `${prefix}budgetType is "RI_UTILIZATION", expected "COST"; timeUnit is "DAILY", expected "MONTHLY"; limitAmount is "-1", expected a positive amount of USD`,
    ]);
  });

  it("accepts the provider's default time unit, planned limits, and SNS-only alerts", async () => {
    expect(await fails({ timeUnit: undefined })).toEqual([]);
    expect(
      await fails({
        limitAmount: undefined,
        plannedLimits: [{ startTime: "2024-01-01_00:00", amount: "50", unit: "USD" }],
      }),
    ).toEqual([]);
    expect(
      await fails({
        notifications: [
          { notificationType: "FORECASTED", threshold: 100, subscriberSnsTopicArns: [UNKNOWN_STRING] },
        ],
      }),
    ).toEqual([]);
  });

  it("passes when any one budget of the stack qualifies", async () => {
    const usage = declared(C.budget, "usage-budget", {
      budgetType: "USAGE",
      limitAmount: "3",
      limitUnit: "GB",
    });
    expect(await messages(policy, [...stack(), usage])).toEqual([]);
  });

  it("is not applicable to a stack without billable resources (identity and billing settings only)", async () => {
    const { violations, notApplicable } = await evaluate(policy, [
      declared(T.role, "r", { assumeRolePolicy: "{}" }),
      declared("aws:costexplorer/costAllocationTag:CostAllocationTag", "tag", { tagKey: "Project" }),
      declared("mlplat:cost:CostGuardrails", "cost", {}, { custom: false }),
    ]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("is reported as not run (advisory) when the only budget's limit is unknown during preview", async () => {
    const { violations } = await evaluate(
      policy,
      changed(stack(), "cost-budget", { limitAmount: UNKNOWN_STRING }),
    );
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        "can't run policy 'cost-budget-exists' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .limitAmount can't be known during preview",
      ],
    ]);
  });
});

describe("cost-vpc-s3-gateway-endpoint", () => {
  const policy = "cost-vpc-s3-gateway-endpoint";
  /** A public subnet of `vpc` with a NAT gateway in it, joined as the engine joins them. */
  const natIn = (vpc: DeclaredResource, prefix = vpc.name.replace(/-vpc$/, "")): DeclaredResource[] => {
    const subnet = declared(
      C.subnet,
      `${prefix}-public-0`,
      { vpcId: `${vpc.name}-id`, cidrBlock: "10.0.100.0/24" },
      { propertyDependencies: { vpcId: [vpc.urn] } },
    );
    const nat = declared(
      C.nat,
      `${prefix}-nat`,
      { subnetId: `${subnet.name}-id`, allocationId: "eipalloc-1", tags: TAGS },
      { propertyDependencies: { subnetId: [subnet.urn] } },
    );
    return [subnet, nat];
  };
  const network = (endpoint: Record<string, unknown> = {}): DeclaredResource[] => {
    const vpc = declared(C.vpc, "net-vpc", { cidrBlock: "10.0.0.0/16", tags: TAGS });
    const routeTable = declared(
      C.routeTable,
      "net-private-rt",
      { vpcId: "net-vpc-id" },
      { propertyDependencies: { vpcId: [vpc.urn] } },
    );
    const s3 = declared(
      C.endpoint,
      "net-s3",
      {
        vpcId: "net-vpc-id",
        serviceName: "com.amazonaws.ap-northeast-2.s3",
        vpcEndpointType: "Gateway",
        routeTableIds: ["net-private-rt-id"],
        tags: TAGS,
        ...endpoint,
      },
      { propertyDependencies: { vpcId: [vpc.urn], routeTableIds: [routeTable.urn] } },
    );
    const api = declared(
      C.endpoint,
      "net-sagemaker-api",
      {
        vpcId: "net-vpc-id",
        serviceName: "com.amazonaws.ap-northeast-2.sagemaker.api",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
      },
      { propertyDependencies: { vpcId: [vpc.urn] } },
    );
    return [vpc, routeTable, s3, api, ...natIn(vpc)];
  };
  const noEndpoint =
    'VPC "net-vpc" has no S3 gateway endpoint: its S3 traffic goes through NAT gateway "net-nat", billed per GB';

  it("passes a VPC whose S3 gateway endpoint is on its route table", async () => {
    expect(await messages(policy, network())).toEqual([]);
  });

  it("fails a VPC with a NAT gateway and no endpoint, an interface endpoint for S3, or a gateway for another service", async () => {
    expect(await messages(policy, without(network(), "net-s3"))).toEqual([noEndpoint]);
    expect(await messages(policy, network({ vpcEndpointType: "Interface" }))).toEqual([noEndpoint]);
    expect(await messages(policy, network({ serviceName: "com.amazonaws.ap-northeast-2.dynamodb" }))).toEqual(
      [noEndpoint],
    );
    const { violations } = await evaluate(policy, without(network(), "net-s3"));
    expect(violations[0]?.urn).toBe("urn:pulumi:test::fx::aws:ec2/vpc:Vpc::net-vpc");
  });

  it("passes a VPC without a NAT gateway: its S3 traffic goes through none (issue 15)", async () => {
    const isolated = without(without(without(network(), "net-s3"), "net-nat"), "net-public-0");
    expect(await messages(policy, isolated)).toEqual([]);
    const privateNat = changed(without(network(), "net-s3"), "net-nat", { connectivityType: "private" });
    expect(await messages(policy, privateNat)).toEqual([]);
  });

  it("places NAT gateways in VPCs by their subnet or vpcId; one it cannot place counts for every VPC", async () => {
    const other = declared(C.vpc, "other-vpc", { cidrBlock: "10.1.0.0/16" });
    // net-vpc's NAT gateway does not route other-vpc's traffic.
    expect(await messages(policy, [...network(), other])).toEqual([]);
    expect(await messages(policy, [...network(), other, ...natIn(other)])).toEqual([
      'VPC "other-vpc" has no S3 gateway endpoint: its S3 traffic goes through NAT gateway "other-nat", billed per GB',
    ]);
    const regional = declared(
      C.nat,
      "other-regional-nat",
      { vpcId: "other-vpc-id", availabilityMode: "regional" },
      { propertyDependencies: { vpcId: [other.urn] } },
    );
    expect(await messages(policy, [...network(), other, regional])).toEqual([
      'VPC "other-vpc" has no S3 gateway endpoint: its S3 traffic goes through NAT gateway "other-regional-nat", billed per GB',
    ]);
    const unplaced = declared(C.nat, "far-nat", { subnetId: "subnet-0123" });
    expect(await messages(policy, [...network(), other, unplaced])).toEqual([
      'VPC "other-vpc" has no S3 gateway endpoint: its S3 traffic goes through NAT gateway "far-nat", billed per GB',
    ]);
  });

  it("judges an awsx.ec2.Vpc with NAT gateways by its vpcEndpointSpecs", async () => {
    const awsx = (inputs: Record<string, unknown>) => [
      declared(C.awsxVpc, "net", { cidrBlock: "10.0.0.0/16", ...inputs }, { custom: false, remote: true }),
    ];
    const reported = (strategy: string) =>
      `VPC "net" (awsx.ec2.Vpc) has NAT gateways (natGateways.strategy ${strategy}) and no S3 gateway endpoint: ` +
      "its S3 traffic goes through them, billed per GB; add an S3 Gateway entry to vpcEndpointSpecs";
    expect(await messages(policy, awsx({ natGateways: { strategy: "Single" } }))).toEqual([
      reported("Single"),
    ]);
    // awsx's default: one NAT gateway per zone for its default public and private subnets.
    expect(await messages(policy, awsx({}))).toEqual([reported("OnePerAz")]);
    expect(
      await messages(
        policy,
        awsx({
          natGateways: { strategy: "Single" },
          vpcEndpointSpecs: [{ serviceName: "com.amazonaws.us-east-1.s3" }],
        }),
      ),
    ).toEqual([]);
    expect(await messages(policy, awsx({ natGateways: { strategy: "None" } }))).toEqual([]);
    expect(await messages(policy, awsx({ subnetSpecs: [{ type: "Isolated" }] }))).toEqual([]);
    expect(
      await messages(
        policy,
        awsx({
          natGateways: { strategy: "OnePerAz" },
          vpcEndpointSpecs: [{ serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Interface" }],
        }),
      ),
    ).toEqual([reported("OnePerAz")]);
  });

  it("takes Gateway as the default endpoint type, as the provider does", async () => {
    expect(await messages(policy, network({ vpcEndpointType: undefined }))).toEqual([]);
  });

  it("fails a gateway endpoint on no route table, unless a separate association puts it on one", async () => {
    const unrouted = network({ routeTableIds: [] });
    expect(await messages(policy, unrouted)).toEqual([
      'S3 gateway endpoint "net-s3" of VPC "net-vpc" is on no route table: S3 traffic does not use it; set its routeTableIds',
    ]);
    const s3 = unrouted.find((r) => r.name === "net-s3");
    const association = declared(
      C.association,
      "net-s3-rt",
      { vpcEndpointId: "net-s3-id", routeTableId: "net-private-rt-id" },
      { propertyDependencies: { vpcEndpointId: [s3?.urn ?? ""] } },
    );
    expect(await messages(policy, [...unrouted, association])).toEqual([]);
  });

  it("passes an S3 endpoint whose service name is interpolated from the region, known in preview", async () => {
    expect(await messages(policy, network({ serviceName: "com.amazonaws.us-east-1.s3" }))).toEqual([]);
  });

  it("is reported as not run (advisory) when the only candidate's service is unknown during preview", async () => {
    const { violations } = await evaluate(
      policy,
      without(network({ serviceName: UNKNOWN_STRING }), "net-sagemaker-api"),
    );
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        "can't run policy 'cost-vpc-s3-gateway-endpoint' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .serviceName can't be known during preview",
      ],
    ]);
  });

  it("is not applicable to a stack without VPCs", async () => {
    const { violations, notApplicable } = await evaluate(policy, compliantLake());
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
});

describe("cost-notebook-auto-stop", () => {
  const policy = "cost-notebook-auto-stop";
  const base64 = (text: string) => Buffer.from(text).toString("base64");
  const AUTO_STOP = [
    "#!/bin/bash",
    "set -e",
    "IDLE_TIME=3600",
    "aws s3 cp s3://lake/artifacts/tools/autostop.py /home/ec2-user/autostop.py",
    'echo "*/5 * * * * root /usr/bin/python3 /home/ec2-user/autostop.py --time $IDLE_TIME" > /etc/cron.d/autostop',
  ].join("\n");
  const SETUP = "#!/bin/bash\npip install --quiet pandas\n";
  const notebook = (lifecycle: Record<string, unknown> = {}, inputs: Record<string, unknown> = {}) => {
    const config = declared(C.lifecycle, "nb-lifecycle", {
      name: "nb-auto-stop",
      onStart: base64(AUTO_STOP),
      ...lifecycle,
    });
    const instance = declared(
      C.notebook,
      "nb",
      {
        instanceType: "ml.t3.medium",
        roleArn: "arn:aws:iam::123456789012:role/nb",
        lifecycleConfigName: "nb-auto-stop",
        directInternetAccess: "Disabled",
        rootAccess: "Disabled",
        subnetId: "subnet-a",
        securityGroups: ["sg-a"],
        kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/k",
        tags: TAGS,
        ...inputs,
      },
      { propertyDependencies: { lifecycleConfigName: [config.urn] } },
    );
    return [config, instance];
  };

  it("passes a notebook whose lifecycle configuration's onStart stops it when idle", async () => {
    expect(await messages(policy, notebook())).toEqual([]);
    expect(
      await messages(
        policy,
        notebook({
          onStart: base64('aws sagemaker stop-notebook-instance --notebook-instance-name "$NAME"'),
        }),
      ),
    ).toEqual([]);
  });

  it("fails a notebook without a lifecycle configuration", async () => {
    const bare = declared(C.notebook, "nb", { instanceType: "ml.t3.medium", tags: TAGS });
    const { violations } = await evaluate(policy, [bare]);
    expect(violations.map((v) => [v.urn, v.message])).toEqual([
      [
        "urn:pulumi:test::fx::aws:sagemaker/notebookInstance:NotebookInstance::nb",
        'Notebook instance "nb" has no lifecycle configuration: nothing stops it when it sits idle',
      ],
    ]);
  });

  it("fails an onStart script that does not stop the notebook, and an auto-stop put in onCreate", async () => {
    expect(await messages(policy, notebook({ onStart: base64(SETUP) }))).toEqual([
      'Notebook instance "nb": the onStart script of lifecycle configuration "nb-lifecycle" does not stop the notebook when idle (expected the auto-stop-idle sample\'s autostop.py or a stop-notebook-instance call)',
    ]);
    expect(await messages(policy, notebook({ onStart: undefined, onCreate: base64(AUTO_STOP) }))).toEqual([
      'Notebook instance "nb": lifecycle configuration "nb-lifecycle" stops idle notebooks from onCreate, which runs once at creation; move it to onStart, which runs at every start',
    ]);
  });

  it("finds the configuration by name when no dependency joins them, and fails a name the stack does not declare", async () => {
    const [config, instance] = notebook();
    const byName = { ...instance, propertyDependencies: {} } as DeclaredResource;
    expect(await messages(policy, [config as DeclaredResource, byName])).toEqual([]);
    expect(await messages(policy, [byName])).toEqual([
      'Notebook instance "nb" uses the lifecycle configuration "nb-auto-stop", which the stack does not declare: its auto-stop cannot be checked',
    ]);
  });

  it("takes the patterns an auto-stop script must contain from the pack config", async () => {
    const custom = notebook({ onStart: base64("/opt/idle-guard --stop-after 60m") });
    expect(await messages(policy, custom)).toHaveLength(1);
    expect(
      await messages(policy, custom, {
        enforcementLevel: "mandatory",
        stopPatterns: ["idle-guard --stop-after"],
      }),
    ).toEqual([]);
  });

  it("is reported as not run (advisory) when the onStart script is unknown during preview", async () => {
    const { violations } = await evaluate(policy, notebook({ onStart: UNKNOWN_STRING }));
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        "can't run policy 'cost-notebook-auto-stop' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .onStart can't be known during preview",
      ],
    ]);
  });

  it("is not applicable to a stack without notebook instances", async () => {
    const { violations, notApplicable } = await evaluate(policy, compliantLake());
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
});
