import { beforeAll, describe, expect, it } from "vitest";

import {
  budgetScope,
  CostGuardrails,
  resolveCostGuardrailSettings,
  validateCostGuardrailSettings,
  type CostGuardrailSettings,
} from "../../components/cost";
import { formatIssue } from "../../components/validation";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";

const TAGS = { Project: "mlplat", Environment: "dev", CostCenter: "ml-platform", Owner: "team@example.com" };
const BUDGET = "aws:budgets/budget:Budget";
const TOPIC = "aws:sns/topic:Topic";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const KEY = "aws:kms/key:Key";
const ALLOCATION_TAG = "aws:costexplorer/costAllocationTag:CostAllocationTag";
const MONITOR = "aws:costexplorer/anomalyMonitor:AnomalyMonitor";
const SUBSCRIPTION = "aws:costexplorer/anomalySubscription:AnomalySubscription";
const EXISTING_TOPIC = "arn:aws:sns:ap-northeast-2:123456789012:finops-alerts";

const problems = (settings: Partial<CostGuardrailSettings>, tags: Record<string, string> = TAGS): string[] =>
  validateCostGuardrailSettings(
    resolveCostGuardrailSettings({ monthlyLimitUsd: 50, alertEmails: ["finops@example.com"], ...settings }),
    tags,
  ).map(formatIssue);

describe("cost guardrail settings", () => {
  it("default to alerts at 80% and 100% of actual spend, a new topic, the four required tags activated, scope Project", () => {
    expect(
      resolveCostGuardrailSettings({ monthlyLimitUsd: 50, alertEmails: ["finops@example.com"] }),
    ).toEqual({
      monthlyLimitUsd: 50,
      alertThresholdsPercent: [80, 100],
      alertOnForecast: false,
      alertEmails: ["finops@example.com"],
      createTopic: true,
      scopeTagKeys: ["Project"],
      costAllocationTagKeys: ["Project", "Environment", "CostCenter", "Owner"],
      activateCostAllocationTags: true,
    });
    expect(problems({})).toEqual([]);
  });

  it("resolve anomaly monitoring only when enabled, with a $20 threshold on the project tag, alerting at once", () => {
    expect(
      resolveCostGuardrailSettings({ monthlyLimitUsd: 50, anomalyMonitoring: { enabled: false } })
        .anomalyMonitoring,
    ).toBeUndefined();
    expect(
      resolveCostGuardrailSettings({ monthlyLimitUsd: 50, anomalyMonitoring: { enabled: true } })
        .anomalyMonitoring,
    ).toEqual({ thresholdUsd: 20, monitor: "tag", frequency: "IMMEDIATE" });
  });

  it("do not create a topic when an existing one is given", () => {
    const s = resolveCostGuardrailSettings({
      monthlyLimitUsd: 50,
      snsTopicArn: EXISTING_TOPIC,
      createTopic: true,
    });
    expect(s.createTopic).toBe(false);
    expect(s.snsTopicArn).toBe(EXISTING_TOPIC);
  });

  it("require a monthly limit: there is no default budget", () => {
    expect(problems({ monthlyLimitUsd: undefined })).toEqual([
      "monthlyLimitUsd: got nothing, expected the stack's monthly budget, a positive amount of USD such as 50 (there is no default: `mlplat cost` shows the stack's estimate)",
    ]);
    expect(problems({ monthlyLimitUsd: 0 })).toHaveLength(1);
    expect(problems({ monthlyLimitUsd: 12.345 })).toEqual([
      "monthlyLimitUsd: got 12.345, expected an amount in whole cents, e.g. 49.99",
    ]);
  });

  it("name every bad threshold, address and tag key with its path, value and what is expected", () => {
    expect(
      problems({
        alertThresholdsPercent: [80, 0, 1001.5],
        alertEmails: ["finops@example.com", "not an address", "finops@example.com"],
        snsTopicArn: "arn:aws:sns:ap-northeast-2:123456789012:alerts.fifo",
        costAllocationTagKeys: ["Project", "aws:createdBy", "Project"],
        anomalyMonitoring: {
          enabled: true,
          thresholdUsd: -5,
          monitor: "all" as "tag",
          frequency: "HOURLY" as "DAILY",
        },
      }),
    ).toEqual([
      "alertThresholdsPercent[1]: got 0, expected a whole percentage of the budget from 1 to 1000",
      "alertThresholdsPercent[2]: got 1001.5, expected a whole percentage of the budget from 1 to 1000",
      'alertEmails[1]: got "not an address", expected one email address such as finops@example.com',
      'alertEmails[2]: got "finops@example.com", expected an address not already listed',
      'snsTopicArn: got "arn:aws:sns:ap-northeast-2:123456789012:alerts.fifo", expected the ARN of a standard (not FIFO) SNS topic, e.g. arn:aws:sns:ap-northeast-2:123456789012:budget-alerts',
      'costAllocationTagKeys[1]: got "aws:createdBy", expected a user-defined tag key: 1 to 128 letters, digits, spaces or _.:/=+-@, not starting with aws:',
      'costAllocationTagKeys[2]: got "Project", expected a key not already listed',
      "anomalyMonitoring.thresholdUsd: got -5, expected a positive amount of USD: the total impact from which an anomaly is reported",
      'anomalyMonitoring.monitor: got "all", expected one of tag, services',
      'anomalyMonitoring.frequency: got "HOURLY", expected one of IMMEDIATE, DAILY, WEEKLY',
    ]);
  });

  it("require thresholds in ascending order without repeats, and at most 10 notifications", () => {
    expect(problems({ alertThresholdsPercent: [100, 80] })).toEqual([
      "alertThresholdsPercent: got [100,80], expected percentages in ascending order without repeats, e.g. [50, 80, 100]",
    ]);
    expect(problems({ alertThresholdsPercent: [50, 50] })).toHaveLength(1);
    expect(problems({ alertThresholdsPercent: [] })).toEqual([
      "alertThresholdsPercent: got [], expected a non-empty list of percentages of the budget, e.g. [80, 100]",
    ]);
    const ten = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(problems({ alertThresholdsPercent: ten })).toEqual([]);
    expect(problems({ alertThresholdsPercent: ten, alertOnForecast: true })).toEqual([
      "alertThresholdsPercent: got [10,20,30,40,50,60,70,80,90,100], expected at most 9 thresholds: AWS Budgets allows 10 notifications per budget, and the forecast alert is one",
    ]);
  });

  it("require someone to receive the alerts: an address or an existing topic", () => {
    expect(problems({ alertEmails: [] })).toEqual([
      "alertEmails: got [], expected at least one address, or snsTopicArn (an existing topic that people subscribe to): an alert nobody receives guards nothing",
    ]);
    expect(problems({ alertEmails: [], snsTopicArn: EXISTING_TOPIC })).toEqual([]);
    const eleven = Array.from({ length: 11 }, (_, i) => `p${i}@example.com`);
    expect(problems({ alertEmails: eleven })).toHaveLength(1);
  });

  it("require scope tags that are activated and that the stack sets", () => {
    expect(problems({ scopeTagKeys: ["Team"] })).toEqual([
      'scopeTagKeys[0]: got "Team", expected one of costAllocationTagKeys (Project, Environment, CostCenter, Owner): AWS filters costs only by activated tags',
    ]);
    expect(problems({}, { Environment: "dev" })).toEqual([
      'scopeTagKeys[0]: got "Project", expected a tag the stack sets on its resources (it sets Environment)',
    ]);
  });

  it("match anomaly alert frequencies to where AWS can send them", () => {
    expect(
      problems({ createTopic: false, anomalyMonitoring: { enabled: true, frequency: "IMMEDIATE" } }),
    ).toEqual([
      'anomalyMonitoring.frequency: got "IMMEDIATE", expected DAILY or WEEKLY (emailed) when there is no SNS topic: AWS sends IMMEDIATE anomaly alerts only to SNS',
    ]);
    expect(
      problems({
        alertEmails: [],
        snsTopicArn: EXISTING_TOPIC,
        anomalyMonitoring: { enabled: true, frequency: "WEEKLY" },
      }),
    ).toEqual([
      'anomalyMonitoring.frequency: got "WEEKLY", expected IMMEDIATE when alertEmails is empty: AWS emails DAILY and WEEKLY summaries, to alertEmails',
    ]);
  });

  it("refuse to declare anything with invalid settings: validation runs before the component exists", () => {
    expect(
      () => new CostGuardrails("cost", { monthlyLimitUsd: -1, alertEmails: ["a@example.com"], tags: TAGS }),
    ).toThrow(
      "CostGuardrails cost: 1 problem\n  - monthlyLimitUsd: got -1, expected the stack's monthly budget",
    );
  });

  it("filter by one tag with TagKeyValue, and AND several tags in a filter expression", () => {
    expect(budgetScope([{ key: "Project", value: "mlplat" }])).toEqual({
      costFilters: [{ name: "TagKeyValue", values: ["user:Project$mlplat"] }],
    });
    expect(
      budgetScope([
        { key: "Project", value: "mlplat" },
        { key: "Environment", value: "dev" },
      ]),
    ).toEqual({
      filterExpression: {
        ands: [
          { tags: { key: "Project", values: ["mlplat"], matchOptions: ["EQUALS"] } },
          { tags: { key: "Environment", values: ["dev"], matchOptions: ["EQUALS"] } },
        ],
      },
      metrics: "UnblendedCost",
    });
  });
});

describe("CostGuardrails with the defaults", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      const guardrails = new CostGuardrails("mlplat-dev-cost", {
        monthlyLimitUsd: 50,
        alertEmails: ["finops@example.com"],
        tags: TAGS,
      });
      return { budgetName: guardrails.budgetName, topicArn: guardrails.topicArn };
    });
  });

  it("declares a monthly COST budget of the Project's costs with alerts at 80% and 100% of actual spend", () => {
    const budget = resource(run, BUDGET, "mlplat-dev-cost-budget");
    const topic = resource(run, TOPIC, "mlplat-dev-cost-alerts");
    expect(budget.inputs).toMatchObject({
      name: "mlplat-dev-cost-monthly",
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: "50",
      limitUnit: "USD",
      costFilters: [{ name: "TagKeyValue", values: ["user:Project$mlplat"] }],
      tags: TAGS,
    });
    expect(budget.inputs.filterExpression).toBeUndefined();
    // The topic's ARN is the mock provider's; what matters is that the notifications carry the topic's own.
    const topicArn = String(run.outputs.topicArn);
    expect(topicArn).toMatch(/^arn:aws:sns:ap-northeast-2:123456789012:.*mlplat-dev-cost-alerts$/);
    expect(budget.inputs.notifications).toEqual(
      [80, 100].map((threshold) => ({
        notificationType: "ACTUAL",
        comparisonOperator: "GREATER_THAN",
        threshold,
        thresholdType: "PERCENTAGE",
        subscriberEmailAddresses: ["finops@example.com"],
        subscriberSnsTopicArns: [topicArn],
      })),
    );
    expect(budget.propertyDependencies.notifications).toEqual([topic.urn]);
    expect(run.outputs).toEqual({ budgetName: "mlplat-dev-cost-monthly", topicArn });
  });

  it("encrypts the alert topic with its own rotating key that Budgets may use", () => {
    const key = resource(run, KEY, "mlplat-dev-cost-alerts-cmk");
    const topic = resource(run, TOPIC, "mlplat-dev-cost-alerts");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30, tags: TAGS });
    expect(key.protect).toBeUndefined();
    expect(topic.inputs).toMatchObject({ name: "mlplat-dev-cost-alerts", tags: TAGS });
    expect(topic.propertyDependencies.kmsMasterKeyId).toEqual([key.urn]);
    expect(policyOf(key).Statement).toEqual([
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "AlertServicesPublishToEncryptedTopic",
        Effect: "Allow",
        Principal: { Service: ["budgets.amazonaws.com"] },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
      },
    ]);
  });

  it("lets Budgets publish to the topic only for this account's budgets", () => {
    const statements = policyOf(resource(run, TOPIC_POLICY, "mlplat-dev-cost-alerts-policy")).Statement;
    expect(statements).toEqual([
      {
        Sid: "BudgetsPublishForThisAccount",
        Effect: "Allow",
        Principal: { Service: "budgets.amazonaws.com" },
        Action: ["sns:Publish"],
        Resource: run.outputs.topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": "arn:aws:budgets::123456789012:*" },
        },
      },
    ]);
  });

  it("activates the four required tags as cost allocation tags, kept in AWS when the stack goes", () => {
    const tags = resourcesOfType(run, ALLOCATION_TAG);
    expect(tags.map((t) => [t.name, t.inputs.tagKey, t.inputs.status, t.retainOnDelete])).toEqual([
      ["mlplat-dev-cost-tag-costcenter", "CostCenter", "Active", true],
      ["mlplat-dev-cost-tag-environment", "Environment", "Active", true],
      ["mlplat-dev-cost-tag-owner", "Owner", "Active", true],
      ["mlplat-dev-cost-tag-project", "Project", "Active", true],
    ]);
  });

  it("monitors no anomalies unless asked, and pins the resource names", () => {
    expect(resourcesOfType(run, MONITOR)).toEqual([]);
    const names = run.resources
      .filter((r) => r.urn.includes("mlplat:cost:CostGuardrails$"))
      .map((r) => r.name)
      .sort();
    expect(names).toEqual([
      "mlplat-dev-cost-alerts",
      "mlplat-dev-cost-alerts-cmk",
      "mlplat-dev-cost-alerts-policy",
      "mlplat-dev-cost-budget",
      "mlplat-dev-cost-tag-costcenter",
      "mlplat-dev-cost-tag-environment",
      "mlplat-dev-cost-tag-owner",
      "mlplat-dev-cost-tag-project",
    ]);
    expect(resource(run, "mlplat:cost:CostGuardrails", "mlplat-dev-cost").custom).toBe(false);
  });
});

describe("CostGuardrails scoped to the environment, with forecasts and anomaly monitoring", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      const guardrails = new CostGuardrails("mlplat-prod-cost", {
        monthlyLimitUsd: 2500,
        alertThresholdsPercent: [50, 80, 100],
        alertOnForecast: true,
        alertEmails: ["finops@example.com", "oncall@example.com"],
        scopeTagKeys: ["Project", "Environment"],
        anomalyMonitoring: { enabled: true, thresholdUsd: 100 },
        protectKey: true,
        tags: { ...TAGS, Environment: "prod" },
      });
      return { monitorArn: guardrails.monitorArn, topicArn: guardrails.topicArn };
    });
  });

  it("ANDs the Project and Environment tags and adds a FORECASTED alert at 100%", () => {
    const budget = resource(run, BUDGET, "mlplat-prod-cost-budget");
    expect(budget.inputs.costFilters).toBeUndefined();
    expect(budget.inputs).toMatchObject({
      limitAmount: "2500",
      metrics: "UnblendedCost",
      filterExpression: {
        ands: [
          { tags: { key: "Project", values: ["mlplat"], matchOptions: ["EQUALS"] } },
          { tags: { key: "Environment", values: ["prod"], matchOptions: ["EQUALS"] } },
        ],
      },
    });
    const notifications = budget.inputs.notifications as Record<string, unknown>[];
    expect(notifications.map((n) => [n.notificationType, n.threshold])).toEqual([
      ["ACTUAL", 50],
      ["ACTUAL", 80],
      ["ACTUAL", 100],
      ["FORECASTED", 100],
    ]);
    expect(notifications[3]?.subscriberEmailAddresses).toEqual(["finops@example.com", "oncall@example.com"]);
  });

  it("watches the project tag for anomalies of $100 or more and sends them at once to the topic", () => {
    const monitor = resource(run, MONITOR, "mlplat-prod-cost-anomalies");
    expect(monitor.inputs).toMatchObject({ name: "mlplat-prod-cost-project", monitorType: "CUSTOM" });
    expect(JSON.parse(String(monitor.inputs.monitorSpecification))).toEqual({
      And: null,
      CostCategories: null,
      Dimensions: null,
      Not: null,
      Or: null,
      Tags: { Key: "Project", MatchOptions: null, Values: ["mlplat"] },
    });
    const subscription = resource(run, SUBSCRIPTION, "mlplat-prod-cost-anomaly-alerts");
    expect(subscription.inputs).toMatchObject({
      frequency: "IMMEDIATE",
      subscribers: [{ type: "SNS", address: run.outputs.topicArn }],
      thresholdExpression: {
        dimension: {
          key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
          values: ["100"],
          matchOptions: ["GREATER_THAN_OR_EQUAL"],
        },
      },
    });
    expect(subscription.propertyDependencies.monitorArnLists).toEqual([monitor.urn]);
    expect(subscription.propertyDependencies.subscribers).toEqual([
      resource(run, TOPIC, "mlplat-prod-cost-alerts").urn,
    ]);
    expect(run.outputs.monitorArn).toMatch(/^arn:aws:.*mlplat-prod-cost-project$/);
  });

  it("lets Cost Anomaly Detection publish to the topic and use its key too, and protects the key", () => {
    const [, anomalies] = policyOf(resource(run, TOPIC_POLICY, "mlplat-prod-cost-alerts-policy")).Statement;
    expect(anomalies).toMatchObject({
      Sid: "CostAnomalyDetectionPublishForThisAccount",
      Principal: { Service: "costalerts.amazonaws.com" },
      Action: ["sns:Publish"],
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
    const key = resource(run, KEY, "mlplat-prod-cost-alerts-cmk");
    expect(policyOf(key).Statement[1]?.Principal).toEqual({
      Service: ["budgets.amazonaws.com", "costalerts.amazonaws.com"],
    });
    expect([key.protect, key.retainOnDelete]).toEqual([true, true]);
  });
});

describe("CostGuardrails with an existing topic and account-level settings left to another stack", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      new CostGuardrails("shared-cost", {
        monthlyLimitUsd: 15,
        alertEmails: ["finops@example.com"],
        snsTopicArn: EXISTING_TOPIC,
        activateCostAllocationTags: false,
        anomalyMonitoring: { enabled: true, monitor: "services", frequency: "DAILY" },
        tags: TAGS,
      });
      return {};
    });
  });

  it("alerts the given topic and creates neither topic, key nor cost allocation tags", () => {
    const budget = resource(run, BUDGET, "shared-cost-budget");
    expect((budget.inputs.notifications as Record<string, unknown>[])[0]?.subscriberSnsTopicArns).toEqual([
      EXISTING_TOPIC,
    ]);
    expect([TOPIC, TOPIC_POLICY, KEY, ALLOCATION_TAG].flatMap((t) => resourcesOfType(run, t))).toEqual([]);
  });

  it("emails a daily summary of the account's per-service anomalies", () => {
    expect(resource(run, MONITOR, "shared-cost-anomalies").inputs).toMatchObject({
      name: "shared-cost-services",
      monitorType: "DIMENSIONAL",
      monitorDimension: "SERVICE",
    });
    expect(resource(run, SUBSCRIPTION, "shared-cost-anomaly-alerts").inputs).toMatchObject({
      frequency: "DAILY",
      subscribers: [{ type: "EMAIL", address: "finops@example.com" }],
    });
  });
});
