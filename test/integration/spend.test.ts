/**
 * `mlplat spend` against the emulator's Cost Explorer: moto answers GetCostAndUsage from a queue of canned
 * results (POST /moto-api/static/ce/cost-and-usage-results), one per distinct request body, and answers the
 * same body with the same result afterwards. That makes the request observable: a request built by hand with
 * the seed's filter gets the command's result back only if the command sent exactly that request.
 */
import { GetCostAndUsageCommand } from "@aws-sdk/client-cost-explorer";
import { Command } from "commander";
import { beforeAll, describe, expect, it, vi } from "vitest";

import { costExplorerClient } from "../../components/cost/explorer";
import { EMULATOR_CREDENTIALS, emulatorEnvironment, postJson } from "../../scripts/cli/emulator";
import { registerSpendCommand } from "../../scripts/cli/commands/spend";
import { REPO_ROOT } from "../harness";
import { emulator, resetBetweenSuites } from "./support";

const NOT_MOTO = emulator().kind !== "moto";
const WHY =
  "(skipped: queued Cost Explorer results are a moto feature; LocalStack's Cost Explorer is paid-only)";

const PERIOD = { Start: "2024-01-01", End: "2024-02-01" };
const group = (service: string, amount: string) => ({
  Keys: [service],
  Metrics: { UnblendedCost: { Amount: amount, Unit: "USD" } },
});
/** Two pages, as Cost Explorer splits a long list of groups: S3 appears on both. */
const PAGES = [
  {
    ResultsByTime: [
      {
        TimePeriod: PERIOD,
        Total: {},
        Groups: [group("Amazon SageMaker", "812.3456789"), group("Amazon Simple Storage Service", "23.4")],
        Estimated: false,
      },
    ],
    NextPageToken: "page-2",
    DimensionValueAttributes: [],
  },
  {
    ResultsByTime: [
      {
        TimePeriod: PERIOD,
        Total: {},
        Groups: [
          group("Amazon Bedrock", "375"),
          group("AWS Key Management Service", "1.0000000001"),
          group("Amazon Simple Storage Service", "0.6"),
        ],
        Estimated: false,
      },
    ],
    DimensionValueAttributes: [],
  },
];

/** Runs `mlplat spend <args>` in this process, as main.ts registers it, and returns what it printed. */
async function spend(args: string[]): Promise<string> {
  const program = new Command("mlplat").exitOverride();
  registerSpendCommand(program);
  const printed: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(["spend", ...args], { from: "user" });
  } finally {
    write.mockRestore();
  }
  return printed.join("");
}

describe.skipIf(NOT_MOTO)(`mlplat spend on the emulator's Cost Explorer ${NOT_MOTO ? WHY : ""}`, () => {
  beforeAll(async () => {
    await resetBetweenSuites();
    // The command builds its client from the environment, as it does for people: point it at the emulator.
    Object.assign(process.env, emulatorEnvironment(emulator().endpoint, emulator().region));
    await postJson(`${emulator().endpoint}/moto-api/static/ce/cost-and-usage-results`, { results: PAGES });
  });

  it("prints every service of both pages by cost, S3 summed across them, and the total", async () => {
    expect(await spend(["--stack", "dev", "--month", "2024-01", "--cwd", REPO_ROOT])).toBe(
      [
        "Spend of Project=mlplat in 2024-01 (2024-01-01 to 2024-02-01, UnblendedCost, USD)",
        "  Amazon SageMaker                 812.35",
        "  Amazon Bedrock                   375.00",
        "  Amazon Simple Storage Service     24.00",
        "  AWS Key Management Service         1.00",
        `  ${"-".repeat(39)}`,
        "  Total                          1,212.35",
        "",
      ].join("\n"),
    );
  });

  it("sent the seed's §6.2 request: the month, monthly, unblended, by service, filtered by the Project tag", async () => {
    const client = costExplorerClient({
      endpoint: emulator().endpoint,
      region: emulator().region,
      credentials: EMULATOR_CREDENTIALS,
    });
    const seedRequest = {
      TimePeriod: PERIOD,
      Granularity: "MONTHLY" as const,
      Metrics: ["UnblendedCost"],
      GroupBy: [{ Type: "DIMENSION" as const, Key: "SERVICE" }],
      Filter: { Tags: { Key: "Project", Values: ["mlplat"] } },
    };
    // moto remembers each request body it answered: the same body gets the same page back...
    const first = await client.send(new GetCostAndUsageCommand(seedRequest));
    expect(first.NextPageToken).toBe("page-2");
    expect(first.ResultsByTime?.[0]?.Groups?.map((g) => g.Keys?.[0])).toEqual([
      "Amazon SageMaker",
      "Amazon Simple Storage Service",
    ]);
    const second = await client.send(new GetCostAndUsageCommand({ ...seedRequest, NextPageToken: "page-2" }));
    expect(second.ResultsByTime?.[0]?.Groups).toHaveLength(3);
    // ...and a body the command did not send (another Project) gets nothing: the queue is used up.
    const other = await client.send(
      new GetCostAndUsageCommand({ ...seedRequest, Filter: { Tags: { Key: "Project", Values: ["other"] } } }),
    );
    expect(other.ResultsByTime).toEqual([]);
  });

  it("prints the same month as JSON with the exact amounts and total", async () => {
    const report = JSON.parse(
      await spend(["--project", "mlplat", "--month", "2024-01", "--format", "json"]),
    ) as {
      total: number;
      services: { service: string; amount: number }[];
    };
    expect(report.total).toBe(1212.3456789001);
    expect(report.services).toEqual([
      { service: "Amazon SageMaker", amount: 812.3456789 },
      { service: "Amazon Bedrock", amount: 375 },
      { service: "Amazon Simple Storage Service", amount: 24 },
      { service: "AWS Key Management Service", amount: 1.0000000001 },
    ]);
  });

  it("reports no costs, with the reason to check, for a project the emulator has no results for", async () => {
    const text = await spend(["--project", "other", "--month", "2024-01"]);
    expect(text).toContain("  Total  0.00\nNo costs recorded for Project=other in 2024-01.");
  });
});
