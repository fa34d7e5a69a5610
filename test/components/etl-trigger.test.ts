import { describe, expect, it } from "vitest";

import { estimateCost } from "../../components/catalog/cost";
import { DataLake } from "../../components/data-lake";
import {
  DEFAULT_ETL_TRIGGER,
  etlEventPattern,
  etlInputTransformer,
  EtlTrigger,
  isRawPrefix,
  keyFilters,
  resolveEtlTriggerSettings,
  TARGET_ID,
  validateEtlTriggerSettings,
  type EtlTriggerSettings,
} from "../../components/etl-trigger";
import { ETL_TRIGGER_START_EXECUTION, SQS_SEND } from "../../components/iam/actions";
import { validateExecution } from "../../components/pipeline/client";
import { formatIssue, isValidationError } from "../../components/validation";
import { policyOf, resource, runInline } from "../harness";

const T = {
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
} as const;
const MACHINE = "arn:aws:states:ap-northeast-2:123456789012:stateMachine:mlplat-dev-pipeline";

function problems(settings: EtlTriggerSettings): string[] {
  return validateEtlTriggerSettings(resolveEtlTriggerSettings(settings)).map(formatIssue);
}

/** A lake sending its events to EventBridge and a trigger on it, declared under the offline runner. */
async function declare(settings: EtlTriggerSettings = {}) {
  return runInline("dev", () => {
    const lake = new DataLake("lake", { deletionPolicy: "destroy", eventBridge: true });
    new EtlTrigger("etl", { lake, stateMachineArn: MACHINE, tags: { Project: "mlplat" }, ...settings });
    return {};
  });
}

describe("ETL trigger settings", () => {
  it("defaults to a _SUCCESS marker anywhere under raw/, reading raw/, with bounded retries and a 14-day DLQ", () => {
    expect(resolveEtlTriggerSettings()).toEqual({
      prefixes: ["raw/"],
      suffixes: ["_SUCCESS"],
      sourcePath: "prefix",
      retryAttempts: 24,
      maxEventAgeSeconds: 21_600,
      deadLetterRetentionDays: 14,
      enabled: true,
    });
    expect(validateEtlTriggerSettings(DEFAULT_ETL_TRIGGER)).toEqual([]);
  });

  it("keeps given values over the defaults and ignores an explicit undefined", () => {
    const s = resolveEtlTriggerSettings({ suffixes: [], retryAttempts: undefined, enabled: false });
    expect(s.suffixes).toEqual([]);
    expect(s.retryAttempts).toBe(24);
    expect(s.enabled).toBe(false);
  });

  it("accepts only folders of the raw zone as prefixes", () => {
    expect(["raw/", "raw/clicks/", "raw/clicks/2024-01-01/"].map(isRawPrefix)).toEqual([true, true, true]);
    expect(
      [
        "raw",
        "raw/clicks",
        "processed/",
        "raw//x/",
        "raw/../processed/",
        "raw/./x/",
        "/raw/",
        'raw/a"b/',
      ].map(isRawPrefix),
    ).toEqual([false, false, false, false, false, false, false, false]);
  });

  it("names every bad setting by path, value and expectation", () => {
    expect(
      problems({
        prefixes: ["processed/", "raw/x/"],
        suffixes: ["a/b"],
        retryAttempts: 186,
        maxEventAgeSeconds: 59,
        deadLetterRetentionDays: 15,
        enabled: "yes" as unknown as boolean,
      }),
    ).toEqual([
      'prefixes[0]: got "processed/", expected folders of the raw zone ending in "/", e.g. raw/clicks/',
      'suffixes[0]: got "a/b", expected non-empty key endings without /, e.g. _SUCCESS',
      'prefixes: got ["processed/","raw/x/"], expected one prefix when sourcePath is "prefix" (the Glue run ' +
        "reads it, and EventBridge cannot say which of several matched): declare one trigger per prefix, or use " +
        'sourcePath "object"',
      "retryAttempts: got 186, expected a whole number of retries from 0 to 185",
      "maxEventAgeSeconds: got 59, expected a whole number of seconds from 60 to 86400",
      "deadLetterRetentionDays: got 15, expected a whole number of days from 1 to 14",
      'enabled: got "yes", expected true or false',
    ]);
  });

  it("refuses an empty or repeated prefix list and an unknown source path", () => {
    expect(problems({ prefixes: [] })).toEqual([
      'prefixes: got [], expected a list of 1 to 10 folders of the raw zone ending in "/", e.g. raw/clicks/',
    ]);
    expect(problems({ prefixes: ["raw/a/", "raw/a/"], sourcePath: "object" })).toEqual([
      'prefixes[1]: got "raw/a/", expected each entry once',
    ]);
    expect(problems({ sourcePath: "folder" as never })).toEqual([
      'sourcePath: got "folder", expected one of prefix, object',
    ]);
  });
});

describe("ETL trigger event pattern and input", () => {
  it("matches Object Created events of the lake bucket by key prefix when no suffix is set", () => {
    const s = resolveEtlTriggerSettings({
      prefixes: ["raw/clicks/", "raw/orders/"],
      suffixes: [],
      sourcePath: "object",
    });
    expect(JSON.stringify(etlEventPattern("lake-data", s))).toBe(
      '{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["lake-data"]},' +
        '"object":{"key":[{"prefix":"raw/clicks/"},{"prefix":"raw/orders/"}]}}}',
    );
  });

  it("combines each prefix with each suffix in a wildcard filter, escaping * and \\", () => {
    expect(keyFilters({ prefixes: ["raw/a/", "raw/b*/"], suffixes: ["_SUCCESS", "x\\y"] })).toEqual([
      { wildcard: "raw/a/*_SUCCESS" },
      { wildcard: "raw/a/*x\\\\y" },
      { wildcard: "raw/b\\*/*_SUCCESS" },
      { wildcard: "raw/b\\*/*x\\\\y" },
    ]);
  });

  it("maps an event to the pipeline input: the watched prefix, or the object, as --source_path", () => {
    const paths = { bucket: "$.detail.bucket.name", key: "$.detail.object.key" };
    expect(etlInputTransformer({ prefixes: ["raw/clicks/"], sourcePath: "prefix" })).toEqual({
      inputPaths: paths,
      inputTemplate:
        '{"etlArguments": {"--source_path": "s3://<bucket>/raw/clicks/", "--trigger_object": "s3://<bucket>/<key>"}}',
    });
    expect(etlInputTransformer({ prefixes: ["raw/"], sourcePath: "object" })).toEqual({
      inputPaths: paths,
      inputTemplate:
        '{"etlArguments": {"--source_path": "s3://<bucket>/<key>", "--trigger_object": "s3://<bucket>/<key>"}}',
    });
  });

  it("fills in an execution input that the pipeline's own client accepts", () => {
    const filled = etlInputTransformer({ prefixes: ["raw/clicks/"], sourcePath: "prefix" })
      .inputTemplate.replaceAll("<bucket>", "lake-data")
      .replaceAll("<key>", "raw/clicks/2024-01-01/_SUCCESS");
    expect(validateExecution(JSON.parse(filled), "0b0e7c5e-6f0a-4d8e-9a7c-1d2e3f4a5b6c")).toEqual([]);
  });
});

describe("EtlTrigger component", () => {
  it("refuses a lake that does not send events to EventBridge, and bad settings, before declaring anything", async () => {
    let error: unknown;
    const run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "destroy" });
      try {
        new EtlTrigger("etl", { lake, stateMachineArn: MACHINE, retryAttempts: -1 });
      } catch (err) {
        error = err;
      }
      return {};
    });
    expect(isValidationError(error) && error.message).toBe(
      "EtlTrigger etl: 2 problems\n" +
        "  - retryAttempts: got -1, expected a whole number of retries from 0 to 185\n" +
        "  - lake.settings.eventBridge: got false, expected true: the lake must send its bucket's events to " +
        "EventBridge for the rule to see them",
    );
    expect(run.resources.filter((r) => r.type.startsWith("mlplat:etl-trigger"))).toEqual([]);
  });

  it("declares an enabled rule on the default bus with the exact pattern for the lake bucket", async () => {
    const run = await declare();
    const rule = resource(run, T.rule, "etl-rule");
    expect(rule.inputs.eventBusName).toBeUndefined();
    expect(rule.inputs.state).toBe("ENABLED");
    expect(rule.inputs.eventPattern).toBe(
      '{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["lake-data"]},' +
        '"object":{"key":[{"wildcard":"raw/*_SUCCESS"}]}}}',
    );
    expect(rule.inputs.tags).toEqual({ Project: "mlplat" });
    expect(rule.parent).toContain("mlplat:etl-trigger:EtlTrigger");
  });

  it("keeps the rule declared but disabled when enabled is false", async () => {
    const run = await declare({ enabled: false });
    expect(resource(run, T.rule, "etl-rule").inputs.state).toBe("DISABLED");
  });

  it("targets the state machine with the input transformer, bounded retries and the dead-letter queue", async () => {
    const run = await declare({ prefixes: ["raw/clicks/"], retryAttempts: 5, maxEventAgeSeconds: 600 });
    const target = resource(run, T.target, "etl-target");
    const queue = resource(run, T.queue, "etl-dlq");
    const role = resource(run, T.role, "etl-role");
    const rule = resource(run, T.rule, "etl-rule");
    expect(target.inputs.arn).toBe(MACHINE);
    expect(target.inputs.targetId).toBe(TARGET_ID);
    expect(target.propertyDependencies.rule).toEqual([rule.urn]);
    expect(target.propertyDependencies.roleArn).toEqual([role.urn]);
    expect(target.inputs.inputTransformer).toEqual({
      inputPaths: etlInputTransformer({ prefixes: ["raw/clicks/"], sourcePath: "prefix" }).inputPaths,
      inputTemplate:
        '{"etlArguments": {"--source_path": "s3://<bucket>/raw/clicks/", "--trigger_object": "s3://<bucket>/<key>"}}',
    });
    expect(target.inputs.retryPolicy).toEqual({ maximumRetryAttempts: 5, maximumEventAgeInSeconds: 600 });
    expect(target.propertyDependencies.deadLetterConfig).toEqual([queue.urn]);
    // The role and the queue's policy exist before the first event can be delivered.
    const permissions = resource(run, T.rolePolicy, "etl-start-pipeline");
    const queuePolicy = resource(run, T.queuePolicy, "etl-dlq-policy");
    expect(target.dependencies).toContain(permissions.urn);
    expect(target.dependencies).toContain(queuePolicy.urn);
  });

  it("encrypts the dead-letter queue with SSE-SQS, keeps events 14 days, and admits only this rule over TLS", async () => {
    const run = await declare();
    const queue = resource(run, T.queue, "etl-dlq");
    expect(queue.inputs.sqsManagedSseEnabled).toBe(true);
    expect(queue.inputs.messageRetentionSeconds).toBe(14 * 24 * 3600);
    const policy = policyOf(resource(run, T.queuePolicy, "etl-dlq-policy"));
    const rule = resource(run, T.rule, "etl-rule");
    // ARNs as the offline runner's mocks make them: arn:aws:<module>:<region>:<account>:<kind>/<name>.
    const queueArn = "arn:aws:sqs:ap-northeast-2:123456789012:etl-dlq";
    const ruleArn = "arn:aws:cloudwatch:ap-northeast-2:123456789012:eventrule/etl-rule";
    expect(policy.Statement).toEqual([
      {
        Sid: "EventBridgeSendsThisRulesFailures",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: [...SQS_SEND],
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    expect(resource(run, T.queuePolicy, "etl-dlq-policy").dependencies).toContain(rule.urn);
  });

  it("lets EventBridge, for this account only, start executions of the one state machine and nothing else", async () => {
    const run = await declare();
    const trust = JSON.parse(String(resource(run, T.role, "etl-role").inputs.assumeRolePolicy)) as {
      Statement: unknown[];
    };
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    const roles = run.resources.filter(
      (r) => r.type.startsWith("aws:iam/") && r.parent?.includes("mlplat:etl-trigger:EtlTrigger"),
    );
    expect(roles.map((r) => r.type).sort()).toEqual(["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]);
    expect(policyOf(resource(run, T.rolePolicy, "etl-start-pipeline")).Statement).toEqual([
      {
        Sid: "StartPipelineExecutions",
        Effect: "Allow",
        Action: [...ETL_TRIGGER_START_EXECUTION],
        Resource: MACHINE,
      },
    ]);
    expect(ETL_TRIGGER_START_EXECUTION).toEqual(["states:StartExecution"]);
  });

  it("exposes the rule, the queue and the role as outputs", async () => {
    const run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "destroy", eventBridge: true });
      const trigger = new EtlTrigger("etl", { lake, stateMachineArn: MACHINE });
      return {
        ruleName: trigger.ruleName,
        ruleArn: trigger.ruleArn,
        deadLetterQueueArn: trigger.deadLetterQueueArn,
        roleArn: trigger.roleArn,
      };
    });
    // The queue's URL is computed by SQS: the runner's mocks give it no value, so it is not listed here.
    expect(run.outputs).toEqual({
      ruleName: "etl-rule",
      ruleArn: "arn:aws:cloudwatch:ap-northeast-2:123456789012:eventrule/etl-rule",
      deadLetterQueueArn: "arn:aws:sqs:ap-northeast-2:123456789012:etl-dlq",
      roleArn: "arn:aws:iam::123456789012:role/etl-role",
    });
  });

  it("prices every resource it declares or knows it free: rule, target, queue policy free, the queue by requests", async () => {
    const run = await declare();
    const mine = run.resources.filter((r) => r.parent?.includes("mlplat:etl-trigger:EtlTrigger"));
    const estimate = estimateCost(mine, { region: "ap-northeast-2" });
    const status = Object.fromEntries(estimate.resources.map((r) => [r.type, r.status]));
    expect(status).toEqual({
      "aws:cloudwatch/eventRule:EventRule": "free",
      "aws:cloudwatch/eventTarget:EventTarget": "free",
      "aws:sqs/queue:Queue": "priced",
      "aws:sqs/queuePolicy:QueuePolicy": "free",
      "aws:iam/role:Role": "free",
      "aws:iam/rolePolicy:RolePolicy": "free",
    });
    expect(estimate.totals.totalUsd).toBe("0");
    for (const region of ["us-east-1"]) {
      expect(estimateCost(mine, { region }).unpriced).toEqual([]);
    }
  });
});
