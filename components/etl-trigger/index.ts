import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { DataLake } from "../data-lake";
import { ETL_TRIGGER_START_EXECUTION, SQS_SEND } from "../iam/actions";
import { serviceRole } from "../iam/roles";
import { ValidationError, type ValidationIssue } from "../validation";
import {
  etlEventPattern,
  etlInputTransformer,
  resolveEtlTriggerSettings,
  validateEtlTriggerSettings,
  type EtlTriggerSettings,
  type ResolvedEtlTriggerSettings,
} from "./args";

export * from "./args";

export interface EtlTriggerArgs extends EtlTriggerSettings {
  /** The lake whose raw zone is watched; it must send its events to EventBridge (`eventBridge: true`). */
  lake: DataLake;
  /** The ML pipeline's state machine (`MlPipeline.stateMachineArn`), started once per matching object. */
  stateMachineArn: pulumi.Input<string>;
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/** The target's id on the rule. */
export const TARGET_ID = "ml-pipeline";

/**
 * Event-driven ETL (issue 10): an EventBridge rule on the default bus for the lake bucket's `Object Created`
 * events under the watched raw/ prefixes, and a target that starts the ML pipeline with the object mapped into
 * its execution input (see {@link etlInputTransformer}). The target retries with a bounded policy and then
 * sends the event to an SQS dead-letter queue (SSE-SQS, TLS only, writable by this rule alone); its role may
 * start executions of that one state machine and nothing else.
 */
export class EtlTrigger extends pulumi.ComponentResource {
  readonly ruleName: pulumi.Output<string>;
  readonly ruleArn: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  readonly deadLetterQueueArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly settings: ResolvedEtlTriggerSettings;

  constructor(name: string, args: EtlTriggerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveEtlTriggerSettings(args);
    const issues: ValidationIssue[] = validateEtlTriggerSettings(settings);
    if (!args.lake.settings.eventBridge) {
      issues.push({
        path: "lake.settings.eventBridge",
        value: args.lake.settings.eventBridge,
        expected: "true: the lake must send its bucket's events to EventBridge for the rule to see them",
      });
    }
    if (issues.length > 0) throw new ValidationError(`EtlTrigger ${name}`, issues);
    super("mlplat:etl-trigger:EtlTrigger", name, {}, opts);
    this.settings = settings;

    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };

    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      {
        description: `Starts the ML pipeline when a matching object lands under ${settings.prefixes.join(", ")}`,
        eventPattern: args.lake.bucketName.apply((bucket) =>
          JSON.stringify(etlEventPattern(bucket, settings)),
        ),
        state: settings.enabled ? "ENABLED" : "DISABLED",
        tags,
      },
      parent,
    );

    // SSE-SQS, not the lake's key: EventBridge could use a customer-managed key only if that key's policy let
    // events.amazonaws.com generate data keys, and the queue holds event metadata (bucket, key), not data.
    const deadLetters = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: settings.deadLetterRetentionDays * 24 * 3600,
        tags,
      },
      parent,
    );
    const queuePolicy = new aws.sqs.QueuePolicy(
      `${name}-dlq-policy`,
      {
        queueUrl: deadLetters.url,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EventBridgeSendsThisRulesFailures",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: SQS_SEND,
              Resource: deadLetters.arn,
              Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
            },
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "sqs:*",
              Resource: deadLetters.arn,
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      parent,
    );

    const role = serviceRole(
      `${name}-role`,
      { service: "events.amazonaws.com", description: `Starts the ML pipeline for the ${name} rule`, tags },
      this,
    );
    const permissions = new aws.iam.RolePolicy(
      `${name}-start-pipeline`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "StartPipelineExecutions",
              Effect: "Allow",
              Action: ETL_TRIGGER_START_EXECUTION,
              Resource: args.stateMachineArn,
            },
          ],
        }),
      },
      parent,
    );

    const transformer = etlInputTransformer(settings);
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        rule: rule.name,
        targetId: TARGET_ID,
        arn: args.stateMachineArn,
        roleArn: role.arn,
        inputTransformer: { inputPaths: transformer.inputPaths, inputTemplate: transformer.inputTemplate },
        retryPolicy: {
          maximumRetryAttempts: settings.retryAttempts,
          maximumEventAgeInSeconds: settings.maxEventAgeSeconds,
        },
        deadLetterConfig: { arn: deadLetters.arn },
      },
      // The first event may come as soon as the target exists: its role and queue must already accept it.
      { ...parent, dependsOn: [permissions, queuePolicy] },
    );

    this.ruleName = rule.name;
    this.ruleArn = rule.arn;
    this.deadLetterQueueUrl = deadLetters.url;
    this.deadLetterQueueArn = deadLetters.arn;
    this.roleArn = role.arn;
    this.registerOutputs({
      ruleName: this.ruleName,
      ruleArn: this.ruleArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      deadLetterQueueArn: this.deadLetterQueueArn,
      roleArn: this.roleArn,
    });
  }
}
