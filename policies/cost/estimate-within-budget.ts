import type { PolicyResource } from "@pulumi/policy";

import {
  estimateCost,
  validateUsageProfile,
  type PlannedResource,
  type StackEstimate,
  type UsageProfile,
} from "../../components/catalog/cost";
import {
  compare,
  formatDollars,
  isDecimalText,
  parseDecimal,
  type Decimal,
} from "../../components/catalog/decimal";
import { stackPolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";

const BUDGET = "aws:budgets/budget:Budget";

interface Limit {
  readonly amount: Decimal;
  /** "Budget \"name\"" or "maxMonthlyUsd", for messages. */
  readonly from: string;
  /** The budget resource, when the limit is one. */
  readonly urn?: string;
}

interface Config {
  maxMonthlyUsd?: number;
  region?: string;
  usage?: unknown;
  unpriced: "fail" | "ignore";
}

/**
 * The stack's estimated monthly cost stays within its budget (seed §7.4; issue 9: mandatory in production).
 * The estimate is the pricing catalog's (components/catalog/cost, the same as `mlplat cost`): the stack's fixed
 * costs, plus usage when the pack config gives a usage profile. The budget is the smallest of the stack's
 * monthly USD cost budgets (aws.budgets.Budget, unfiltered or filtered by tags only) and the pack config's
 * maxMonthlyUsd. Resources the catalog cannot price make the estimate a lower bound: unless the pack config
 * says `unpriced: ignore`, a stack whose lower bound is within budget but has unpriced resources fails too.
 */
export const costEstimateWithinBudget = stackPolicy({
  name: "cost-estimate-within-budget",
  description:
    "The stack's estimated monthly cost is within its budget (its AWS Budgets and the pack config's maxMonthlyUsd).",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Lower the fixed costs `mlplat cost --stack <stack>` lists (nodes at desired size, instance endpoints, NAT gateways, " +
    "interface endpoints, notebooks), or raise the limit on purpose: the aws.budgets.Budget's limitAmount or this " +
    "policy's maxMonthlyUsd in the stack's pack config.",
  config: {
    maxMonthlyUsd: {
      type: "number",
      minimum: 0,
      description: "A monthly limit in USD, used with (the smaller of) the stack's own AWS Budgets",
    },
    region: {
      type: "string",
      pattern: "^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$",
      description:
        "The region whose prices apply; by default the region the stack's resources name (subnets' AZs, endpoints)",
    },
    usage: {
      type: "object",
      description:
        "A usage profile (the format of mlplat cost --usage) whose costs are added to the fixed ones",
    },
    unpriced: {
      type: "string",
      enum: ["fail", "ignore"],
      default: "fail",
      description: "Whether resources without a price fail a stack whose priced part is within budget",
    },
  },
  validate: (args, report) => {
    const config = args.getConfig<Config>();
    const limits = budgetLimits(args.resources);
    if (config.maxMonthlyUsd !== undefined) {
      limits.push({ amount: parseDecimal(String(config.maxMonthlyUsd)), from: "maxMonthlyUsd" });
    }
    if (limits.length === 0) {
      args.notApplicable(
        "The stack declares no monthly USD cost budget and the pack config sets no maxMonthlyUsd",
      );
    }
    const limit = limits.reduce((a, b) => (compare(b.amount, a.amount) < 0 ? b : a));

    const region = regionOf(args.resources, config.region);
    if (typeof region !== "string") {
      report(region.problem, limit.urn);
      return;
    }
    const usage: UsageProfile | undefined =
      config.usage === undefined
        ? undefined
        : validateUsageProfile(config.usage, "cost-estimate-within-budget: usage (pack config)");
    let estimate: StackEstimate;
    try {
      estimate = estimateCost(planned(args.resources), {
        region,
        ...(usage ? { usage, usageSource: "the pack config" } : {}),
      });
    } catch (err) {
      if (err instanceof Error && err.name === "PricingNotFoundError") {
        report(`The stack's cost cannot be estimated: ${err.message}`, limit.urn);
        return;
      }
      throw err;
    }

    const total = parseDecimal(estimate.totals.totalUsd);
    const budget = `the budget of ${formatDollars(limit.amount)} (${limit.from})`;
    const what =
      `Estimated monthly cost ${formatDollars(total)} (${formatDollars(parseDecimal(estimate.totals.fixedUsd))} fixed + ` +
      `${formatDollars(parseDecimal(estimate.totals.usageUsd))} usage, ${region} prices)`;
    if (compare(total, limit.amount) > 0) {
      report(
        `${what} exceeds ${budget}: lower the fixed costs \`mlplat cost\` lists, or raise the budget on purpose`,
        limit.urn,
      );
      return;
    }
    if (estimate.unpriced.length > 0 && config.unpriced === "fail") {
      const names = estimate.unpriced.map((u) => `${u.name} (${u.type})`);
      report(
        `${what} is within ${budget}, but ${names.length} resource${names.length === 1 ? " is" : "s are"} not priced ` +
          `(${names.slice(0, 5).join(", ")}${names.length > 5 ? ", ..." : ""}), so the stack cannot be shown to stay ` +
          `within it: add their prices to components/catalog/pricing/${region}.json`,
        limit.urn,
      );
    }
  },
});

/** The stack's monthly USD cost budgets that cover the whole stack (no filters, or tag filters only). */
function budgetLimits(resources: readonly PolicyResource[]): Limit[] {
  const limits: Limit[] = [];
  for (const r of resources) {
    if (r.type !== BUDGET) continue;
    const read = (key: string): unknown => {
      const value = peek((): unknown => r.props[key]);
      // A budget setting unknown until deploy: read it again plainly, so CrossGuard reports the policy as not run.
      return value === UNKNOWN ? (r.props[key] as unknown) : value;
    };
    const amount = read("limitAmount");
    if (read("budgetType") !== "COST" || read("timeUnit") !== "MONTHLY" || read("limitUnit") !== "USD")
      continue;
    if (typeof amount !== "string" || !isDecimalText(amount)) continue;
    const filters = read("costFilters");
    const byTagsOnly = (Array.isArray(filters) ? filters : []).every(
      (f) => (f as { name?: unknown } | null)?.name === "TagKeyValue",
    );
    if (!byTagsOnly) continue;
    limits.push({ amount: parseDecimal(amount), from: `Budget ${JSON.stringify(r.name)}`, urn: r.urn });
  }
  return limits;
}

const AZ = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$/;
const ENDPOINT_SERVICE = /^com\.amazonaws\.([a-z]{2}(?:-gov)?-[a-z]+-\d+)\./;

/**
 * The region whose prices apply: the pack config's, else the one the stack's resources name (explicit AWS
 * providers, subnets' Availability Zones, VPC endpoints' service names). Never a guess: none or several is a
 * problem to report.
 */
function regionOf(
  resources: readonly PolicyResource[],
  configured: string | undefined,
): string | { problem: string } {
  const named = new Set<string>();
  const add = (value: unknown, pattern?: RegExp): void => {
    if (typeof value !== "string") return;
    const found = pattern ? pattern.exec(value)?.[1] : value;
    if (found) named.add(found);
  };
  for (const r of resources) {
    if (r.type === "pulumi:providers:aws") add(peek((): unknown => r.props.region));
    if (r.type === "aws:ec2/subnet:Subnet")
      add(
        peek((): unknown => r.props.availabilityZone),
        AZ,
      );
    if (r.type === "aws:ec2/vpcEndpoint:VpcEndpoint") {
      add(
        peek((): unknown => r.props.serviceName),
        ENDPOINT_SERVICE,
      );
    }
  }
  if (configured !== undefined) {
    const others = [...named].filter((n) => n !== configured);
    if (others.length > 0) {
      return {
        problem: `The pack config sets region ${configured}, but the stack's resources are in ${others.join(", ")}: set region to the stack's`,
      };
    }
    return configured;
  }
  if (named.size === 1) return [...named][0] as string;
  return {
    problem:
      named.size === 0
        ? "The stack's cost cannot be estimated: no resource names its region; set region in this policy's pack config"
        : `The stack's cost cannot be estimated: its resources name several regions (${[...named].join(", ")}); set region in this policy's pack config`,
  };
}

/** The stack's resources as the estimator takes them; their props are read only where a price needs them. */
function planned(resources: readonly PolicyResource[]): PlannedResource[] {
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    inputs: r.props,
    // The root stack is nobody's component: resources directly under it roll up as the stack's own.
    ...(r.parent && r.parent.type !== "pulumi:pulumi:Stack" ? { parent: r.parent.urn } : {}),
    propertyDependencies: Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([key, deps]) => [key, deps.map((d) => d.urn)]),
    ),
  }));
}
