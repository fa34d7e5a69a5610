/**
 * The pack's real entry under the real CrossGuard policy server: `policies/index.ts` is started as the Pulumi
 * CLI starts it (a process in the pack's folder that prints its gRPC port), and this test speaks the
 * analyzer protocol to it as the CLI does. It proves the entry constructs a valid pack, and that the offline
 * engine of `mlplat check` reports what the policy server reports for the same resources and config.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { POLICY_PACK_DIR, readPackConfig, templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type ResolvedPolicy,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, compliantLake, declared, runOf, T, without } from "./helpers";

const LEVEL_OF: Record<number, string> = {
  [analyzer.EnforcementLevel.ADVISORY]: "advisory",
  [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzer.EnforcementLevel.DISABLED]: "disabled",
  [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL: Record<string, analyzer.EnforcementLevel> = {
  advisory: analyzer.EnforcementLevel.ADVISORY,
  mandatory: analyzer.EnforcementLevel.MANDATORY,
  disabled: analyzer.EnforcementLevel.DISABLED,
  remediate: analyzer.EnforcementLevel.REMEDIATE,
};

let server: ChildProcess | undefined;
let client: AnalyzerClient;

/** One unary call: `call<Res>((done) => client.method(request, done))`. */
const call = <Res>(invoke: (done: (err: grpc.ServiceError | null, res: Res) => void) => unknown) =>
  new Promise<Res>((resolve, reject) => {
    invoke((err, res) => {
      if (err) reject(err);
      else resolve(res);
    });
  });

beforeAll(async () => {
  const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), "index.ts"], {
    cwd: POLICY_PACK_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = child;
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const line = /^(\d+)\s*$/m.exec(out);
      if (line?.[1]) resolve(Number(line[1]));
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => {
      reject(new Error(`policy pack exited ${String(code)} before serving: ${err}`));
    });
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client.close();
  server?.kill();
});

/** Sends the resolved pack config, as the Pulumi CLI does after applying its defaults. */
async function configure(policies: readonly ResolvedPolicy[]): Promise<void> {
  const req = new analyzer.ConfigureAnalyzerRequest();
  for (const p of policies) {
    const config = new analyzer.PolicyConfig();
    config.setEnforcementlevel(LEVEL[p.level] ?? analyzer.EnforcementLevel.ADVISORY);
    config.setProperties(Struct.fromJavaScript(p.config as Parameters<typeof Struct.fromJavaScript>[0]));
    req.getPolicyconfigMap().set(p.policy.name, config);
  }
  await call<Empty>((done) => client.configure(req, done));
}

function options(r: DeclaredResource): analyzer.AnalyzerResourceOptions {
  const opts = new analyzer.AnalyzerResourceOptions();
  opts.setProtect(r.protect === true);
  return opts;
}

/** Every diagnostic the server reports: each resource analysed, then the stack. */
async function serverViolations(resources: readonly DeclaredResource[]) {
  const diagnostics: analyzer.AnalyzeDiagnostic[] = [];
  for (const r of resources) {
    const req = new analyzer.AnalyzeRequest();
    req.setType(r.type).setName(r.name).setUrn(r.urn).setOptions(options(r));
    req.setProperties(Struct.fromJavaScript(r.inputs as Parameters<typeof Struct.fromJavaScript>[0]));
    const res = await call<analyzer.AnalyzeResponse>((done) => client.analyze(req, done));
    diagnostics.push(...res.getDiagnosticsList().map((d) => (d.getUrn() ? d : d.setUrn(r.urn))));
  }
  const stack = new analyzer.AnalyzeStackRequest();
  stack.setResourcesList(
    resources.map((r) => {
      const resource = new analyzer.AnalyzerResource();
      resource
        .setType(r.type)
        .setName(r.name)
        .setUrn(r.urn)
        .setOptions(options(r))
        .setDependenciesList(r.dependencies);
      resource.setProperties(Struct.fromJavaScript(r.inputs as Parameters<typeof Struct.fromJavaScript>[0]));
      for (const [key, urns] of Object.entries(r.propertyDependencies)) {
        resource
          .getPropertydependenciesMap()
          .set(key, new analyzer.AnalyzerPropertyDependencies().setUrnsList(urns));
      }
      return resource;
    }),
  );
  const res = await call<analyzer.AnalyzeResponse>((done) => client.analyzeStack(stack, done));
  diagnostics.push(...res.getDiagnosticsList());
  return diagnostics
    .map((d) => ({
      policy: d.getPolicyname(),
      level: LEVEL_OF[d.getEnforcementlevel()],
      urn: d.getUrn(),
      // The server prefixes the policy's description to the message.
      message: d.getMessage().slice(d.getDescription().length + 1),
    }))
    .sort((a, b) => `${a.policy} ${a.urn} ${a.message}`.localeCompare(`${b.policy} ${b.urn} ${b.message}`));
}

describe("the pack under the real CrossGuard policy server", () => {
  it("serves every policy with its metadata and own level", async () => {
    const info = await call<analyzer.AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
    const pack = templatePolicyPack();
    expect(info.getName()).toBe("mlplat-guardrails");
    expect(info.getVersion()).toBe("0.1.0");
    expect(info.getPoliciesList().map((p) => [p.getName(), LEVEL_OF[p.getEnforcementlevel()]])).toEqual(
      pack.policies.map((p) => [p.name, p.enforcementLevel]),
    );
    expect(
      info
        .getPoliciesList()
        .every((p) => p.getRemediationSteps().length > 0 && p.getDescription().endsWith(".")),
    ).toBe(true);
  });

  it("reports the same violations as the offline engine, with production's pack config", async () => {
    const pack = templatePolicyPack();
    const policies = resolvePolicies(
      pack,
      readPackConfig(path.join(POLICY_PACK_DIR, "config", "prod.json")),
      "prod",
    );
    await configure(policies);
    const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
    let resources = without(without(compliantLake(), "lake-data-policy"), "lake-data-versioning");
    resources = changed(resources, "lake-logs-encryption", {
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
    });
    resources = changed(resources, "lake-key", { enableKeyRotation: false, tags: {} }, { protect: false });
    resources.push(
      declared(T.rolePolicy, "rp", {
        role: "r",
        policy: doc({ Effect: "Allow", Action: ["s3:*", "iam:PassRole"], Resource: "*" }),
      }),
      declared(T.iamPolicy, "admin", {
        policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }),
        tags: {},
      }),
    );
    // A stack policy's violation names no resource. The server reports it without a URN; the offline engine
    // attributes it to the root stack, so that reports (SARIF) can locate it.
    const offline = (await evaluatePolicies(runOf(resources), pack, policies)).violations
      .map(({ policy, level, urn, message }) => ({
        policy,
        level,
        urn: urn.includes("::pulumi:pulumi:Stack::") ? "" : urn,
        message,
      }))
      .sort((a, b) => `${a.policy} ${a.urn} ${a.message}`.localeCompare(`${b.policy} ${b.urn} ${b.message}`));
    expect(offline.map((v) => v.policy)).toEqual([
      "cost-budget-exists",
      "iam-no-credentials-exposure",
      "iam-no-data-exfiltration",
      "iam-no-data-exfiltration",
      "iam-no-privilege-escalation",
      "iam-no-restrictable-action-on-all-resources",
      "iam-no-restrictable-action-on-all-resources",
      "iam-no-service-wildcard-on-all-resources",
      "iam-no-wildcard-action",
      "iam-no-write-on-all-resources",
      "kms-key-rotation",
      "required-tags",
      "required-tags",
      "s3-bucket-kms-encryption",
      "s3-bucket-tls-only",
      "s3-bucket-versioning",
      "stateful-resources-protected",
    ]);
    expect(await serverViolations(resources)).toEqual(offline);
  });
});
