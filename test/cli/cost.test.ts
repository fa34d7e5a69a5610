import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import type { StackEstimate } from "../../components/catalog/cost";
import { REPO_ROOT } from "../harness";

const BIN = path.join(REPO_ROOT, "scripts", "bin", "mlplat.cjs");
const USAGE = path.join("scripts", "cost", "usage");

/** Runs the CLI as users do, in a process of its own. */
function mlplat(args: string[], cwd = REPO_ROOT) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface CostJson {
  stack: string;
  resources: number;
  estimate: StackEstimate;
}

describe("mlplat cost on the project's stacks", () => {
  const runs: Record<string, ReturnType<typeof mlplat>> = {};
  beforeAll(() => {
    runs.devJson = mlplat(["cost", "--stack", "dev", "--format", "json"]);
    runs.prodText = mlplat(["cost", "--stack", "prod"]);
  });

  it("prints dev's complete estimate as JSON on stdout: every resource priced or free, at most $15 idle", () => {
    expect(runs.devJson?.code).toBe(0);
    const doc = JSON.parse(runs.devJson?.stdout ?? "") as CostJson;
    expect(doc.stack).toBe("dev");
    expect(doc.estimate.region).toBe("ap-northeast-2");
    expect(doc.estimate.unpriced).toEqual([]);
    expect(doc.estimate.totals.usageUsd).toBe("0");
    expect(Number(doc.estimate.totals.fixedUsd)).toBeGreaterThan(0);
    expect(doc.estimate.resources.every((r) => ["priced", "free"].includes(r.status))).toBe(true);
    // Dev's defaults keep it at or below $15 a month while idle (issue 9): no EKS control plane, no GPU
    // nodes, serverless endpoints and warehouse; what remains is KMS keys and a managed secret.
    expect(Number(doc.estimate.totals.fixedUsd)).toBeLessThanOrEqual(15);
    expect(doc.estimate.resources.find((r) => r.type === "eks:index:Cluster")).toBeUndefined();
    expect(doc.estimate.components.map((c) => c.name)).toContain("mlplat-dev-warehouse");
  });

  it("prints prod's estimate by component and resource, with nothing unpriced (text)", () => {
    const out = runs.prodText?.stdout ?? "";
    expect(runs.prodText?.code).toBe(0);
    expect(out).toMatch(
      /^Stack mlplat\/prod: \d+ resources, priced with components\/catalog\/pricing\/ap-northeast-2\.json$/m,
    );
    expect(out).toMatch(
      /^Estimated cost: \$[\d,]+\.\d\d a month \(\$[\d,]+\.\d\d fixed \+ \$0\.00 usage, no usage profile\), ap-northeast-2 list prices$/m,
    );
    expect(out).toContain("  mlplat-prod-ml (mlplat:eks:MlCluster)");
    expect(out).toContain("fixed  EKS control plane: 730 cluster-hours at $0.10 per cluster-hour = $73.00");
    expect(out).toContain("Unpriced: none. Every resource is priced or listed as free.");
  });

  it("adds usage from a profile: the seed's Haiku month is $375.00 on top of the fixed costs", () => {
    const { code, stdout } = mlplat([
      "cost",
      "--stack",
      "dev",
      "--usage",
      path.join(USAGE, "seed-7.2-haiku.yaml"),
      "--format",
      "json",
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as CostJson;
    expect(doc.estimate.totals.usageUsd).toBe("375");
    expect(doc.estimate.usageProfile).toBe(path.join(USAGE, "seed-7.2-haiku.yaml"));
  });

  it("renders a PR comment (markdown) with the components' table", () => {
    const { code, stdout } = mlplat([
      "cost",
      "--stack",
      "dev",
      "--usage",
      path.join(USAGE, "dev.yaml"),
      "--format",
      "markdown",
    ]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("<!-- mlplat-cost:dev -->");
    expect(lines[1]).toMatch(/^### 💰 mlplat cost: stack `dev` — \$[\d,]+\.\d\d a month$/);
    expect(stdout).toContain("| component | fixed | usage | total |");
    expect(stdout).toContain("| `SageMaker training jobs` (usage profile) | $0.00 | $12.57 | $12.57 |");
  });
});

describe("mlplat cost --compare", () => {
  it("compares dev with prod per component, for a PR comment (markdown)", () => {
    const { code, stdout } = mlplat(["cost", "--stack", "prod", "--compare", "dev", "--format", "markdown"]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("<!-- mlplat-cost-compare:prod -->");
    expect(lines[1]).toMatch(/^### 💰 mlplat cost: [+-]?\$[\d,]+\.\d\d a month \(stack prod vs stack dev\)$/);
    expect(stdout).toContain("| component | before | after | change |");
    expect(stdout).toMatch(
      /^\| `mlplat-<stack>-network` \(mlplat:network:Network\) \| \$0\.00 \| \$56\.94 \| \+\$56\.94 \|$/m,
    );
  });

  it("compares the working tree with a git commit (git archive into a temporary folder)", () => {
    const started = Date.now();
    const { code, stdout, stderr } = mlplat([
      "cost",
      "--stack",
      "dev",
      "--compare",
      "git:HEAD",
      "--format",
      "json",
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const doc = JSON.parse(stdout) as {
      base: string;
      head: string;
      components: unknown[];
      baseTotals: { fixedUsd: string };
    };
    expect(doc.base).toBe("dev at HEAD");
    expect(doc.head).toBe("dev (working tree)");
    expect(Number(doc.baseTotals.fixedUsd)).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("refuses a name that is neither a stack nor a commit (exit 2)", () => {
    const { code, stderr } = mlplat(["cost", "--stack", "dev", "--compare", "no-such-stack-or-ref"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^mlplat: --compare: got "no-such-stack-or-ref", which is neither a stack of .* nor a git commit; write stack:<name> or git:<ref> to say which$/m,
    );
  });
});

describe("mlplat cost errors (exit 2)", () => {
  it("names every problem of a usage profile", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-cost-"));
    const file = path.join(dir, "usage.yaml");
    fs.writeFileSync(
      file,
      "lambda:\n  - { resource: '*', requests: -5, averageDurationMs: 100 }\nathena: true\n",
    );
    const { code, stdout, stderr } = mlplat(["cost", "--stack", "dev", "--usage", file]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.split("\n")).toEqual([
      `mlplat: usage profile ${file}: 2 problems`,
      "  - lambda[0].requests: got -5, expected a number of requests >= 0",
      "  - athena: got true, expected a list of entries",
      "",
    ]);
  });

  it("says a usage file is missing", () => {
    const { code, stderr } = mlplat(["cost", "--stack", "dev", "--usage", "nope.yaml"]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "mlplat: --usage: nope.yaml: no such file; expected a usage profile (YAML or JSON)\n",
    );
  });

  it("refuses a region without prices, naming it and how to add it, before running the program", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-cost-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const dev = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(
      path.join(dir, "Pulumi.dev.yaml"),
      dev.replace("aws:region: ap-northeast-2", "aws:region: eu-west-3"),
    );
    const { code, stderr } = mlplat(["cost", "--stack", "dev"], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^mlplat: no prices for region "eu-west-3": the catalog has ap-northeast-2, us-east-1\. To add it, copy .*ap-northeast-2\.json to .*eu-west-3\.json/,
    );
  });
});

describe("mlplat check states the estimate", () => {
  it("prints the fixed monthly estimate under the header (text) and in the summary (json)", () => {
    const text = mlplat(["check", "--stack", "prod"]);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[1]).toMatch(
      /^Estimated monthly cost: \$[\d,]+\.\d\d a month \(\$[\d,]+\.\d\d fixed \+ \$0\.00 usage, no usage profile\), ap-northeast-2 list prices$/,
    );
    const json = JSON.parse(mlplat(["check", "--stack", "prod", "--format", "json"]).stdout) as {
      summary: { cost: { region: string; fixedUsd: string; totalUsd: string; unpriced: number } };
    };
    expect(json.summary.cost).toMatchObject({ region: "ap-northeast-2", unpriced: 0 });
    expect(json.summary.cost.totalUsd).toBe(json.summary.cost.fixedUsd);
  });
});
