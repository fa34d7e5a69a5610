import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { KMS_PUBLISH_TO_ENCRYPTED_TOPIC, SNS_PUBLISH } from "../iam/actions";
import { ValidationError } from "../validation";
import {
  resolveCostGuardrailSettings,
  validateCostGuardrailSettings,
  type CostGuardrailSettings,
  type ResolvedCostGuardrailSettings,
} from "./args";

export * from "./args";

export interface CostGuardrailsArgs extends CostGuardrailSettings {
  /**
   * The stack's tags: the scope tags' values are read here (`Project=mlplat`), and every taggable resource
   * of the component carries them.
   */
  tags: Readonly<Record<string, string>>;
  /** Keep the alert topic's key when it leaves the stack (protect + retainOnDelete). @default false */
  protectKey?: boolean;
}

/** The service principals that publish the component's alerts. */
const BUDGETS = "budgets.amazonaws.com";
const COST_ANOMALY_DETECTION = "costalerts.amazonaws.com";

/**
 * The stack's cost guardrails (seed §6.2, §7.4 "monitor costs with alarms"): a monthly AWS Budget of the
 * stack's costs (filtered by its scope tags, `Project` by default) that alerts at 80% and 100% of the limit by
 * email and through an SNS topic; the stack's tag keys activated as cost allocation tags, so that Budgets,
 * Cost Explorer (`mlplat spend`) and anomaly detection can filter by them; and, optionally, Cost Anomaly
 * Detection on the same scope.
 *
 * The topic it creates is encrypted with its own key, whose policy lets Budgets (and Cost Anomaly Detection)
 * use it; the topic's policy lets them publish only for this account's budgets and monitors.
 *
 * Cost allocation tags are an account-wide setting: see `activateCostAllocationTags`.
 */
export class CostGuardrails extends pulumi.ComponentResource {
  /** The budget's name, unique in the account: `<component name>-monthly`. */
  readonly budgetName: pulumi.Output<string>;
  /** The topic that receives the alerts: the one created, or `snsTopicArn`. */
  readonly topicArn?: pulumi.Output<string>;
  /** The anomaly monitor, when anomaly monitoring is enabled. */
  readonly monitorArn?: pulumi.Output<string>;
  readonly settings: ResolvedCostGuardrailSettings;

  constructor(name: string, args: CostGuardrailsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveCostGuardrailSettings(args);
    const issues = validateCostGuardrailSettings(settings, args.tags);
    if (issues.length > 0) throw new ValidationError(`CostGuardrails ${name}`, issues);
    super("mlplat:cost:CostGuardrails", name, {}, opts);
    this.settings = settings;
    const tags = { ...args.tags };
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const scope = settings.scopeTagKeys.map((key) => ({ key, value: args.tags[key] ?? "" }));
    const anomaly = settings.anomalyMonitoring;
    const anomalyToTopic = anomaly?.frequency === "IMMEDIATE";

    if (settings.createTopic) {
      const publishers = anomalyToTopic ? [BUDGETS, COST_ANOMALY_DETECTION] : [BUDGETS];
      // A topic name chosen here (not auto-named) gives the ARN before the topic exists.
      const key = new aws.kms.Key(
        `${name}-alerts-cmk`,
        {
          description: `Encrypts the ${name} cost alerts topic`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "AccountAdministersKey",
                Effect: "Allow",
                Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` },
                Action: "kms:*",
                Resource: "*",
              },
              {
                // A service that publishes to an encrypted topic needs its key. The key serves this one topic,
                // whose policy admits these services only for this account.
                Sid: "AlertServicesPublishToEncryptedTopic",
                Effect: "Allow",
                Principal: { Service: publishers },
                Action: KMS_PUBLISH_TO_ENCRYPTED_TOPIC,
                Resource: "*",
              },
            ],
          }),
          tags,
        },
        { ...parent, ...(args.protectKey ? { protect: true, retainOnDelete: true } : {}) },
      );
      const topic = new aws.sns.Topic(
        `${name}-alerts`,
        { name: `${name}-alerts`, displayName: `Cost alerts: ${name}`, kmsMasterKeyId: key.arn, tags },
        parent,
      );
      const statements: pulumi.Input<Record<string, unknown>>[] = [
        {
          Sid: "BudgetsPublishForThisAccount",
          Effect: "Allow",
          Principal: { Service: BUDGETS },
          Action: SNS_PUBLISH,
          Resource: topic.arn,
          Condition: {
            StringEquals: { "aws:SourceAccount": account },
            ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:budgets::${account}:*` },
          },
        },
      ];
      if (anomalyToTopic) {
        statements.push({
          Sid: "CostAnomalyDetectionPublishForThisAccount",
          Effect: "Allow",
          Principal: { Service: COST_ANOMALY_DETECTION },
          Action: SNS_PUBLISH,
          Resource: topic.arn,
          Condition: { StringEquals: { "aws:SourceAccount": account } },
        });
      }
      new aws.sns.TopicPolicy(
        `${name}-alerts-policy`,
        { arn: topic.arn, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
        parent,
      );
      this.topicArn = topic.arn;
    } else if (settings.snsTopicArn !== undefined) {
      this.topicArn = pulumi.output(settings.snsTopicArn);
    }

    const subscribers = {
      ...(settings.alertEmails.length > 0 ? { subscriberEmailAddresses: [...settings.alertEmails] } : {}),
      ...(this.topicArn !== undefined ? { subscriberSnsTopicArns: [this.topicArn] } : {}),
    };
    const notifications: aws.types.input.budgets.BudgetNotification[] = [
      ...settings.alertThresholdsPercent.map((threshold) => ({
        notificationType: "ACTUAL",
        comparisonOperator: "GREATER_THAN",
        threshold,
        thresholdType: "PERCENTAGE",
        ...subscribers,
      })),
      ...(settings.alertOnForecast
        ? [
            {
              notificationType: "FORECASTED",
              comparisonOperator: "GREATER_THAN",
              threshold: 100,
              thresholdType: "PERCENTAGE",
              ...subscribers,
            },
          ]
        : []),
    ];
    const budget = new aws.budgets.Budget(
      `${name}-budget`,
      {
        name: `${name}-monthly`,
        budgetType: "COST",
        timeUnit: "MONTHLY",
        limitAmount: String(settings.monthlyLimitUsd),
        limitUnit: "USD",
        ...budgetScope(scope),
        notifications,
        tags,
      },
      parent,
    );

    if (settings.activateCostAllocationTags) {
      for (const tagKey of settings.costAllocationTagKeys) {
        // Account-wide: kept when the stack goes, so that other stacks keep reporting by the tag.
        new aws.costexplorer.CostAllocationTag(
          `${name}-tag-${slug(tagKey)}`,
          { tagKey, status: "Active" },
          { ...parent, retainOnDelete: true },
        );
      }
    }

    if (anomaly !== undefined) {
      const [first] = scope;
      const monitor = new aws.costexplorer.AnomalyMonitor(
        `${name}-anomalies`,
        anomaly.monitor === "services"
          ? { name: `${name}-services`, monitorType: "DIMENSIONAL", monitorDimension: "SERVICE", tags }
          : {
              name: `${name}-${slug(first?.key ?? "")}`,
              monitorType: "CUSTOM",
              // The shape AWS returns, nulls included, so that a refresh shows no difference.
              monitorSpecification: JSON.stringify({
                And: null,
                CostCategories: null,
                Dimensions: null,
                Not: null,
                Or: null,
                Tags: { Key: first?.key, MatchOptions: null, Values: [first?.value] },
              }),
              tags,
            },
        parent,
      );
      const recipients: aws.types.input.costexplorer.AnomalySubscriptionSubscriber[] = anomalyToTopic
        ? this.topicArn !== undefined
          ? [{ type: "SNS", address: this.topicArn }]
          : []
        : settings.alertEmails.map((address) => ({ type: "EMAIL", address }));
      new aws.costexplorer.AnomalySubscription(
        `${name}-anomaly-alerts`,
        {
          name: `${name}-anomaly-alerts`,
          frequency: anomaly.frequency,
          monitorArnLists: [monitor.arn],
          subscribers: recipients,
          thresholdExpression: {
            dimension: {
              key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
              values: [String(anomaly.thresholdUsd)],
              matchOptions: ["GREATER_THAN_OR_EQUAL"],
            },
          },
          tags,
        },
        parent,
      );
      this.monitorArn = monitor.arn;
    }

    this.budgetName = budget.name;
    this.registerOutputs({
      budgetName: this.budgetName,
      topicArn: this.topicArn,
      monitorArn: this.monitorArn,
    });
  }
}

/**
 * A budget's filter for costs carrying every scope tag: one tag is a `TagKeyValue` cost filter
 * (`user:Project$mlplat`); several need a filter expression that ANDs them (and then a metric).
 */
export function budgetScope(
  scope: readonly { key: string; value: string }[],
): Pick<aws.budgets.BudgetArgs, "costFilters" | "filterExpression" | "metrics"> {
  const [only] = scope;
  if (scope.length === 1 && only !== undefined) {
    return { costFilters: [{ name: "TagKeyValue", values: [`user:${only.key}$${only.value}`] }] };
  }
  return {
    filterExpression: {
      ands: scope.map(({ key, value }) => ({ tags: { key, values: [value], matchOptions: ["EQUALS"] } })),
    },
    metrics: "UnblendedCost",
  };
}

/** A tag key as part of a resource name: `CostCenter` -> `costcenter`. */
function slug(key: string): string {
  return (
    key
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "tag"
  );
}
