import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import { declared, evaluateOne, messagesOf, T, TAGS } from "./helpers";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/logs-key-id";

/** A log group as the platform's components declare it: a year of retention, encrypted with a CMK. */
const logGroup = (patch: Record<string, unknown> = {}) => [
  declared(LOG_GROUP, "app-logs", {
    name: "/mlplat/app",
    retentionInDays: 365,
    kmsKeyId: KEY_ARN,
    tags: TAGS,
    ...patch,
  }),
];

describe("logs-log-group-retention", () => {
  const policy = "logs-log-group-retention";

  it("passes any retention, 0 (never expire) included, and an unknown one", async () => {
    for (const retentionInDays of [1, 30, 365, 0, policyProxy.unknownStringValue]) {
      expect(await messagesOf(policy, logGroup({ retentionInDays }))).toEqual([]);
    }
  });

  it("fails a log group without retentionInDays", async () => {
    expect(await messagesOf(policy, logGroup({ retentionInDays: undefined }))).toEqual([
      'Log group "app-logs" does not set retentionInDays: CloudWatch Logs keeps its logs forever; set a retention period',
    ]);
  });

  it("is not applicable to other types", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
});

describe("logs-log-group-retention-year", () => {
  const policy = "logs-log-group-retention-year";

  it("passes 365 days or more, 0 (never expire), and an unknown value", async () => {
    for (const retentionInDays of [365, 3653, 0, policyProxy.unknownStringValue]) {
      expect(await messagesOf(policy, logGroup({ retentionInDays }))).toEqual([]);
    }
  });

  it("fails less than a year, and a missing retention", async () => {
    expect(await messagesOf(policy, logGroup({ retentionInDays: 30 }))).toEqual([
      'Log group "app-logs" keeps its logs for 30 days: keep them at least 365 days (retentionInDays 365 or more, or 0)',
    ]);
    expect(await messagesOf(policy, logGroup({ retentionInDays: undefined }))).toEqual([
      'Log group "app-logs" keeps its logs forever by default, but does not say so (retentionInDays is not set): keep them at least 365 days (retentionInDays 365 or more, or 0)',
    ]);
  });

  it("is not applicable to other types", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("is advisory by default (dev and local keep a month), mandatory in prod's pack config", async () => {
    const { violations } = await evaluateOne(policy, logGroup({ retentionInDays: 30 }));
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("logs-log-group-kms", () => {
  const policy = "logs-log-group-kms";

  it("passes a log group with a customer-managed key, and an unknown one", async () => {
    expect(await messagesOf(policy, logGroup())).toEqual([]);
    expect(await messagesOf(policy, logGroup({ kmsKeyId: policyProxy.unknownStringValue }))).toEqual([]);
  });

  it("fails a log group without kmsKeyId", async () => {
    expect(await messagesOf(policy, logGroup({ kmsKeyId: undefined }))).toEqual([
      'Log group "app-logs" is not encrypted with a customer-managed key (kmsKeyId is not set): set kmsKeyId',
    ]);
  });

  it("is not applicable to other types", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
});
