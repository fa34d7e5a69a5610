/**
 * What a project actually spent, from Cost Explorer (seed §6.2): the unblended cost of one calendar month by
 * AWS service, for the resources carrying the project's tag. No Pulumi here: `mlplat spend` and applications
 * import it.
 */
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  type CostExplorerClientConfig,
  type Expression,
  type GetCostAndUsageCommandInput,
} from "@aws-sdk/client-cost-explorer";

/** Whose spend, and when. */
export interface SpendQuery {
  /** The `Project` tag's value, e.g. `mlplat`. */
  readonly project: string;
  /** Also require this `Environment` tag value (stacks of one project that share an account). @default - any */
  readonly environment?: string;
  /** A calendar month, `YYYY-MM`. */
  readonly month: string;
}

/** One service's cost in the month. */
export interface ServiceSpend {
  /** Cost Explorer's service name, e.g. `Amazon SageMaker`. */
  readonly service: string;
  readonly amount: number;
}

export interface SpendReport {
  readonly project: string;
  readonly environment?: string;
  readonly month: string;
  /** Cost Explorer's period: the month's first day, and the next month's first day (exclusive). */
  readonly timePeriod: { readonly start: string; readonly end: string };
  readonly metric: typeof SPEND_METRIC;
  readonly unit: string;
  /** True while Cost Explorer still estimates the month (it is not closed yet). */
  readonly estimated: boolean;
  readonly total: number;
  /** Services by cost, highest first (then by name). */
  readonly services: readonly ServiceSpend[];
}

/** The seed's metric (§6.2): what was billed, before discounts are spread over the period. */
export const SPEND_METRIC = "UnblendedCost";

/** The part of the SDK client the report uses, so that a caller can hand in any configured client. */
export type CostExplorerSender = Pick<CostExplorerClient, "send">;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Pages followed at most: a month by service is one or two pages; more means a runaway token. */
const MAX_PAGES = 100;

/**
 * A Cost Explorer client. Cost Explorer has one endpoint per partition (us-east-1 for `aws`), whatever the
 * region; few retries, as an emulator that lacks a call answers 500 at once.
 */
export function costExplorerClient(config: CostExplorerClientConfig = {}): CostExplorerClient {
  return new CostExplorerClient({ region: "us-east-1", maxAttempts: 2, ...config });
}

/**
 * Why `month` is not a month Cost Explorer can report, phrased to follow "expected"; undefined when it is.
 * A month after the current one (UTC) has no costs yet.
 */
export function monthProblem(month: string, now: Date = new Date()): string | undefined {
  if (!MONTH.test(month)) return "a calendar month as YYYY-MM, e.g. 2024-01";
  const current = now.toISOString().slice(0, 7);
  if (month > current) return `a month no later than the current one (${current})`;
  return undefined;
}

/** The month's period as Cost Explorer takes it: `{ Start: "2024-01-01", End: "2024-02-01" }`. */
export function monthPeriod(month: string): { Start: string; End: string } {
  if (!MONTH.test(month)) {
    throw new Error(
      `month: got ${JSON.stringify(month)}, expected a calendar month as YYYY-MM, e.g. 2024-01`,
    );
  }
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const next = monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, "0")}`;
  return { Start: `${month}-01`, End: `${next}-01` };
}

/** The filter: costs tagged `Project=<project>` (and `Environment=<environment>` when given). */
export function spendFilter(query: Pick<SpendQuery, "project" | "environment">): Expression {
  const project: Expression = { Tags: { Key: "Project", Values: [query.project] } };
  if (query.environment === undefined) return project;
  return { And: [project, { Tags: { Key: "Environment", Values: [query.environment] } }] };
}

/** The GetCostAndUsage request of the seed's §6.2 for a query: monthly, unblended, grouped by service. */
export function spendRequest(query: SpendQuery, nextPageToken?: string): GetCostAndUsageCommandInput {
  return {
    TimePeriod: monthPeriod(query.month),
    Granularity: "MONTHLY",
    Metrics: [SPEND_METRIC],
    GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }],
    Filter: spendFilter(query),
    ...(nextPageToken !== undefined ? { NextPageToken: nextPageToken } : {}),
  };
}

/**
 * The month's cost by service for the query, every page of the answer read (Cost Explorer pages groups with
 * NextPageToken). A service found on several pages is summed.
 */
export async function spendByService(client: CostExplorerSender, query: SpendQuery): Promise<SpendReport> {
  const period = monthPeriod(query.month);
  const byService = new Map<string, number>();
  let unit: string | undefined;
  let estimated = false;
  let token: string | undefined;
  let pages = 0;
  do {
    if (++pages > MAX_PAGES) {
      throw new Error(`Cost Explorer returned more than ${MAX_PAGES} pages for one month by service`);
    }
    const page = await client.send(new GetCostAndUsageCommand(spendRequest(query, token)));
    for (const result of page.ResultsByTime ?? []) {
      estimated ||= result.Estimated === true;
      for (const group of result.Groups ?? []) {
        const metric = group.Metrics?.[SPEND_METRIC];
        const service = group.Keys?.[0];
        if (metric === undefined || service === undefined) continue;
        const amount = Number(metric.Amount ?? "0");
        if (!Number.isFinite(amount)) {
          throw new Error(
            `Cost Explorer returned the amount ${JSON.stringify(metric.Amount)} for ${service}`,
          );
        }
        const groupUnit = metric.Unit ?? "USD";
        if (unit !== undefined && groupUnit !== unit) {
          throw new Error(`Cost Explorer returned amounts in ${unit} and ${groupUnit}; expected one unit`);
        }
        unit = groupUnit;
        byService.set(service, (byService.get(service) ?? 0) + amount);
      }
    }
    token = page.NextPageToken || undefined;
  } while (token !== undefined);

  const services = [...byService]
    .map(([service, amount]) => ({ service, amount: round(amount) }))
    .sort((a, b) => b.amount - a.amount || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  return {
    project: query.project,
    ...(query.environment !== undefined ? { environment: query.environment } : {}),
    month: query.month,
    timePeriod: { start: period.Start, end: period.End },
    metric: SPEND_METRIC,
    unit: unit ?? "USD",
    estimated,
    total: round([...byService.values()].reduce((sum, a) => sum + a, 0)),
    services,
  };
}

/** Cost Explorer's amounts carry up to 10 decimals: keep those, drop the binary noise of summing. */
function round(amount: number): number {
  return Math.round(amount * 1e10) / 1e10;
}
