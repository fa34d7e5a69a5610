import { GetCostAndUsageCommand, type GetCostAndUsageCommandOutput } from "@aws-sdk/client-cost-explorer";
import { describe, expect, it } from "vitest";

import {
  monthPeriod,
  monthProblem,
  spendByService,
  spendRequest,
  type CostExplorerSender,
  type SpendReport,
} from "../../components/cost/explorer";
import { renderSpend, spendQuery } from "../../scripts/cli/commands/spend";
import { REPO_ROOT } from "../harness";

const NOW = new Date("2024-03-15T12:00:00Z");

/** A Cost Explorer that answers from a list of pages and records every request. */
function fakeCostExplorer(pages: GetCostAndUsageCommandOutput[]) {
  const requests: unknown[] = [];
  const client: CostExplorerSender = {
    send: ((command: GetCostAndUsageCommand) => {
      requests.push(command.input);
      const page = pages[requests.length - 1];
      if (page === undefined) throw new Error("no more pages");
      return Promise.resolve(page);
    }) as CostExplorerSender["send"],
  };
  return { client, requests };
}

function page(groups: [string, string][], next?: string, estimated = false): GetCostAndUsageCommandOutput {
  return {
    $metadata: {},
    ResultsByTime: [
      {
        TimePeriod: { Start: "2024-01-01", End: "2024-02-01" },
        Total: {},
        Groups: groups.map(([service, amount]) => ({
          Keys: [service],
          Metrics: { UnblendedCost: { Amount: amount, Unit: "USD" } },
        })),
        Estimated: estimated,
      },
    ],
    ...(next !== undefined ? { NextPageToken: next } : {}),
  };
}

describe("the Cost Explorer request", () => {
  it("is the seed's §6.2 query: one calendar month, monthly, unblended, by service, for the Project tag", () => {
    expect(spendRequest({ project: "ml-project", month: "2024-01" })).toEqual({
      TimePeriod: { Start: "2024-01-01", End: "2024-02-01" },
      Granularity: "MONTHLY",
      Metrics: ["UnblendedCost"],
      GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }],
      Filter: { Tags: { Key: "Project", Values: ["ml-project"] } },
    });
  });

  it("ANDs the Environment tag when asked, and carries the page token", () => {
    expect(spendRequest({ project: "mlplat", environment: "dev", month: "2024-12" }, "tok")).toMatchObject({
      TimePeriod: { Start: "2024-12-01", End: "2025-01-01" },
      Filter: {
        And: [
          { Tags: { Key: "Project", Values: ["mlplat"] } },
          { Tags: { Key: "Environment", Values: ["dev"] } },
        ],
      },
      NextPageToken: "tok",
    });
  });

  it("takes calendar months only, up to the current one", () => {
    expect(monthPeriod("2024-02")).toEqual({ Start: "2024-02-01", End: "2024-03-01" });
    expect(monthProblem("2024-03", NOW)).toBeUndefined();
    expect(monthProblem("2024-04", NOW)).toBe("a month no later than the current one (2024-03)");
    for (const bad of ["2024-13", "2024-1", "24-01", "2024-01-01", "January"]) {
      expect(monthProblem(bad, NOW)).toBe("a calendar month as YYYY-MM, e.g. 2024-01");
    }
  });
});

describe("spendByService", () => {
  it("follows NextPageToken, sums a service found on several pages and sorts services by cost", async () => {
    const { client, requests } = fakeCostExplorer([
      page(
        [
          ["Amazon SageMaker", "10.5"],
          ["Amazon Simple Storage Service", "0.1"],
        ],
        "page-2",
      ),
      page([
        ["Amazon Simple Storage Service", "0.2"],
        ["AWS Lambda", "3"],
        ["Amazon Athena", "3"],
      ]),
    ]);
    const report = await spendByService(client, { project: "mlplat", month: "2024-01" });
    expect(requests.map((r) => (r as { NextPageToken?: string }).NextPageToken)).toEqual([
      undefined,
      "page-2",
    ]);
    expect(report).toEqual({
      project: "mlplat",
      month: "2024-01",
      timePeriod: { start: "2024-01-01", end: "2024-02-01" },
      metric: "UnblendedCost",
      unit: "USD",
      estimated: false,
      total: 16.8,
      services: [
        { service: "Amazon SageMaker", amount: 10.5 },
        { service: "AWS Lambda", amount: 3 },
        { service: "Amazon Athena", amount: 3 },
        { service: "Amazon Simple Storage Service", amount: 0.3 },
      ],
    });
  });

  it("says when the month is still estimated, and refuses mixed units", async () => {
    const estimated = fakeCostExplorer([page([["AWS Lambda", "1"]], undefined, true)]);
    expect((await spendByService(estimated.client, { project: "p", month: "2024-01" })).estimated).toBe(true);
    const mixed = page([["AWS Lambda", "1"]]);
    mixed.ResultsByTime?.[0]?.Groups?.push({
      Keys: ["Amazon S3"],
      Metrics: { UnblendedCost: { Amount: "1", Unit: "EUR" } },
    });
    await expect(
      spendByService(fakeCostExplorer([mixed]).client, { project: "p", month: "2024-01" }),
    ).rejects.toThrow("Cost Explorer returned amounts in USD and EUR; expected one unit");
  });
});

describe("mlplat spend flags", () => {
  it("rejects a bad --month as a usage error (exit 2) naming the flag, the value and the format", async () => {
    await expect(
      spendQuery({ project: "mlplat", month: "2024-13", format: "text" }, NOW),
    ).rejects.toMatchObject({
      name: "UsageError",
      message: '--month: got "2024-13", expected a calendar month as YYYY-MM, e.g. 2024-01',
    });
    await expect(
      spendQuery({ project: "mlplat", month: "2024-04", format: "text" }, NOW),
    ).rejects.toMatchObject({
      name: "UsageError",
      message: '--month: got "2024-04", expected a month no later than the current one (2024-03)',
    });
  });

  it("needs a stack or a project", async () => {
    await expect(spendQuery({ month: "2024-01", format: "text" }, NOW)).rejects.toMatchObject({
      name: "UsageError",
      message: "spend: pass --stack <name> (its Project tag is used) or --project <the Project tag's value>",
    });
  });

  it("takes the Project tag from the stack's config, and --project over it", async () => {
    expect(
      await spendQuery({ stack: "prod", month: "2024-01", format: "text", cwd: REPO_ROOT }, NOW),
    ).toEqual({
      project: "mlplat",
      month: "2024-01",
    });
    expect(
      await spendQuery(
        { stack: "prod", project: "other", environment: "prod", month: "2024-01", format: "text" },
        NOW,
      ),
    ).toEqual({ project: "other", environment: "prod", month: "2024-01" });
  });
});

describe("renderSpend", () => {
  const report: SpendReport = {
    project: "mlplat",
    month: "2024-01",
    timePeriod: { start: "2024-01-01", end: "2024-02-01" },
    metric: "UnblendedCost",
    unit: "USD",
    estimated: false,
    total: 1212.3456789001,
    services: [
      { service: "Amazon SageMaker", amount: 812.3456789 },
      { service: "Amazon Bedrock", amount: 375 },
      { service: "Amazon Simple Storage Service", amount: 24 },
      { service: "AWS Key Management Service", amount: 1.0000000001 },
    ],
  };

  it("prints aligned rows to the cent and the total", () => {
    expect(renderSpend(report, "text")).toBe(
      [
        "Spend of Project=mlplat in 2024-01 (2024-01-01 to 2024-02-01, UnblendedCost, USD)",
        "  Amazon SageMaker                 812.35",
        "  Amazon Bedrock                   375.00",
        "  Amazon Simple Storage Service     24.00",
        "  AWS Key Management Service         1.00",
        `  ${"-".repeat(39)}`,
        "  Total                          1,212.35",
      ].join("\n"),
    );
  });

  it("prints a markdown table for pull requests, and the report itself as JSON", () => {
    expect(renderSpend({ ...report, estimated: true }, "markdown")).toBe(
      [
        "### Spend of Project=mlplat in 2024-01",
        "",
        "UnblendedCost from 2024-01-01 to 2024-02-01 (exclusive), by service.",
        "",
        "| Service | Cost (USD) |",
        "| --- | ---: |",
        "| Amazon SageMaker | 812.35 |",
        "| Amazon Bedrock | 375.00 |",
        "| Amazon Simple Storage Service | 24.00 |",
        "| AWS Key Management Service | 1.00 |",
        "| **Total** | **1,212.35** |",
        "",
        "_Estimated: Cost Explorer has not closed this month yet._",
      ].join("\n"),
    );
    expect(JSON.parse(renderSpend(report, "json"))).toEqual(report);
  });

  it("explains an empty month instead of printing an empty table", () => {
    expect(renderSpend({ ...report, services: [], total: 0 }, "text")).toBe(
      [
        "Spend of Project=mlplat in 2024-01 (2024-01-01 to 2024-02-01, UnblendedCost, USD)",
        "  Total  0.00",
        "No costs recorded for Project=mlplat in 2024-01. Costs are attributed to a tag only from its activation as a cost allocation tag on, and only for resources that carry it.",
      ].join("\n"),
    );
  });
});
