import { describe, expect, it } from "vitest";

import { costEstimateWithinBudget } from "../../policies/cost/estimate-within-budget";
import { evaluatePolicies, resolvePolicies, type PackConfig } from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, runOf, TAGS, urnOf } from "./helpers";

const POLICY = "cost-estimate-within-budget";
const BUDGET = "aws:budgets/budget:Budget";

/** The policy on its own, as the pack serves it; `config` is its pack config entry. */
async function evaluate(resources: readonly DeclaredResource[], config?: PackConfig[string]) {
  const pack = { name: "test-pack", version: "0.0.0", policies: [costEstimateWithinBudget] };
  const resolved = resolvePolicies(pack, config === undefined ? {} : { [POLICY]: config }, "test");
  return evaluatePolicies(runOf(resources), pack, resolved);
}

async function messagesOf(
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<string[]> {
  return (await evaluate(resources, config)).violations.map((v) => v.message);
}

/**
 * A small platform in Seoul: a subnet (its AZ names the region), an interface endpoint in two AZs, a KMS key,
 * two m5.large system nodes on demand, and a monthly budget of $300 for the Project tag.
 * Fixed: 2 x 730 h x $0.118 + 2 x 20 GB x $0.0912 + 2 x 730 h x $0.013 + $1 = $172.28 + $3.648 + $18.98 + $1.
 */
function platform(): DeclaredResource[] {
  return [
    declared("aws:ec2/subnet:Subnet", "private-a", { availabilityZone: "ap-northeast-2a", tags: TAGS }),
    declared("aws:ec2/vpcEndpoint:VpcEndpoint", "sagemaker-api", {
      vpcEndpointType: "Interface",
      serviceName: "com.amazonaws.ap-northeast-2.sagemaker.api",
      subnetIds: ["subnet-a", "subnet-b"],
    }),
    declared("aws:kms/key:Key", "lake-key", { enableKeyRotation: true, tags: TAGS }),
    declared("aws:eks/nodeGroup:NodeGroup", "system", {
      instanceTypes: ["m5.large"],
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
    }),
    declared(BUDGET, "monthly", {
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: "300",
      limitUnit: "USD",
      costFilters: [{ name: "TagKeyValue", values: ["user:Project$fx"] }],
    }),
  ];
}

describe("cost-estimate-within-budget", () => {
  it("passes a stack whose estimate ($195.91) is within its Budget ($300)", async () => {
    expect(await messagesOf(platform())).toEqual([]);
  });

  it("fails when the Budget's limit is below the estimate, on the budget resource", async () => {
    const evaluation = await evaluate(changed(platform(), "monthly", { limitAmount: "100.0" }));
    expect(evaluation.violations.map((v) => [v.name, v.message])).toEqual([
      [
        "monthly",
        'Estimated monthly cost $195.91 ($195.91 fixed + $0.00 usage, ap-northeast-2 prices) exceeds the budget of $100.00 (Budget "monthly"): lower the fixed costs `mlplat cost` lists, or raise the budget on purpose',
      ],
    ]);
    expect(evaluation.violations[0]?.urn).toBe(urnOf(BUDGET, "monthly"));
  });

  it("holds the stack to the smaller of its Budget and the pack config's maxMonthlyUsd", async () => {
    expect(await messagesOf(platform(), { maxMonthlyUsd: 150 })).toEqual([
      "Estimated monthly cost $195.91 ($195.91 fixed + $0.00 usage, ap-northeast-2 prices) exceeds the budget of $150.00 (maxMonthlyUsd): lower the fixed costs `mlplat cost` lists, or raise the budget on purpose",
    ]);
    expect(await messagesOf(platform(), { maxMonthlyUsd: 1000 })).toEqual([]);
  });

  it("adds the usage of a pack-config usage profile: the seed's Haiku month ($375) breaks the $300 budget", async () => {
    const usage = {
      bedrock: [
        {
          model: "anthropic.claude-3-haiku-20240307-v1:0",
          requests: 1_000_000,
          inputTokensPerRequest: 500,
          outputTokensPerRequest: 200,
        },
      ],
    };
    expect(await messagesOf(platform(), { usage })).toEqual([
      'Estimated monthly cost $570.91 ($195.91 fixed + $375.00 usage, ap-northeast-2 prices) exceeds the budget of $300.00 (Budget "monthly"): lower the fixed costs `mlplat cost` lists, or raise the budget on purpose',
    ]);
  });

  it("does not call an estimate with unpriced resources within budget, unless told to ignore them", async () => {
    const resources = [...platform(), declared("aws:neptune/cluster:Cluster", "db", { engine: "neptune" })];
    expect(await messagesOf(resources)).toEqual([
      'Estimated monthly cost $195.91 ($195.91 fixed + $0.00 usage, ap-northeast-2 prices) is within the budget of $300.00 (Budget "monthly"), but 1 resource is not priced (db (aws:neptune/cluster:Cluster)), so the stack cannot be shown to stay within it: add their prices to components/catalog/pricing/ap-northeast-2.json',
    ]);
    expect(await messagesOf(resources, { unpriced: "ignore" })).toEqual([]);
  });

  it("is not applicable without a monthly USD cost budget or maxMonthlyUsd", async () => {
    const withoutBudget = platform().filter((r) => r.type !== BUDGET);
    const evaluation = await evaluate(withoutBudget);
    expect(evaluation.violations).toEqual([]);
    expect(evaluation.notApplicable[POLICY]).toBe(1);
    // Budgets that do not cover the whole stack's monthly USD cost are not its budget.
    for (const patch of [
      { timeUnit: "QUARTERLY" },
      { budgetType: "USAGE" },
      { costFilters: [{ name: "Service", values: ["Amazon Elastic Compute Cloud - Compute"] }] },
    ]) {
      const other = await evaluate(changed(platform(), "monthly", { ...patch, limitAmount: "1" }));
      expect({ patch, violations: other.violations.length, na: other.notApplicable[POLICY] }).toEqual({
        patch,
        violations: 0,
        na: 1,
      });
    }
  });

  it("takes the region from the pack config when the resources name none, and names a conflict", async () => {
    const noRegion = platform().filter((r) => !["private-a", "sagemaker-api"].includes(r.name));
    expect(await messagesOf(noRegion)).toEqual([
      "The stack's cost cannot be estimated: no resource names its region; set region in this policy's pack config",
    ]);
    expect(await messagesOf(noRegion, { region: "us-east-1" })).toEqual([]);
    expect(await messagesOf(platform(), { region: "us-east-1" })).toEqual([
      "The pack config sets region us-east-1, but the stack's resources are in ap-northeast-2: set region to the stack's",
    ]);
    expect(await messagesOf(noRegion, { region: "eu-west-3" })).toEqual([
      expect.stringMatching(
        /^The stack's cost cannot be estimated: no prices for region "eu-west-3": the catalog has ap-northeast-2, us-east-1\./,
      ),
    ]);
  });

  it("reports that it cannot run during preview when a budget's limit is unknown", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the engine's unknown-string sentinel
    const evaluation = await evaluate(changed(platform(), "monthly", { limitAmount: unknown }));
    expect(evaluation.violations.map((v) => [v.level, v.message.split(":")[0]])).toEqual([
      ["advisory", `can't run policy '${POLICY}' from policy pack 'test-pack@v0.0.0' during preview`],
    ]);
  });

  it("rejects a pack-config usage profile with a clear error", async () => {
    await expect(evaluate(platform(), { usage: { lambda: [{ requests: -1 }] } })).rejects.toThrow(
      /cost-estimate-within-budget: usage \(pack config\): 2 problems\n {2}- lambda\[0\]\.requests: got -1, expected a number of requests >= 0\n {2}- lambda\[0\]\.averageDurationMs: got nothing, expected a number of milliseconds \(>= 0\)/,
    );
  });
});
