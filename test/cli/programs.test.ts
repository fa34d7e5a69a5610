/**
 * `mlplat check` and `cost` on programs that are not the template's, run as users run them (the compiled CLI in
 * a process of its own: closure serialisation needs the Node.js host's compilation, which vitest's is not).
 * The programs under test/fixtures/programs each use a construct of real teams' programs.
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";

import type * as Sarif from "sarif";
import { beforeAll, describe, expect, it } from "vitest";

import { REPO_ROOT } from "../harness";

const BIN = path.join(REPO_ROOT, "scripts", "bin", "mlplat.cjs");
const PROGRAMS = path.join(REPO_ROOT, "test", "fixtures", "programs");

/**
 * Runs the CLI from a folder outside the repository, as a team runs it on its own program. The host's type check
 * is skipped as the host skips it (the repository's tsc checks these fixtures): program-typecheck.test.ts tests it.
 */
function mlplat(args: string[]) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: os.tmpdir(),
    encoding: "utf8",
    timeout: 90_000,
    env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    ms: performance.now() - started,
  };
}

interface CheckJson {
  complete: boolean;
  failures: {
    kind: string;
    resource?: { type: string; name: string };
    message: string;
    location?: { file: string; line: number };
  }[];
  resources: { type: string; name: string; remote?: boolean; inputs: Record<string, unknown> }[];
  violations: { policy: string; level: string; name: string; message: string }[];
  summary: { passed: boolean; complete: boolean; lookups: { token: string; count: number }[] };
}

describe("mlplat check --program on a program of every construct", () => {
  let run: ReturnType<typeof mlplat>;
  let doc: CheckJson;
  beforeAll(() => {
    run = mlplat([
      "check",
      "--stack",
      "dev",
      "--program",
      path.join(PROGRAMS, "constructs"),
      "--format",
      "json",
    ]);
    doc = JSON.parse(run.stdout) as CheckJson;
  });
  const resource = (name: string) => doc.resources.find((r) => r.name === name);

  it("sees every resource it declares, completely, and fails on its mandatory violations (exit 1)", () => {
    expect(run.code).toBe(1);
    expect(doc.complete).toBe(true);
    expect(doc.summary.passed).toBe(false);
    expect(doc.resources.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
      "aws:ec2/instance:Instance::bastion",
      "aws:iam/role:Role::worker",
      "aws:iam/rolePolicy:RolePolicy::worker-s3",
      "aws:lambda/function:Function::hello",
      "aws:sqs/queue:Queue::jobs",
      "awsx:ec2:Vpc::net",
      "eks:index:Cluster::ml",
      "eks:index:ManagedNodeGroup::gpu",
    ]);
  });

  it("reads relative files from the program's folder, and its config in its own namespace", () => {
    expect(resource("jobs")?.inputs).toMatchObject({
      name: "constructs-jobs",
      messageRetentionSeconds: 86400,
      tags: { Owner: "ml-platform@example.com" },
    });
  });

  it("serialises a CallbackFunction's closure as Pulumi's Node.js host does", () => {
    expect(resource("hello")?.inputs).toMatchObject({ handler: "__index.handler", runtime: "nodejs22.x" });
  });

  it("records remote components with their inputs, and their outputs as unknown as a preview shows them", () => {
    expect(resource("net")).toMatchObject({ remote: true, inputs: { natGateways: { strategy: "Single" } } });
    expect(resource("ml")?.inputs.vpcId).toBe("[unknown]");
    expect(resource("gpu")?.inputs.cluster).toBe("urn:pulumi:dev::constructs::eks:index:Cluster::ml");
  });

  it("judges a GPU node group declared through @pulumi/eks like an aws.eks.NodeGroup", () => {
    const gpu = doc.violations.filter((v) => v.name === "gpu").map((v) => `${v.level} ${v.policy}`);
    expect(gpu).toEqual(
      expect.arrayContaining([
        "mandatory eks-gpu-node-group-tainted",
        "mandatory eks-gpu-node-group-scale-to-zero",
        "mandatory eks-node-group-instance-allowlist",
        "advisory eks-gpu-node-group-spot",
      ]),
    );
  });

  it("computes getPolicyDocument offline, so the policy it renders is judged", () => {
    expect(JSON.parse(resource("worker-s3")?.inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
    });
    expect(doc.violations.map((v) => `${v.policy} ${v.name}`)).toContain(
      "iam-no-service-wildcard-on-all-resources worker-s3",
    );
  });

  it("answers the getAmi lookup with a placeholder the policies read as unknown, and lists it", () => {
    expect(resource("bastion")?.inputs.ami).toBe("[lookup aws:ec2/getAmi:getAmi id]");
    expect(doc.summary.lookups).toEqual([{ token: "aws:ec2/getAmi:getAmi", count: 1 }]);
  });
});

describe("mlplat plan --program", () => {
  it("lists what a program declares, and says first when the run is incomplete (exit 3)", () => {
    const failing = mlplat(["plan", "--stack", "dev", "--program", path.join(PROGRAMS, "failing")]);
    expect(failing.code).toBe(3);
    expect(failing.stdout.split("\n").slice(0, 4)).toEqual([
      "INCOMPLETE: the program could not be fully evaluated (2 failures); resources it declares may be missing from this report:",
      expect.stringMatching(/^ {2}- /) as unknown,
      expect.stringMatching(/^ {2}- /) as unknown,
      "Stack failing/dev: 2 resources",
    ]);
    expect(failing.stdout).toContain(
      `  - unseen (aws:s3/bucket:Bucket): the bucket name service is down (serializing the input bucket) (${path.join(PROGRAMS, "failing", "index.ts")}:8)`,
    );
  });
});

describe("mlplat cost --program prices remote components by their inputs", () => {
  it("prices the awsx Vpc's single NAT gateway and the eks GPU node group", () => {
    const { code, stdout } = mlplat([
      "cost",
      ...["--stack", "dev", "--program", path.join(PROGRAMS, "constructs"), "--format", "json"],
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as {
      complete: boolean;
      estimate: { resources: { name: string; status: string; lines: { description: string }[] }[] };
    };
    expect(doc.complete).toBe(true);
    const byName = new Map(doc.estimate.resources.map((r) => [r.name, r]));
    expect(byName.get("net")?.status).toBe("priced");
    expect(byName.get("gpu")?.status).toBe("priced");
    // Every declared resource is in the estimate: priced, free or unpriced, never left out.
    expect([...byName.keys()].sort()).toEqual([
      "bastion",
      "gpu",
      "hello",
      "jobs",
      "ml",
      "net",
      "worker",
      "worker-s3",
    ]);
  });
});

describe("mlplat check --program on programs that cannot be fully seen", () => {
  it("exits 2 naming a required config key the stack does not set, and --config supplies it", () => {
    const missing = mlplat(["check", "--stack", "bare", "--program", path.join(PROGRAMS, "constructs")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split("\n").pop()).toBe(
      "mlplat: the program requires the config key constructs:owner, which Pulumi.bare.yaml does not set: add it " +
        "there (pulumi config set owner <value> --stack bare) or pass --config owner=<value>",
    );
    const given = mlplat([
      "check",
      ...["--stack", "bare", "--program", path.join(PROGRAMS, "constructs")],
      ...["--config", "owner=me@example.com", "--format", "json"],
    ]);
    expect((JSON.parse(given.stdout) as CheckJson).complete).toBe(true);
  });

  it("exits 2 naming a config value the program rejects through the SDK's typed getters", () => {
    const invalid = mlplat([
      "check",
      ...["--stack", "dev", "--program", path.join(PROGRAMS, "constructs"), "--config", "maxNodes=many"],
    ]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr.trimEnd().split("\n").pop()).toBe(
      'mlplat: the program reads the config key constructs:maxNodes and got "many", which is not a valid number: ' +
        "fix it in Pulumi.dev.yaml or pass a valid one with --config",
    );
  });

  it("exits 3 with each failed registration and the thrown constructor, at the program's file and line (json)", () => {
    const { code, stdout } = mlplat([
      "check",
      ...["--stack", "dev", "--program", path.join(PROGRAMS, "failing"), "--format", "json"],
    ]);
    expect(code).toBe(3);
    const doc = JSON.parse(stdout) as CheckJson;
    expect(doc.complete).toBe(false);
    expect(doc.summary.passed).toBe(false);
    const entry = path.join(PROGRAMS, "failing", "index.ts");
    expect(doc.failures).toEqual(
      expect.arrayContaining([
        {
          kind: "registration",
          resource: { type: "aws:s3/bucket:Bucket", name: "unseen" },
          message: "the bucket name service is down (serializing the input bucket)",
          location: { file: entry, line: 8, column: 1 },
        },
        {
          kind: "program",
          message: "warehouse dw: no subnets given",
          location: expect.objectContaining({ file: entry, line: 15 }) as unknown,
        },
      ]),
    );
    expect(doc.failures).toHaveLength(2);
    expect(doc.resources.map((r) => r.name)).toContain("seen");
  });

  it("says first that the run is incomplete (text) and marks the SARIF invocation unsuccessful", () => {
    const args = ["check", "--stack", "dev", "--program", path.join(PROGRAMS, "failing")];
    const text = mlplat(args);
    expect(text.code).toBe(3);
    expect(text.stdout.split("\n")[0]).toBe(
      "INCOMPLETE: the program could not be fully evaluated (2 failures); resources it declares may be missing from this report:",
    );
    expect(text.stdout.trimEnd().split("\n").pop()).toMatch(/: the check fails, the run is incomplete$/);
    const sarif = JSON.parse(mlplat([...args, "--format", "sarif"]).stdout) as Sarif.Log;
    const invocation = sarif.runs[0]?.invocations?.[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications?.map((n) => n.message.text)).toHaveLength(2);
  });

  it("stops waiting after --timeout for a program that never finishes, and exits despite its live timer", () => {
    const { code, stdout, ms } = mlplat([
      "check",
      ...[
        "--stack",
        "dev",
        "--program",
        path.join(PROGRAMS, "endless"),
        "--timeout",
        "2",
        "--format",
        "json",
      ],
    ]);
    expect(code).toBe(3);
    const doc = JSON.parse(stdout) as CheckJson;
    expect(doc.failures).toEqual([
      {
        kind: "timeout",
        message: "the program did not finish within 2 s (--timeout); what it declared until then is listed",
      },
    ]);
    expect(doc.resources.map((r) => r.name)).toEqual(["before"]);
    expect(ms).toBeLessThan(30_000);
  });

  it("exits 3 when the program waits on a promise nothing settles, instead of exiting without a report", () => {
    const { code, stdout } = mlplat([
      "check",
      ...["--stack", "dev", "--program", path.join(PROGRAMS, "stalled"), "--format", "json"],
    ]);
    expect(code).toBe(3);
    const doc = JSON.parse(stdout) as CheckJson;
    expect(doc.complete).toBe(false);
    expect(doc.failures).toEqual([
      {
        kind: "program",
        message:
          "the program stopped before it finished: it waits on a promise that nothing settles (an output or " +
          "invoke this offline run cannot resolve); what it declared until then is listed",
      },
    ]);
    expect(doc.resources.map((r) => r.name)).toEqual(["before"]);
  });
});

describe("mlplat check and plan --program on an ES module program", () => {
  it("imports it as the host does, keeps what it prints off the report, and takes its default export's outputs", () => {
    const check = mlplat([
      "check",
      ...["--stack", "dev", "--program", path.join(PROGRAMS, "esm"), "--format", "json"],
    ]);
    expect(check.stderr).toContain("declaring esm-data");
    const doc = JSON.parse(check.stdout) as CheckJson;
    expect(doc.complete).toBe(true);
    expect(doc.resources.map((r) => `${r.type}::${r.name}`)).toEqual(["aws:s3/bucket:Bucket::esm-data"]);

    const plan = mlplat([
      "plan",
      "--stack",
      "dev",
      "--program",
      path.join(PROGRAMS, "esm"),
      "--format",
      "json",
    ]);
    expect(plan.code).toBe(0);
    expect(Object.keys((JSON.parse(plan.stdout) as { outputs: Record<string, unknown> }).outputs)).toEqual([
      "bucket",
    ]);
  });
});
