import * as path from "node:path";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import { causeOf, runProgram, type ProgramRun } from "../../scripts/cli/offline/runner";
import { REPO_ROOT } from "../harness";

const config = { "aws:region": "eu-west-1", "demo:secretThing": "hunter2" };

// The Pulumi runtime keeps process-wide state: one runProgram per test file. Everything this file checks of the
// runner comes from this one run.
let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram({
    project: "demo",
    stack: "test",
    config,
    secretKeys: ["demo:secretThing"],
    programDir: REPO_ROOT,
    timeoutMs: 10_000,
    program: async () => {
      const identity = await aws.getCallerIdentity();
      const region = await aws.getRegion();
      const secret = new pulumi.Config("demo").requireSecret("secretThing");
      new aws.ssm.Parameter("param", { type: "SecureString", value: secret });
      const vpc = await aws.ec2.getVpc({ default: true });
      const subnets = await aws.ec2.getSubnets({ filters: [{ name: "vpc-id", values: [vpc.id] }] });
      const document = await aws.iam.getPolicyDocument({
        statements: [
          {
            sid: "Read",
            actions: ["s3:GetObject"],
            resources: ["arn:aws:s3:::lake/*"],
            principals: [{ type: "Service", identifiers: ["glue.amazonaws.com"] }],
            conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
          },
        ],
      });
      const arn = await aws.getArn({ arn: "arn:aws:iam::123456789012:role/ml/trainer" });
      // An output the provider computes at deploy is unknown during a preview; one an existing stack knows is not.
      const vpcOfOwn = new aws.ec2.Vpc("own", { cidrBlock: "10.0.0.0/16" });
      new aws.sqs.Queue("known", { policy: vpcOfOwn.arn.apply(() => "x") });
      new aws.sqs.Queue("unknown", { policy: vpcOfOwn.defaultSecurityGroupId });
      // A registration that fails is a failure of the run, named with its resource.
      new aws.s3.Bucket("unseen", { bucket: Promise.reject(new Error("the naming service is down")) });
      return {
        account: identity.accountId,
        region: region.region,
        vpcId: vpc.id,
        subnetIds: subnets.ids,
        document: document.json,
        arnService: arn.service,
        arnResource: arn.resource,
        secret,
      };
    },
  });
});

describe("offline runner", () => {
  it("computes pure invokes: caller identity, region, ARN parts and policy documents as the provider renders them", () => {
    expect(run.outputs.account).toBe("123456789012");
    expect(run.outputs.region).toBe("eu-west-1");
    expect(run.outputs.arnService).toBe("iam");
    expect(run.outputs.arnResource).toBe("role/ml/trainer");
    expect(JSON.parse(run.outputs.document as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Read",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::lake/*",
          Principal: { Service: "glue.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
  });

  it("answers lookups with placeholders shaped by the provider's result type, and lists them", () => {
    expect(run.outputs.vpcId).toBe("[lookup aws:ec2/getVpc:getVpc id]");
    expect(run.outputs.subnetIds).toEqual([
      "[lookup aws:ec2/getSubnets:getSubnets ids 0]",
      "[lookup aws:ec2/getSubnets:getSubnets ids 1]",
    ]);
    expect(run.lookups).toEqual([
      { token: "aws:ec2/getSubnets:getSubnets", count: 1 },
      { token: "aws:ec2/getVpc:getVpc", count: 1 },
    ]);
  });

  it("masks secrets, and records what a preview does not know as [unknown]", () => {
    expect(run.outputs.secret).toBe("[secret]");
    const byName = new Map(run.resources.map((r) => [r.name, r]));
    expect(byName.get("param")?.inputs).toEqual({ type: "SecureString", value: "[secret]" });
    expect(byName.get("unknown")?.inputs.policy).toBe("[unknown]");
    expect(byName.get("known")?.inputs.policy).toBe("x");
  });

  it("makes the run incomplete when a registration fails, naming the resource, the cause and the declaration", () => {
    expect(run.complete).toBe(false);
    expect(run.resources.map((r) => r.name)).not.toContain("unseen");
    expect(run.failures).toEqual([
      {
        kind: "registration",
        resource: { type: "aws:s3/bucket:Bucket", name: "unseen" },
        message: "the naming service is down (serializing the input bucket)",
        location: expect.objectContaining({
          file: path.join(REPO_ROOT, "test", "cli", "runner.test.ts"),
        }) as unknown,
      },
    ]);
  });
});

describe("causeOf", () => {
  it("puts the innermost cause first and the property path after it", () => {
    const nested = new Error(
      'error serializing property "taskDefinitionArgs": error serializing property "containers": ' +
        "Cannot read properties of undefined (reading 'length')",
    );
    expect(causeOf(nested)).toBe(
      "Cannot read properties of undefined (reading 'length') (serializing the input taskDefinitionArgs.containers)",
    );
    expect(causeOf(new Error("failed to register new resource b [aws:s3/bucket:Bucket]: boom\n  at x"))).toBe(
      "boom",
    );
  });

  it("keeps, of the closure serializer's many lines, what the function captured and why it cannot be sent", () => {
    // The shape of @pulumi/pulumi's closure error (runtime/closure/createClosure).
    const closure = new Error(
      [
        "Error serializing 'async (ev) => { const cmd = Buf ...'",
        "",
        "'async (ev) => { const cmd = Buf ...': captured",
        "  variable 'cp' which indirectly referenced",
        "    function 'execSync': which referenced",
        "      function 'bound call': which could not be serialized because",
        "        it was a native code function.",
        "",
        "Function code:",
        "  function () { [native code] }",
      ].join("\n"),
    );
    expect(causeOf(closure)).toBe(
      "Error serializing 'async (ev) => { const cmd = Buf ...': it captures 'cp', which reaches a value that " +
        "cannot be serialized (it was a native code function)",
    );
  });
});
