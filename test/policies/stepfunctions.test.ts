import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import { stepFunctionsLoggingAll } from "../../policies/stepfunctions/logging-all";
import { stepFunctionsTracing } from "../../policies/stepfunctions/tracing";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, runOf, TAGS } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;
const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
const LOG_GROUP_ARN = "arn:aws:logs:ap-northeast-2:123456789012:log-group:/aws/vendedlogs/states/pipeline";

const OWN: Record<string, ResourceValidationPolicy> = Object.fromEntries(
  [stepFunctionsLoggingAll, stepFunctionsTracing].map((p) => [p.name, p]),
);

/** Evaluates one Step Functions policy with the pack's engine, as `mlplat check` does. */
async function evaluate(policy: string, resources: readonly DeclaredResource[]): Promise<PolicyEvaluation> {
  const own = OWN[policy];
  if (own === undefined) throw new Error(`no Step Functions policy ${policy}`);
  const pack = { ...templatePolicyPack(), policies: [own] };
  return evaluatePolicies(runOf(resources), pack, resolvePolicies(pack, {}, "test"));
}

const messages = async (policy: string, resources: readonly DeclaredResource[]): Promise<string[]> =>
  (await evaluate(policy, resources)).violations.map((v) => v.message);

/** A state machine as MlPipeline declares it: logging ALL with execution data to its group, X-Ray on. */
function pipeline(): DeclaredResource[] {
  return [
    declared(STATE_MACHINE, "pipeline-state-machine", {
      type: "STANDARD",
      roleArn: "arn:aws:iam::123456789012:role/pipeline-role",
      definition: JSON.stringify({ StartAt: "Done", States: { Done: { Type: "Succeed" } } }),
      loggingConfiguration: {
        level: "ALL",
        includeExecutionData: true,
        logDestination: `${LOG_GROUP_ARN}:*`,
      },
      tracingConfiguration: { enabled: true },
      tags: TAGS,
    }),
  ];
}

const withLogging = (logging: Record<string, unknown> | undefined) =>
  changed(pipeline(), "pipeline-state-machine", { loggingConfiguration: logging });

describe("stepfunctions-logging-all", () => {
  const policy = "stepfunctions-logging-all";

  it("passes a state machine that logs ALL with execution data to a group", async () => {
    expect(await messages(policy, pipeline())).toEqual([]);
  });

  it("fails a state machine without logging, one at ERROR or OFF, and one without a level", async () => {
    expect(await messages(policy, withLogging(undefined))).toEqual([
      'State machine "pipeline-state-machine" has no loggingConfiguration: set level "ALL", includeExecutionData true and a logDestination (a CloudWatch Logs group ARN ending in ":*")',
    ]);
    for (const level of ["ERROR", "OFF"]) {
      expect(
        await messages(
          policy,
          withLogging({ level, includeExecutionData: true, logDestination: `${LOG_GROUP_ARN}:*` }),
        ),
      ).toEqual([
        `State machine "pipeline-state-machine" logs at level "${level}": set loggingConfiguration.level to "ALL" so every state's input, output and error is recorded`,
      ]);
    }
    expect(
      await messages(
        policy,
        withLogging({ includeExecutionData: true, logDestination: `${LOG_GROUP_ARN}:*` }),
      ),
    ).toEqual([
      'State machine "pipeline-state-machine" logs at level OFF (loggingConfiguration.level is not set): set loggingConfiguration.level to "ALL" so every state\'s input, output and error is recorded',
    ]);
  });

  it("fails logs without execution data, and logs without a destination", async () => {
    expect(
      await messages(
        policy,
        withLogging({ level: "ALL", includeExecutionData: false, logDestination: `${LOG_GROUP_ARN}:*` }),
      ),
    ).toEqual([
      'State machine "pipeline-state-machine" does not include execution data in its logs: set loggingConfiguration.includeExecutionData to true',
    ]);
    expect(await messages(policy, withLogging({ level: "ALL", includeExecutionData: true }))).toEqual([
      'State machine "pipeline-state-machine" has no loggingConfiguration.logDestination: set it to a CloudWatch Logs group ARN ending in ":*"',
    ]);
  });

  it("passes a destination that is unknown during preview (a new log group's ARN)", async () => {
    const preview = withLogging({ level: "ALL", includeExecutionData: true, logDestination: UNKNOWN_STRING });
    expect((await evaluate(policy, preview)).violations).toEqual([]);
  });

  it("is not applicable to other resources", async () => {
    const other = declared("aws:sns/topic:Topic", "topic", { tags: TAGS });
    const { violations, notApplicable } = await evaluate(policy, [other]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
});

describe("stepfunctions-tracing", () => {
  const policy = "stepfunctions-tracing";

  it("passes a state machine traced with X-Ray", async () => {
    expect(await messages(policy, pipeline())).toEqual([]);
  });

  it("fails tracing switched off, and tracing not configured", async () => {
    expect(
      await messages(
        policy,
        changed(pipeline(), "pipeline-state-machine", { tracingConfiguration: { enabled: false } }),
      ),
    ).toEqual([
      'State machine "pipeline-state-machine" does not trace with X-Ray (tracingConfiguration.enabled is false): set it to true',
    ]);
    expect(
      await messages(
        policy,
        changed(pipeline(), "pipeline-state-machine", { tracingConfiguration: undefined }),
      ),
    ).toEqual([
      'State machine "pipeline-state-machine" does not trace with X-Ray (tracingConfiguration.enabled is not set): set it to true',
    ]);
  });

  it("is not applicable to other resources", async () => {
    const other = declared("aws:sns/topic:Topic", "topic", { tags: TAGS });
    expect((await evaluate(policy, [other])).notApplicable).toEqual({ [policy]: 1 });
  });
});

describe("Step Functions policies on values unknown during preview", () => {
  it("fails logging ALL to a group that leaves includeExecutionData out (its default is false)", async () => {
    expect(
      await messages(
        "stepfunctions-logging-all",
        withLogging({ level: "ALL", logDestination: `${LOG_GROUP_ARN}:*` }),
      ),
    ).toEqual([
      'State machine "pipeline-state-machine" does not include execution data in its logs: set loggingConfiguration.includeExecutionData to true',
    ]);
  });

  it("does not pass an includeExecutionData, level or logging block unknown during preview", async () => {
    for (const logging of [
      { level: "ALL", includeExecutionData: UNKNOWN_STRING, logDestination: `${LOG_GROUP_ARN}:*` },
      { level: UNKNOWN_STRING, includeExecutionData: true, logDestination: `${LOG_GROUP_ARN}:*` },
      UNKNOWN_STRING,
    ]) {
      const { violations } = await evaluate(
        "stepfunctions-logging-all",
        changed(pipeline(), "pipeline-state-machine", { loggingConfiguration: logging }),
      );
      expect(violations.map((v) => v.level)).toEqual(["advisory"]);
      expect(violations[0]?.message).toContain("can't run policy 'stepfunctions-logging-all'");
    }
  });

  it("reports what it can decide before noting an unknown value", async () => {
    const { violations } = await evaluate(
      "stepfunctions-logging-all",
      withLogging({
        level: "ERROR",
        includeExecutionData: UNKNOWN_STRING,
        logDestination: `${LOG_GROUP_ARN}:*`,
      }),
    );
    expect(violations.map((v) => v.level)).toEqual(["mandatory", "advisory"]);
  });

  it("does not pass tracing unknown during preview", async () => {
    const { violations } = await evaluate(
      "stepfunctions-tracing",
      changed(pipeline(), "pipeline-state-machine", { tracingConfiguration: { enabled: UNKNOWN_STRING } }),
    );
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});
