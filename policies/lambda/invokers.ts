import type { PolicyResource } from "@pulumi/policy";

import { peek, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

/**
 * How a caller invokes a function. Only an asynchronous invocation (Lambda queues the event and retries it
 * twice) can end in a dead-letter queue or an on-failure destination; a synchronous caller receives the error
 * itself, and a poller (an event source mapping) keeps failed records in its own source.
 */
export type InvocationKind = "asynchronous" | "synchronous" | "unknown";

/** A resource of the program that invokes a function, or lets something invoke it. */
export interface Invoker {
  readonly kind: InvocationKind;
  /** `S3 bucket notification "raw-events"`, for messages. */
  readonly description: string;
}

interface InvokerType {
  readonly label: string;
  /** The properties that name the function (by dependency, name or ARN). */
  readonly properties: readonly string[];
  readonly kind: InvocationKind | ((resource: PolicyResource) => InvocationKind);
}

/**
 * Service principals of an aws.lambda.Permission, by how the service invokes the function. A principal not
 * listed (an account, `*`, another service) lets something invoke the function in a way the program does not
 * show.
 */
const ASYNC_PRINCIPALS = new Set([
  "s3.amazonaws.com",
  "sns.amazonaws.com",
  "events.amazonaws.com",
  "scheduler.amazonaws.com",
  "logs.amazonaws.com",
  "ses.amazonaws.com",
  "iot.amazonaws.com",
  "config.amazonaws.com",
  "codecommit.amazonaws.com",
  "lambda.alarms.cloudwatch.amazonaws.com",
]);
const SYNC_PRINCIPALS = new Set([
  "apigateway.amazonaws.com",
  "elasticloadbalancing.amazonaws.com",
  "cognito-idp.amazonaws.com",
  "lex.amazonaws.com",
  "lexv2.amazonaws.com",
  "bedrock.amazonaws.com",
  "secretsmanager.amazonaws.com",
  "connect.amazonaws.com",
]);

function permissionKind(permission: PolicyResource): InvocationKind {
  const principal = peek(() => permission.props.principal as unknown);
  if (typeof principal !== "string") return "unknown";
  // Logs principals are regional (logs.<region>.amazonaws.com).
  const service = principal.replace(/^logs\.[a-z0-9-]+\.amazonaws\.com$/, "logs.amazonaws.com");
  if (ASYNC_PRINCIPALS.has(service)) return "asynchronous";
  if (SYNC_PRINCIPALS.has(service)) return "synchronous";
  return "unknown";
}

/** A Step Functions task invokes with `lambda:invoke`, synchronously unless its InvocationType is Event. */
function stateMachineKind(machine: PolicyResource): InvocationKind {
  const definition = peek(() => machine.props.definition as unknown);
  return typeof definition === "string" && /"InvocationType"\s*:\s*"Event"/.test(definition)
    ? "asynchronous"
    : "synchronous";
}

/** An EventBridge pipe invokes synchronously unless told FIRE_AND_FORGET. */
function pipeKind(pipe: PolicyResource): InvocationKind {
  const type = peek(
    () =>
      (pipe.props.targetParameters as { lambdaFunctionParameters?: { invocationType?: unknown } } | undefined)
        ?.lambdaFunctionParameters?.invocationType,
  );
  return type === "FIRE_AND_FORGET" ? "asynchronous" : "synchronous";
}

/** The resource types that invoke a function, keyed by type token. */
const INVOKER_TYPES: Readonly<Record<string, InvokerType>> = {
  "aws:s3/bucketNotification:BucketNotification": {
    label: "S3 bucket notification",
    properties: ["lambdaFunctions"],
    kind: "asynchronous",
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    label: "SNS subscription",
    properties: ["endpoint"],
    kind: "asynchronous",
  },
  "aws:cloudwatch/eventTarget:EventTarget": {
    label: "EventBridge target",
    properties: ["arn"],
    kind: "asynchronous",
  },
  "aws:scheduler/schedule:Schedule": {
    label: "EventBridge Scheduler schedule",
    properties: ["target"],
    kind: "asynchronous",
  },
  "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": {
    label: "CloudWatch Logs subscription filter",
    properties: ["destinationArn"],
    kind: "asynchronous",
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    label: "CloudWatch alarm",
    properties: ["alarmActions", "okActions", "insufficientDataActions"],
    kind: "asynchronous",
  },
  "aws:iot/topicRule:TopicRule": { label: "IoT topic rule", properties: ["lambdas"], kind: "asynchronous" },
  // Only asynchronous invocations read an event-invoke config: declaring one says the function gets them.
  [LAMBDA.eventInvokeConfig]: {
    label: "event-invoke config",
    properties: ["functionName"],
    kind: "asynchronous",
  },
  [LAMBDA.permission]: { label: "Lambda permission", properties: ["function"], kind: permissionKind },
  [LAMBDA.functionUrl]: { label: "function URL", properties: ["functionName"], kind: "synchronous" },
  "aws:apigateway/integration:Integration": {
    label: "API Gateway integration",
    properties: ["uri"],
    kind: "synchronous",
  },
  "aws:apigatewayv2/integration:Integration": {
    label: "API Gateway integration",
    properties: ["integrationUri"],
    kind: "synchronous",
  },
  "aws:apigateway/authorizer:Authorizer": {
    label: "API Gateway authorizer",
    properties: ["authorizerUri"],
    kind: "synchronous",
  },
  "aws:apigatewayv2/authorizer:Authorizer": {
    label: "API Gateway authorizer",
    properties: ["authorizerUri"],
    kind: "synchronous",
  },
  "aws:sfn/stateMachine:StateMachine": {
    label: "Step Functions state machine",
    properties: ["definition"],
    kind: stateMachineKind,
  },
  "aws:pipes/pipe:Pipe": { label: "EventBridge pipe", properties: ["target"], kind: pipeKind },
  "aws:lambda/eventSourceMapping:EventSourceMapping": {
    label: "event source mapping",
    properties: ["functionName"],
    kind: "synchronous",
  },
  "aws:lambda/invocation:Invocation": {
    label: "Lambda invocation",
    properties: ["functionName"],
    kind: "synchronous",
  },
  "aws:lb/targetGroupAttachment:TargetGroupAttachment": {
    label: "load balancer target group attachment",
    properties: ["targetId"],
    kind: "synchronous",
  },
  "aws:cognito/userPool:UserPool": {
    label: "Cognito user pool trigger",
    properties: ["lambdaConfig"],
    kind: "synchronous",
  },
  "aws:appsync/dataSource:DataSource": {
    label: "AppSync data source",
    properties: ["lambdaConfig"],
    kind: "synchronous",
  },
  "aws:bedrock/agentAgentActionGroup:AgentAgentActionGroup": {
    label: "Bedrock agent action group",
    properties: ["actionGroupExecutor"],
    kind: "synchronous",
  },
};

/** The resources of the stack that invoke `fn`, and how. */
export function invokersOf(fn: PolicyResource, resources: readonly PolicyResource[]): Invoker[] {
  const names = functionNames(fn);
  return resources.flatMap((r) => {
    const invoker = INVOKER_TYPES[r.type];
    if (invoker === undefined || r === fn) return [];
    if (!invoker.properties.some((p) => names(r, p))) return [];
    const kind = typeof invoker.kind === "function" ? invoker.kind(r) : invoker.kind;
    return [{ kind, description: `${invoker.label} ${JSON.stringify(r.name)}` }];
  });
}

/**
 * Whether a property of a resource names the function: it depends on the function, or a string in it is the
 * function's name or holds its ARN (`...:function:<name>`, also inside an invocation URI or a definition).
 */
function functionNames(fn: PolicyResource): (r: PolicyResource, property: string) => boolean {
  const declaredName = peek(() => fn.props.name as unknown);
  const ids = [fn.name, ...(typeof declaredName === "string" && declaredName !== "" ? [declaredName] : [])];
  const arn = new RegExp(`:function:(?:${ids.map(escapeRegExp).join("|")})(?=$|[:/"'\\s])`);
  return (r, property) => {
    if ((r.propertyDependencies[property] ?? []).some((d) => d.urn === fn.urn)) return true;
    const value = peek(() => r.props[property] as unknown);
    if (value === UNKNOWN) return false;
    return stringsIn(value).some((s) => ids.includes(s) || arn.test(s));
  };
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\*]/g, "\\$&");
}

/** True when the function keeps failed asynchronous invocations: a dead-letter queue or an on-failure destination. */
export function keepsFailedEvents(
  fn: PolicyResource,
  resources: readonly PolicyResource[],
): boolean | typeof UNKNOWN {
  const dlq = peek(() => (fn.props.deadLetterConfig as { targetArn?: unknown } | undefined)?.targetArn);
  if (dlq === UNKNOWN) return UNKNOWN;
  if (typeof dlq === "string" && dlq !== "") return true;
  const names = functionNames(fn);
  const configs = resources.filter((r) => r.type === LAMBDA.eventInvokeConfig && names(r, "functionName"));
  const destinations = configs.map((c) =>
    peek(
      () =>
        (c.props.destinationConfig as { onFailure?: { destination?: unknown } } | undefined)?.onFailure
          ?.destination,
    ),
  );
  if (destinations.some((d) => typeof d === "string" && d !== "")) return true;
  return destinations.includes(UNKNOWN) ? UNKNOWN : false;
}
