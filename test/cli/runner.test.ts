import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import { runProgram } from "../../scripts/cli/offline/runner";

const config = { "aws:region": "eu-west-1", "demo:secretThing": "hunter2" };

describe("offline runner", () => {
  it("answers the offline-safe invokes, masks secrets and fails loudly on any other invoke", async () => {
    const run = await runProgram({
      project: "demo",
      stack: "test",
      config,
      secretKeys: ["demo:secretThing"],
      program: async () => {
        const identity = await aws.getCallerIdentity();
        const region = await aws.getRegion();
        const secret = new pulumi.Config("demo").requireSecret("secretThing");
        new aws.ssm.Parameter("param", { type: "SecureString", value: secret });
        let vpcError = "";
        try {
          await aws.ec2.getVpc({ default: true });
        } catch (err) {
          vpcError = (err as Error).message;
        }
        return { account: identity.accountId, region: region.region, vpcError, secret };
      },
    });
    expect(run.outputs.account).toBe("123456789012");
    expect(run.outputs.region).toBe("eu-west-1");
    expect(run.outputs.vpcError).toContain(
      "the program called the invoke aws:ec2/getVpc:getVpc, which the offline runner cannot answer without AWS",
    );
    expect(run.outputs.secret).toBe("[secret]");
    expect(run.resources).toHaveLength(1);
    expect(run.resources[0]?.inputs).toEqual({ type: "SecureString", value: "[secret]" });
  });
});
