#!/usr/bin/env node
// Speed of the policy check, against the targets:
//  1. wall time of `mlplat check --stack <stack> --format json` as a user runs it (a fresh process each time),
//     target <= 3 s;
//  2. synthetic stacks of 1,000 to 10,000 resources evaluated by the whole pack in-process (the compiled
//     engine), target <= 5 s for 10,000, growing linearly.
// Usage: node scripts/bench/check.mjs [--stack prod] [--runs 10] [--sizes 1000,2500,5000,10000]
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const { values } = parseArgs({
  options: {
    stack: { type: "string", default: "prod" },
    runs: { type: "string", default: "10" },
    sizes: { type: "string", default: "1000,2500,5000,10000" },
    "target-ms": { type: "string", default: "3000" },
    "synthetic-target-ms": { type: "string", default: "5000" },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = path.join(root, "scripts", "bin", "mlplat.cjs");

// 1. The command, in fresh processes. A violation exits 1, which is a result, not a failure here.
const once = () => {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, "check", "--stack", values.stack, "--format", "json"], {
    cwd: root,
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // Exit 1 with a report is a result (a mandatory violation); without one, the command failed.
  if ((result.status !== 0 && result.status !== 1) || !result.stdout.trim()) {
    throw new Error(`mlplat check exited ${result.status}: ${result.stderr}`);
  }
  const rebuilt = result.stderr.includes("compiling the CLI");
  return { ms, rebuilt, resources: JSON.parse(result.stdout).resources.length };
};
/** A run that had to recompile the CLI first (a source changed meanwhile) measures tsc, not the check: rerun it. */
let rebuilds = 0;
const measured = () => {
  for (;;) {
    const run = once();
    if (!run.rebuilt) return run;
    rebuilds += 1;
  }
};
const first = once(); // builds the CLI if stale and fills Node's compile cache; reported, not counted
const times = Array.from({ length: Number(values.runs) }, () => measured().ms).sort((a, b) => a - b);
const command = {
  command: `mlplat check --stack ${values.stack} --format json`,
  resources: first.resources,
  firstRunMs: Math.round(first.ms),
  runs: times.length,
  minMs: Math.round(times[0]),
  medianMs: Math.round(times[Math.floor(times.length / 2)]),
  maxMs: Math.round(times[times.length - 1]),
  targetMs: Number(values["target-ms"]),
  rebuildsRerun: rebuilds,
};
command.withinTarget = command.maxMs <= command.targetMs;

// 2. Synthetic stacks through the compiled engine (built by the first run above).
const require = createRequire(import.meta.url);
const { evaluatePolicies, resolvePolicies } = require(
  path.join(root, "dist", "scripts", "cli", "offline", "policy-engine.js"),
);
const { templatePolicyPack, readPackConfig } = require(
  path.join(root, "dist", "scripts", "cli", "offline", "policy-check.js"),
);
const pack = templatePolicyPack();
const policies = resolvePolicies(
  pack,
  readPackConfig(path.join(root, "policies", "config", "prod.json")),
  "prod",
);

const TAGS = { Project: "bench", Environment: "prod", CostCenter: "ml", Owner: "bench@example.com" };
const urn = (type, name) => `urn:pulumi:bench::bench::${type}::${name}`;
const res = (type, name, inputs, extra = {}) => ({
  type,
  name,
  urn: urn(type, name),
  inputs,
  dependencies: [],
  propertyDependencies: {},
  custom: true,
  ...extra,
});
/** Ten resources: a bucket with its five settings, a key, a role with an inline policy, a role policy, a subnet. */
function unit(i) {
  const bucket = res("aws:s3/bucket:Bucket", `b${i}`, { tags: TAGS }, { protect: true });
  const key = res("aws:kms/key:Key", `k${i}`, { enableKeyRotation: true, tags: TAGS }, { protect: true });
  const on = (type, suffix, inputs, deps = {}) =>
    res(
      type,
      `b${i}-${suffix}`,
      { bucket: `b${i}`, ...inputs },
      {
        dependencies: [bucket.urn],
        propertyDependencies: { bucket: [bucket.urn], ...deps },
      },
    );
  const arn = `arn:aws:s3:::b${i}`;
  const doc = (Statement) => JSON.stringify({ Version: "2012-10-17", Statement });
  return [
    bucket,
    key,
    on(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "enc",
      {
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: "aws:kms",
              kmsMasterKeyId: `arn:aws:kms:::key/k${i}`,
            },
          },
        ],
      },
      { rules: [key.urn] },
    ),
    on("aws:s3/bucketVersioning:BucketVersioning", "ver", { versioningConfiguration: { status: "Enabled" } }),
    on("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
    on("aws:s3/bucketPolicy:BucketPolicy", "pol", {
      policy: doc([
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
    }),
    on("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lc", {
      rules: [
        {
          id: "Raw",
          status: "Enabled",
          transitions: [
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER" },
          ],
        },
      ],
    }),
    res("aws:iam/role:Role", `r${i}`, {
      tags: TAGS,
      inlinePolicies: [
        { name: "read", policy: doc([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: `${arn}/*` }]) },
      ],
    }),
    res("aws:iam/rolePolicy:RolePolicy", `rp${i}`, {
      role: `r${i}`,
      policy: doc([{ Effect: "Allow", Action: ["s3:PutObject"], Resource: `${arn}/models/*` }]),
    }),
    res("aws:ec2/subnet:Subnet", `s${i}`, { cidrBlock: "10.0.0.0/24", vpcId: "vpc", tags: TAGS }),
  ];
}
const synthetic = async (size) => {
  const resources = Array.from({ length: Math.ceil(size / 10) }, (_, i) => unit(i))
    .flat()
    .slice(0, size);
  const run = { project: "bench", stack: "bench", resources, outputs: {} };
  const start = process.hrtime.bigint();
  const evaluation = await evaluatePolicies(run, pack, policies);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return {
    resources: resources.length,
    violations: evaluation.violations.length,
    ms: Math.round(ms),
    usPerResource: Math.round((ms * 1000) / resources.length),
  };
};
await synthetic(1000); // warm-up: JIT, the taggable-type lookups
const sizes = [];
for (const size of values.sizes.split(",").map(Number)) sizes.push(await synthetic(size));
const largest = sizes[sizes.length - 1];
// Linear growth: a least-squares line through (resources, ms); r2 near 1 means time grows linearly.
const n = sizes.length;
const mx = sizes.reduce((a, s) => a + s.resources, 0) / n;
const my = sizes.reduce((a, s) => a + s.ms, 0) / n;
const sxy = sizes.reduce((a, s) => a + (s.resources - mx) * (s.ms - my), 0);
const sxx = sizes.reduce((a, s) => a + (s.resources - mx) ** 2, 0);
const syy = sizes.reduce((a, s) => a + (s.ms - my) ** 2, 0);
const slope = sxy / sxx;
const linearFit = {
  usPerResource: Math.round(slope * 1000),
  interceptMs: Math.round(my - slope * mx),
  r2: Number(((sxy * sxy) / (sxx * syy)).toFixed(3)),
};
const report = {
  node: process.version,
  command,
  synthetic: {
    sizes,
    targetMs: Number(values["synthetic-target-ms"]),
    withinTarget: largest.ms <= Number(values["synthetic-target-ms"]),
    linearFit,
  },
};
console.log(JSON.stringify(report, null, 2));
process.exitCode = report.command.withinTarget && report.synthetic.withinTarget ? 0 : 1;
