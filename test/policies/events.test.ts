import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";

import { DataLake } from "../../components/data-lake";
import { EtlTrigger } from "../../components/etl-trigger";

import { eventsTargetDlq } from "../../policies/events/target-dlq";
import { policyProxy } from "../../policies/lib/unknown";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { runInline } from "../harness";
import { changed, declared, runOf, TAGS } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;
const E = {
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  queue: "aws:sqs/queue:Queue",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;
const MACHINE_ARN = "arn:aws:states:ap-northeast-2:123456789012:stateMachine:pipeline";
const FUNCTION_ARN = "arn:aws:lambda:ap-northeast-2:123456789012:function:inference";
const DLQ_ARN = "arn:aws:sqs:ap-northeast-2:123456789012:etl-dlq";
const policy = eventsTargetDlq.name;

/** Evaluates the policy with the pack's engine, as `mlplat check` does, before the pack lists it. */
async function evaluate(resources: readonly DeclaredResource[]): Promise<PolicyEvaluation> {
  const pack = { ...templatePolicyPack(), policies: [eventsTargetDlq] };
  return evaluatePolicies(runOf(resources), pack, resolvePolicies(pack, {}, "test"));
}

const messages = async (resources: readonly DeclaredResource[]): Promise<string[]> =>
  (await evaluate(resources)).violations.map((v) => v.message);

/** The ETL trigger's rule, dead-letter queue and target, as EtlTrigger declares them. */
function trigger(): DeclaredResource[] {
  const rule = declared(E.rule, "etl-rule", { state: "ENABLED", tags: TAGS });
  const queue = declared(E.queue, "etl-dlq", { sqsManagedSseEnabled: true, tags: TAGS });
  const target = declared(
    E.target,
    "etl-target",
    {
      rule: "etl-rule-1234",
      targetId: "ml-pipeline",
      arn: MACHINE_ARN,
      roleArn: "arn:aws:iam::123456789012:role/etl-role",
      retryPolicy: { maximumRetryAttempts: 24, maximumEventAgeInSeconds: 21600 },
      deadLetterConfig: { arn: DLQ_ARN },
    },
    { propertyDependencies: { rule: [rule.urn], deadLetterConfig: [queue.urn] } },
  );
  return [rule, queue, target];
}

describe("events-target-dlq", () => {
  it("passes a state machine target with a dead-letter queue and a retry policy", async () => {
    expect(await messages(trigger())).toEqual([]);
  });

  it("fails a target that starts a state machine without a dead-letter queue", async () => {
    expect(await messages(changed(trigger(), "etl-target", { deadLetterConfig: undefined }))).toEqual([
      'EventBridge target "etl-target" starts a state machine without a deadLetterConfig: events it cannot deliver after its retries are dropped',
    ]);
    expect(await messages(changed(trigger(), "etl-target", { deadLetterConfig: { arn: "" } }))).toEqual([
      'EventBridge target "etl-target" starts a state machine without a deadLetterConfig: events it cannot deliver after its retries are dropped',
    ]);
  });

  it("fails a target that starts a state machine without a retry policy", async () => {
    expect(await messages(changed(trigger(), "etl-target", { retryPolicy: undefined }))).toEqual([
      'EventBridge target "etl-target" starts a state machine without a retryPolicy: EventBridge retries for up to 24 hours (185 attempts) before giving up',
    ]);
  });

  it("checks Lambda function targets the same way", async () => {
    expect(
      await messages(
        changed(trigger(), "etl-target", {
          arn: FUNCTION_ARN,
          retryPolicy: undefined,
          deadLetterConfig: undefined,
        }),
      ),
    ).toEqual([
      'EventBridge target "etl-target" starts a Lambda function without a deadLetterConfig: events it cannot deliver after its retries are dropped',
      'EventBridge target "etl-target" starts a Lambda function without a retryPolicy: EventBridge retries for up to 24 hours (185 attempts) before giving up',
    ]);
  });

  it("tells a state machine from the resource its ARN comes from while the ARN is unknown during preview", async () => {
    const machine = declared(E.stateMachine, "pipeline-state-machine", { type: "STANDARD", tags: TAGS });
    const preview = changed(
      trigger(),
      "etl-target",
      { arn: UNKNOWN_STRING, deadLetterConfig: undefined },
      { propertyDependencies: { arn: [machine.urn] } },
    );
    expect(await messages([machine, ...preview])).toEqual([
      'EventBridge target "etl-target" starts a state machine without a deadLetterConfig: events it cannot deliver after its retries are dropped',
    ]);
  });

  it("passes a dead-letter queue whose ARN is unknown during preview (a new queue)", async () => {
    expect(
      await messages(changed(trigger(), "etl-target", { deadLetterConfig: { arn: UNKNOWN_STRING } })),
    ).toEqual([]);
  });

  it("leaves targets that start no work alone (a log group), and is not applicable without targets", async () => {
    const logs = changed(trigger(), "etl-target", {
      arn: "arn:aws:logs:ap-northeast-2:123456789012:log-group:/aws/events/audit",
      retryPolicy: undefined,
      deadLetterConfig: undefined,
    });
    expect(await messages(logs)).toEqual([]);
    const { violations, notApplicable } = await evaluate([declared(E.logGroup, "audit", { tags: TAGS })]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("honours a written exception for one target", async () => {
    const pack = { ...templatePolicyPack(), policies: [eventsTargetDlq] };
    const resolved = resolvePolicies(
      pack,
      {
        [policy]: {
          exceptions: [{ id: "EXC-1", resource: "etl-target", reason: "replayed from the archive" }],
        },
      },
      "test",
    );
    const evaluation = await evaluatePolicies(
      runOf(changed(trigger(), "etl-target", { deadLetterConfig: undefined })),
      pack,
      resolved,
    );
    expect(evaluation.violations).toEqual([]);
  });

  it("passes the ETL trigger as the component declares it", async () => {
    const run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "destroy", eventBridge: true });
      new EtlTrigger("etl", { lake, stateMachineArn: MACHINE_ARN });
      return {};
    });
    expect(run.resources.filter((r) => r.type === E.target)).toHaveLength(1);
    expect(await messages(run.resources)).toEqual([]);
  });

  it("fires on the non-compliant fixture's target, declared through the runner", async () => {
    const run = await runInline("dev", () => {
      const rule = new aws.cloudwatch.EventRule("nc-etl-rule", {
        eventPattern: JSON.stringify({ source: ["aws.s3"] }),
      });
      new aws.cloudwatch.EventTarget("nc-etl-target", {
        rule: rule.name,
        arn: "arn:aws:states:ap-northeast-2:123456789012:stateMachine:nc-pipeline",
        roleArn: "arn:aws:iam::123456789012:role/nc-events",
      });
      return {};
    });
    expect(await messages(run.resources)).toEqual([
      'EventBridge target "nc-etl-target" starts a state machine without a deadLetterConfig: events it cannot deliver after its retries are dropped',
      'EventBridge target "nc-etl-target" starts a state machine without a retryPolicy: EventBridge retries for up to 24 hours (185 attempts) before giving up',
    ]);
  });
});
