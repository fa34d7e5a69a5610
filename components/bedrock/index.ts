import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { keepOptions, type DataLake } from "../data-lake";
import {
  BEDROCK_APPLY_GUARDRAIL,
  BEDROCK_INVOKE,
  BEDROCK_KB_RETRIEVE,
  BEDROCK_KB_RETRIEVE_AND_GENERATE,
  LOGS_DELIVER,
} from "../iam/actions";
import { logsKeyPolicy } from "../kms/logs-key";
import { ValidationError } from "../validation";
import {
  BEDROCK_LOG_PREFIX,
  resolveBedrockSettings,
  validateBedrockSettings,
  type BedrockSettings,
  type ResolvedBedrockSettings,
} from "./args";

export * from "./args";

export interface BedrockAccessArgs extends BedrockSettings {
  /** The lake that receives the invocation logs under `artifacts/logs/bedrock/`. */
  lake: DataLake;
  /** Services that may assume the access role. @default ["lambda.amazonaws.com"] */
  principals?: string[];
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * Bedrock for the platform (seed §3, §8.3): a role that may invoke only an allowlist of foundation models
 * (whole or streamed), model-invocation logging to the lake and to a CloudWatch Logs group encrypted with its
 * own customer-managed key, an optional guardrail, and optional retrieval from a knowledge base. Other roles
 * get the same access with {@link BedrockAccess.grantInvoke}.
 *
 * Invocation logging is a per-account, per-region setting: declare one BedrockAccess per account and region.
 */
export class BedrockAccess extends pulumi.ComponentResource {
  /** The role applications assume to call Bedrock. */
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;
  /** ARNs of the foundation models the platform may invoke. */
  readonly modelArns: pulumi.Output<string[]>;
  readonly logGroupName: pulumi.Output<string>;
  /** The key that encrypts the invocation log group; CloudWatch Logs may use it for this account's groups. */
  readonly logsKmsKeyArn: pulumi.Output<string>;
  /** The guardrail's id and published version, when one is configured. */
  readonly guardrail?: { readonly id: pulumi.Output<string>; readonly version: pulumi.Output<string> };
  readonly settings: ResolvedBedrockSettings;

  private readonly accessName: string;
  private readonly guardrailArn?: pulumi.Output<string>;
  private readonly knowledgeBaseArn?: pulumi.Output<string>;

  constructor(name: string, args: BedrockAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveBedrockSettings(args);
    const issues = validateBedrockSettings(settings);
    if (issues.length > 0) throw new ValidationError(`BedrockAccess ${name}`, issues);
    super("mlplat:bedrock:BedrockAccess", name, {}, opts);
    this.settings = settings;
    this.accessName = name;
    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;

    this.modelArns = pulumi
      .all([partition, region])
      .apply(([p, r]) => settings.modelIds.map((id) => foundationModelArn(p, r, id)));

    // CloudWatch Logs encrypts with a customer-managed key only when the key policy lets the service use it.
    const keep = keepOptions(args.lake.settings.deletionPolicy);
    const logsKey = new aws.kms.Key(
      `${name}-logs-cmk`,
      {
        description: `Encrypts the ${name} Bedrock invocation logs`,
        enableKeyRotation: true,
        // Every log group of the account: the inference function's logs use this key too.
        policy: logsKeyPolicy({
          region,
          account,
          partition,
          logGroupPattern: "*",
          sid: "CloudWatchLogsEncryptsThisAccountsGroups",
        }),
        tags,
      },
      { ...parent, ...keep },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-invocations`,
      {
        name: `/mlplat/bedrock/${name}/invocations`,
        kmsKeyId: logsKey.arn,
        retentionInDays: settings.logRetentionDays,
        tags,
      },
      parent,
    );

    // Bedrock delivers the logs with a role of its own, which may only write to that group.
    const loggingRole = new aws.iam.Role(
      `${name}-logging-role`,
      {
        description: "Assumed by Bedrock to deliver model-invocation logs",
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "bedrock.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: {
                StringEquals: { "aws:SourceAccount": account },
                ArnLike: {
                  "aws:SourceArn": pulumi.interpolate`arn:${partition}:bedrock:${region}:${account}:*`,
                },
              },
            },
          ],
        }),
        tags,
      },
      parent,
    );
    const loggingPolicy = new aws.iam.RolePolicy(
      `${name}-logging`,
      {
        role: loggingRole.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DeliverInvocationLogs",
              Effect: "Allow",
              Action: LOGS_DELIVER,
              Resource: pulumi.interpolate`${logGroup.arn}:log-stream:*`,
            },
          ],
        }),
      },
      parent,
    );
    new aws.bedrockmodel.InvocationLoggingConfiguration(
      `${name}-invocation-logging`,
      {
        loggingConfig: {
          textDataDeliveryEnabled: settings.logTextData,
          imageDataDeliveryEnabled: false,
          embeddingDataDeliveryEnabled: false,
          videoDataDeliveryEnabled: false,
          cloudwatchConfig: { logGroupName: logGroup.name, roleArn: loggingRole.arn },
          s3Config: { bucketName: args.lake.bucketName, keyPrefix: BEDROCK_LOG_PREFIX.replace(/\/$/, "") },
        },
      },
      { ...parent, dependsOn: [loggingPolicy] },
    );

    if (settings.guardrail !== undefined) {
      const g = settings.guardrail;
      const guardrail = new aws.bedrock.Guardrail(
        `${name}-guardrail`,
        {
          name: `${name}-guardrail`,
          description: "Content filters on the platform's Bedrock requests",
          blockedInputMessaging: g.blockedInputMessaging,
          blockedOutputsMessaging: g.blockedOutputsMessaging,
          contentPolicyConfig: {
            filtersConfigs: ["HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"].map((type) => ({
              type,
              inputStrength: g.filterStrength,
              outputStrength: g.filterStrength,
            })),
          },
          tags,
        },
        parent,
      );
      const version = new aws.bedrock.GuardrailVersion(
        `${name}-guardrail-version`,
        { guardrailArn: guardrail.guardrailArn, description: "Published by the stack" },
        parent,
      );
      this.guardrail = { id: guardrail.guardrailId, version: version.version };
      this.guardrailArn = guardrail.guardrailArn;
    }
    if (settings.knowledgeBaseId !== undefined) {
      this.knowledgeBaseArn = pulumi.interpolate`arn:${partition}:bedrock:${region}:${account}:knowledge-base/${settings.knowledgeBaseId}`;
    }

    const principals = args.principals ?? ["lambda.amazonaws.com"];
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "Invokes the platform's allowlisted Bedrock models",
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: principals },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
          ],
        }),
        tags,
      },
      parent,
    );
    this.grantInvoke("access", this.role);

    this.roleArn = this.role.arn;
    this.logGroupName = logGroup.name;
    this.logsKmsKeyArn = logsKey.arn;
    this.registerOutputs({
      roleArn: this.roleArn,
      modelArns: this.modelArns,
      logGroupName: this.logGroupName,
      logsKmsKeyArn: this.logsKmsKeyArn,
    });
  }

  /**
   * Lets `role` invoke the allowlisted models (whole or streamed), apply the guardrail and query the knowledge
   * base when they are configured. The policy resource is `<access>-<id>-invoke`.
   */
  grantInvoke(id: string, role: aws.iam.Role): aws.iam.RolePolicy {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
      throw new Error(`grant id: got ${JSON.stringify(id)}, expected lowercase letters, digits and hyphens`);
    }
    const statements: pulumi.Input<Record<string, unknown>>[] = [
      { Sid: "InvokeAllowedModels", Effect: "Allow", Action: BEDROCK_INVOKE, Resource: this.modelArns },
    ];
    if (this.guardrailArn !== undefined) {
      statements.push({
        Sid: "ApplyGuardrail",
        Effect: "Allow",
        Action: BEDROCK_APPLY_GUARDRAIL,
        Resource: this.guardrailArn,
      });
    }
    if (this.knowledgeBaseArn !== undefined) {
      statements.push(
        {
          Sid: "RetrieveFromKnowledgeBase",
          Effect: "Allow",
          Action: BEDROCK_KB_RETRIEVE,
          Resource: this.knowledgeBaseArn,
        },
        {
          Sid: "RetrieveAndGenerate",
          Effect: "Allow",
          Action: BEDROCK_KB_RETRIEVE_AND_GENERATE,
          Resource: "*",
        },
      );
    }
    return new aws.iam.RolePolicy(
      `${this.accessName}-${id}-invoke`,
      { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
      { parent: this },
    );
  }
}

/** The ARN of a foundation model: `arn:aws:bedrock:us-east-1::foundation-model/<id>` (no account). */
export function foundationModelArn(partition: string, region: string, modelId: string): string {
  return `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`;
}
