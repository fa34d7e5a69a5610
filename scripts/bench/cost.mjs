#!/usr/bin/env node
// Wall time of `mlplat cost --stack <stack> --format json`, as a user runs it: a fresh process each time; and of
// one `--compare git:<ref>` run (the commit's tree exported with git archive and run a second time).
// Usage: node scripts/bench/cost.mjs [--stack prod] [--runs 10] [--target-ms 4000] [--ref HEAD] [--usage <file>]
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const { values } = parseArgs({
  options: {
    stack: { type: "string", default: "prod" },
    runs: { type: "string", default: "10" },
    "target-ms": { type: "string", default: "4000" },
    ref: { type: "string", default: "HEAD" },
    usage: { type: "string", default: path.join("scripts", "cost", "usage", "prod.yaml") },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = path.join(root, "scripts", "bin", "mlplat.cjs");
const args = [bin, "cost", "--stack", values.stack, "--usage", values.usage, "--format", "json"];

const timed = (argv) => {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, argv, { cwd: root, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`mlplat ${argv.slice(1).join(" ")} exited ${result.status}: ${result.stderr}`);
  return { ms, doc: JSON.parse(result.stdout) };
};

const first = timed(args); // builds the CLI if stale and fills Node's compile cache; reported, not counted
const times = Array.from({ length: Number(values.runs) }, () => timed(args).ms).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const compare = timed([...args, "--compare", `git:${values.ref}`]);
const report = {
  command: `mlplat cost --stack ${values.stack} --usage ${values.usage} --format json`,
  node: process.version,
  resources: first.doc.resources,
  monthlyUsd: first.doc.estimate.totals,
  unpriced: first.doc.estimate.unpriced.length,
  firstRunMs: Math.round(first.ms),
  runs: times.length,
  minMs: Math.round(times[0]),
  medianMs: Math.round(median),
  maxMs: Math.round(times[times.length - 1]),
  compareWithGitRefMs: Math.round(compare.ms),
  compareDeltaUsd: compare.doc.delta.totalUsd,
  targetMs: Number(values["target-ms"]),
  withinTarget: times[times.length - 1] <= Number(values["target-ms"]),
};
console.log(JSON.stringify(report, null, 2));
process.exitCode = report.withinTarget ? 0 : 1;
