import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, evaluateOne, messagesOf, T, TAGS, without } from "./helpers";

const L = {
  function: "aws:lambda/function:Function",
  url: "aws:lambda/functionUrl:FunctionUrl",
  queue: "aws:sqs/queue:Queue",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  permission: "aws:lambda/permission:Permission",
  notification: "aws:s3/bucketNotification:BucketNotification",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  logsFilter: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
  apiIntegration: "aws:apigatewayv2/integration:Integration",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
} as const;
const DLQ_ARN = "arn:aws:sqs:ap-northeast-2:123456789012:fn-dlq";
const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/fn-key-id";

/** An inference function as InferenceFunction declares it. */
function inferenceFunction(): DeclaredResource[] {
  const queue = declared(L.queue, "fn-dlq", {
    kmsMasterKeyId: "arn:aws:kms:ap-northeast-2:1:key/k",
    tags: TAGS,
  });
  const fn = declared(
    L.function,
    "fn",
    {
      runtime: "python3.12",
      handler: "lambda_function.handler",
      memorySize: 512,
      timeout: 30,
      ephemeralStorage: { size: 512 },
      reservedConcurrentExecutions: 10,
      tracingConfig: { mode: "Active" },
      deadLetterConfig: { targetArn: DLQ_ARN },
      environment: { variables: { MODEL_BUCKET: "lake-data", MODEL_KEY: "models/model.json" } },
      kmsKeyArn: KEY_ARN,
      tags: TAGS,
    },
    { propertyDependencies: { deadLetterConfig: [queue.urn] } },
  );
  const url = declared(
    L.url,
    "fn-url",
    { functionName: "fn-1234", authorizationType: "AWS_IAM" },
    { propertyDependencies: { functionName: [fn.urn] } },
  );
  return [queue, fn, url];
}

describe("lambda-function-limits", () => {
  const policy = "lambda-function-limits";

  it("passes a function within the limits, and the edges of them", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([]);
    const edges = changed(inferenceFunction(), "fn", {
      memorySize: 10240,
      timeout: 900,
      ephemeralStorage: { size: 10240 },
    });
    expect(await messagesOf(policy, edges)).toEqual([]);
  });

  it("fails each setting beyond Lambda's limits (seed §4.3)", async () => {
    expect(await messagesOf(policy, changed(inferenceFunction(), "fn", { memorySize: 10241 }))).toEqual([
      'Function "fn" has memorySize 10241 MB: Lambda allows 128 MB to 10,240 MB',
    ]);
    expect(await messagesOf(policy, changed(inferenceFunction(), "fn", { timeout: 901 }))).toEqual([
      'Function "fn" has timeout 901 s: Lambda allows 1 to 900 seconds (15 minutes)',
    ]);
    expect(
      await messagesOf(policy, changed(inferenceFunction(), "fn", { ephemeralStorage: { size: 511 } })),
    ).toEqual(['Function "fn" has ephemeralStorage.size 511 MB: Lambda allows 512 MB to 10,240 MB of /tmp']);
  });
});

describe("lambda-reserved-concurrency", () => {
  const policy = "lambda-reserved-concurrency";

  it("passes a function with reserved concurrency", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([]);
  });

  it("fails a function without it, or with -1 (unreserved)", async () => {
    const message =
      'Function "fn" has no reserved concurrency: it can take the account\'s whole concurrency (1,000 by default) and throttle every other function';
    expect(
      await messagesOf(
        policy,
        changed(inferenceFunction(), "fn", { reservedConcurrentExecutions: undefined }),
      ),
    ).toEqual([message]);
    expect(
      await messagesOf(policy, changed(inferenceFunction(), "fn", { reservedConcurrentExecutions: -1 })),
    ).toEqual([message]);
  });
});

/** The function, with `invokers` declared around it (each naming it by dependency). */
function invokedBy(
  ...invokers: [type: string, name: string, inputs: Record<string, unknown>, property: string][]
) {
  const resources = changed(inferenceFunction(), "fn", { deadLetterConfig: undefined });
  const fnUrn = resources.find((r) => r.name === "fn")?.urn ?? "";
  return [
    ...without(resources, "fn-url"),
    ...invokers.map(([type, name, inputs, property]) =>
      declared(type, name, inputs, { propertyDependencies: { [property]: [fnUrn] } }),
    ),
  ];
}

const FN_ARN = "arn:aws:lambda:ap-northeast-2:123456789012:function:fn";
const S3_NOTIFICATION: Parameters<typeof invokedBy>[0] = [
  L.notification,
  "raw-events",
  { bucket: "raw", lambdaFunctions: [{ lambdaFunctionArn: FN_ARN, events: ["s3:ObjectCreated:*"] }] },
  "lambdaFunctions",
];

describe("lambda-failure-destination", () => {
  const policy = "lambda-failure-destination";
  const message = (by: string) =>
    `Function "fn" is invoked asynchronously (by ${by}) but has neither a dead-letter queue (deadLetterConfig.targetArn) nor an on-failure destination: events that fail after Lambda's two retries are dropped`;

  it("passes an asynchronously invoked function with a dead-letter queue", async () => {
    const withDlq = changed(invokedBy(S3_NOTIFICATION), "fn", { deadLetterConfig: { targetArn: DLQ_ARN } });
    expect(await messagesOf(policy, withDlq)).toEqual([]);
  });

  it("fails a function that each asynchronous invoker calls, without a dead-letter queue", async () => {
    expect(await messagesOf(policy, invokedBy(S3_NOTIFICATION))).toEqual([
      message('S3 bucket notification "raw-events"'),
    ]);
    const invokers: Parameters<typeof invokedBy>[0][] = [
      [L.subscription, "alerts-fn", { topic: "t", protocol: "lambda", endpoint: FN_ARN }, "endpoint"],
      [L.eventTarget, "nightly-fn", { rule: "nightly", arn: FN_ARN }, "arn"],
      [
        L.logsFilter,
        "errors-fn",
        { logGroup: "/app", filterPattern: "", destinationArn: FN_ARN },
        "destinationArn",
      ],
      [
        L.permission,
        "fn-from-sns",
        { action: "lambda:InvokeFunction", function: "fn", principal: "sns.amazonaws.com" },
        "function",
      ],
    ];
    const labels = [
      'SNS subscription "alerts-fn"',
      'EventBridge target "nightly-fn"',
      'CloudWatch Logs subscription filter "errors-fn"',
      'Lambda permission "fn-from-sns"',
    ];
    for (const [i, invoker] of invokers.entries()) {
      expect(await messagesOf(policy, invokedBy(invoker))).toEqual([message(labels[i] ?? "")]);
    }
  });

  it("finds an invoker by the function's ARN when no dependency says so", async () => {
    const [type, name, inputs] = S3_NOTIFICATION;
    const resources = [...invokedBy(), declared(type, name, inputs)];
    expect(await messagesOf(policy, resources)).toEqual([message('S3 bucket notification "raw-events"')]);
  });

  it("passes a function only invoked synchronously: a URL, API Gateway, Step Functions, an event source mapping", async () => {
    const fnNoDlq = changed(inferenceFunction(), "fn", { deadLetterConfig: undefined });
    expect(await messagesOf(policy, fnNoDlq)).toEqual([]);
    expect(
      await messagesOf(
        policy,
        invokedBy(
          [
            L.apiIntegration,
            "api-predict",
            { integrationUri: FN_ARN, integrationType: "AWS_PROXY" },
            "integrationUri",
          ],
          [
            L.stateMachine,
            "pipeline",
            {
              definition: JSON.stringify({
                States: {
                  Predict: {
                    Resource: "arn:aws:states:::lambda:invoke",
                    Parameters: { FunctionName: FN_ARN },
                  },
                },
              }),
            },
            "definition",
          ],
          [
            L.eventSourceMapping,
            "fn-queue",
            { functionName: "fn", eventSourceArn: "arn:aws:sqs:ap-northeast-2:123456789012:q" },
            "functionName",
          ],
          [
            L.permission,
            "fn-from-api",
            { action: "lambda:InvokeFunction", function: "fn", principal: "apigateway.amazonaws.com" },
            "function",
          ],
        ),
      ),
    ).toEqual([]);
  });

  it("fails a Step Functions task that invokes with InvocationType Event", async () => {
    const definition = JSON.stringify({
      States: {
        Notify: {
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: FN_ARN, InvocationType: "Event" },
        },
      },
    });
    expect(
      await messagesOf(policy, invokedBy([L.stateMachine, "pipeline", { definition }, "definition"])),
    ).toEqual([message('Step Functions state machine "pipeline"')]);
  });

  it("passes a function whose event-invoke config has an on-failure destination, and fails one without it", async () => {
    const config: Parameters<typeof invokedBy>[0] = [
      L.invokeConfig,
      "fn-async",
      { functionName: "fn-1234", destinationConfig: { onFailure: { destination: DLQ_ARN } } },
      "functionName",
    ];
    expect(await messagesOf(policy, invokedBy(S3_NOTIFICATION, config))).toEqual([]);
    const noFailure: Parameters<typeof invokedBy>[0] = [
      L.invokeConfig,
      "fn-async",
      { functionName: "fn-1234", destinationConfig: {} },
      "functionName",
    ];
    expect(await messagesOf(policy, invokedBy(noFailure))).toEqual([
      message('event-invoke config "fn-async"'),
    ]);
  });

  it("is not applicable to a stack without functions, and does not guess an unknown dead-letter queue", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
    const unknown = changed(invokedBy(S3_NOTIFICATION), "fn", {
      deadLetterConfig: { targetArn: policyProxy.unknownStringValue },
    });
    expect(await messagesOf(policy, unknown)).toEqual([]);
  });
});

describe("lambda-failure-destination-unseen-callers", () => {
  const policy = "lambda-failure-destination-unseen-callers";

  it("is not applicable to a stack without functions, and does not guess an unknown dead-letter queue", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
    const unknown = changed(invokedBy(), "fn", {
      deadLetterConfig: { targetArn: policyProxy.unknownStringValue },
    });
    expect(await messagesOf(policy, unknown)).toEqual([]);
  });

  it("advises a dead-letter queue for a function nothing in the program invokes", async () => {
    const { violations } = await evaluateOne(policy, invokedBy());
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        `Function "fn" has neither a dead-letter queue nor an on-failure destination, and nothing in the program invokes it: if it is invoked asynchronously, events that fail after Lambda's two retries are dropped`,
      ],
    ]);
  });

  it("advises it when only a permission for an account lets something invoke the function", async () => {
    const account: Parameters<typeof invokedBy>[0] = [
      L.permission,
      "fn-from-partner",
      { action: "lambda:InvokeFunction", function: "fn", principal: "210987654321" },
      "function",
    ];
    expect(await messagesOf(policy, invokedBy(account))).toEqual([
      `Function "fn" has neither a dead-letter queue nor an on-failure destination, and only Lambda permission "fn-from-partner" lets something invoke it, in a way the program does not show: if it is invoked asynchronously, events that fail after Lambda's two retries are dropped`,
    ]);
  });

  it("leaves functions with seen callers (asynchronous or synchronous) and functions with a dead-letter queue alone", async () => {
    expect(await messagesOf(policy, invokedBy(S3_NOTIFICATION))).toEqual([]);
    expect(
      await messagesOf(policy, changed(inferenceFunction(), "fn", { deadLetterConfig: undefined })),
    ).toEqual([]);
    expect(await messagesOf(policy, without(inferenceFunction(), "fn-url"))).toEqual([]);
  });
});

describe("lambda-tracing-active", () => {
  const policy = "lambda-tracing-active";

  it("passes active tracing", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([]);
  });

  it("fails PassThrough and a missing tracing config", async () => {
    expect(
      await messagesOf(
        policy,
        changed(inferenceFunction(), "fn", { tracingConfig: { mode: "PassThrough" } }),
      ),
    ).toEqual([
      'Function "fn" does not trace with X-Ray (tracingConfig.mode is "PassThrough"): set it to "Active"',
    ]);
    expect(
      await messagesOf(policy, changed(inferenceFunction(), "fn", { tracingConfig: undefined })),
    ).toEqual([
      'Function "fn" does not trace with X-Ray (tracingConfig.mode is not set): set it to "Active"',
    ]);
  });
});

describe("lambda-function-url-auth", () => {
  const policy = "lambda-function-url-auth";

  it("passes an IAM-authenticated URL, and a stack without URLs", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([]);
    expect(await messagesOf(policy, without(inferenceFunction(), "fn-url"))).toEqual([]);
  });

  it("fails an unauthenticated URL", async () => {
    expect(
      await messagesOf(policy, changed(inferenceFunction(), "fn-url", { authorizationType: "NONE" })),
    ).toEqual([
      'Function URL "fn-url" has authorizationType "NONE": anyone on the internet can invoke the function',
    ]);
  });
});

/** The level and message of each violation of one policy, to show an unknown value is not run, not passed. */
async function notRun(policy: string, resources: DeclaredResource[]): Promise<string[]> {
  return (await evaluateOne(policy, resources)).violations.map(
    (v) => `${v.level}: ${v.message.split(":")[0]}`,
  );
}

describe("lambda-no-secrets-in-environment", () => {
  const policy = "lambda-no-secrets-in-environment";
  const env = (variables: Record<string, unknown>) =>
    changed(inferenceFunction(), "fn", { environment: { variables }, kmsKeyArn: KEY_ARN });

  it("passes names of things, ARNs, paths and Pulumi secrets", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([]);
    expect(
      await messagesOf(
        policy,
        env({
          MODEL_BUCKET: "lake-data",
          DB_SECRET: "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:db",
          API_TOKEN: "/mlplat/api-token",
          DB_PASSWORD: "[secret]",
          SECRET_NAME: "prod/db",
        }),
      ),
    ).toEqual([]);
  });

  it("fails credentials by their shape, and values of variables named as secrets, naming the variable only", async () => {
    expect(
      await messagesOf(
        policy,
        env({
          AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
          AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          SIGNING: "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
        }),
      ),
    ).toEqual([
      'Function "fn" has an AWS access key id in environment.variables.AWS_ACCESS_KEY_ID: anyone who can read the function\'s configuration can read it; read it from Secrets Manager or SSM Parameter Store at run time',
      'Function "fn" has a credential (by its name) in environment.variables.AWS_SECRET_ACCESS_KEY: anyone who can read the function\'s configuration can read it; read it from Secrets Manager or SSM Parameter Store at run time',
      'Function "fn" has a private key in environment.variables.SIGNING: anyone who can read the function\'s configuration can read it; read it from Secrets Manager or SSM Parameter Store at run time',
    ]);
  });

  it("is not applicable to other types, and skips a value unknown during preview", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
    expect(await messagesOf(policy, env({ API_KEY: policyProxy.unknownStringValue }))).toEqual([]);
  });
});

describe("lambda-environment-kms", () => {
  const policy = "lambda-environment-kms";

  it("passes variables encrypted with a customer-managed key", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([]);
  });

  it("fails variables without kmsKeyArn, or with an empty one", async () => {
    const message = (found: string) =>
      `Function "fn" has environment variables but kmsKeyArn is ${found}: they are encrypted with Lambda's AWS-managed key only; set kmsKeyArn to a customer-managed key`;
    expect(await messagesOf(policy, changed(inferenceFunction(), "fn", { kmsKeyArn: undefined }))).toEqual([
      message("not set"),
    ]);
    expect(await messagesOf(policy, changed(inferenceFunction(), "fn", { kmsKeyArn: "" }))).toEqual([
      message('""'),
    ]);
  });

  it("is not applicable without variables, and is not run while the environment is unknown", async () => {
    for (const environment of [undefined, { variables: {} }]) {
      const { violations, notApplicable } = await evaluateOne(
        policy,
        changed(inferenceFunction(), "fn", { environment }),
      );
      expect(violations).toEqual([]);
      expect(notApplicable).toEqual({ [policy]: 3 });
    }
    expect(
      await notRun(
        policy,
        changed(inferenceFunction(), "fn", { environment: policyProxy.unknownStringValue }),
      ),
    ).toEqual([
      "advisory: can't run policy 'lambda-environment-kms' from policy pack 'mlplat-guardrails@v0.1.0' during preview",
    ]);
  });
});

describe("lambda-runtime-supported", () => {
  const policy = "lambda-runtime-supported";

  it("passes supported runtimes, and container images (no runtime)", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([]);
    expect(await messagesOf(policy, changed(inferenceFunction(), "fn", { runtime: "nodejs22.x" }))).toEqual(
      [],
    );
    const image = changed(inferenceFunction(), "fn", {
      runtime: undefined,
      handler: undefined,
      packageType: "Image",
    });
    expect(await messagesOf(policy, image)).toEqual([]);
  });

  it("fails deprecated runtimes, Checkov's and those past their end of life since", async () => {
    for (const runtime of ["python3.9", "nodejs16.x", "nodejs18.x", "go1.x"]) {
      expect(await messagesOf(policy, changed(inferenceFunction(), "fn", { runtime }))).toEqual([
        `Function "fn" has runtime "${runtime}", which is deprecated: it gets no security patches; move to a supported runtime`,
      ]);
    }
  });

  it("is not run while the runtime is unknown", async () => {
    expect(
      await notRun(policy, changed(inferenceFunction(), "fn", { runtime: policyProxy.unknownStringValue })),
    ).toEqual([
      "advisory: can't run policy 'lambda-runtime-supported' from policy pack 'mlplat-guardrails@v0.1.0' during preview",
    ]);
  });
});

describe("lambda-in-vpc", () => {
  const policy = "lambda-in-vpc";

  it("is not applicable to other types", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
  const vpc = { vpcConfig: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-fn"] } };

  it("passes a function in private subnets, and an unknown subnet list", async () => {
    expect(await messagesOf(policy, changed(inferenceFunction(), "fn", vpc))).toEqual([]);
    const unknown = { vpcConfig: { subnetIds: policyProxy.unknownStringValue, securityGroupIds: ["sg-fn"] } };
    expect(await messagesOf(policy, changed(inferenceFunction(), "fn", unknown))).toEqual([]);
  });

  it("fails a function without vpcConfig, or with no subnets", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([
      'Function "fn" does not run in a VPC (vpcConfig.subnetIds is not set): set vpcConfig with private subnets and security groups',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(inferenceFunction(), "fn", { vpcConfig: { subnetIds: [], securityGroupIds: [] } }),
      ),
    ).toEqual([
      'Function "fn" does not run in a VPC (vpcConfig.subnetIds is []): set vpcConfig with private subnets and security groups',
    ]);
  });
});

describe("lambda-code-signing", () => {
  const policy = "lambda-code-signing";
  const CSC = "arn:aws:lambda:ap-northeast-2:123456789012:code-signing-config:csc-0123456789abcdef0";

  it("passes a function with a code-signing config, and an unknown one", async () => {
    expect(
      await messagesOf(policy, changed(inferenceFunction(), "fn", { codeSigningConfigArn: CSC })),
    ).toEqual([]);
    expect(
      await messagesOf(
        policy,
        changed(inferenceFunction(), "fn", { codeSigningConfigArn: policyProxy.unknownStringValue }),
      ),
    ).toEqual([]);
  });

  it("fails a zip function without one", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([
      'Function "fn" has no code-signing config (codeSigningConfigArn is not set): Lambda deploys unsigned code; set codeSigningConfigArn',
    ]);
  });

  it("is not applicable to container images, which Lambda does not sign", async () => {
    const { violations, notApplicable } = await evaluateOne(
      policy,
      changed(inferenceFunction(), "fn", { packageType: "Image", runtime: undefined }),
    );
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 3 });
  });
});

describe("lambda-function-url-cors", () => {
  const policy = "lambda-function-url-cors";

  it("is not applicable to other types", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
  const cors = (c: Record<string, unknown>) => changed(inferenceFunction(), "fn-url", { cors: c });

  it("passes a URL without CORS, with listed origins, or with * for only one of origins and methods", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([]);
    expect(
      await messagesOf(policy, cors({ allowOrigins: ["https://app.example.com"], allowMethods: ["*"] })),
    ).toEqual([]);
    expect(await messagesOf(policy, cors({ allowOrigins: ["*"], allowMethods: ["POST"] }))).toEqual([]);
    expect(await messagesOf(policy, cors(policyProxy.unknownStringValue as never))).toEqual([]);
  });

  it("fails a URL that allows every origin every method", async () => {
    expect(await messagesOf(policy, cors({ allowOrigins: ["*"], allowMethods: ["*"] }))).toEqual([
      'Function URL "fn-url" has cors.allowOrigins ["*"] and cors.allowMethods ["*"]: any web page can call the function with any method; list the allowed origins or methods',
    ]);
  });
});

describe("lambda-permission-scoped", () => {
  const policy = "lambda-permission-scoped";
  const permission = (inputs: Record<string, unknown>) => [
    declared(L.permission, "fn-invoke", { action: "lambda:InvokeFunction", function: "fn", ...inputs }),
  ];

  it("passes an account principal, a service limited by sourceArn or sourceAccount, and * within the organization", async () => {
    expect(await messagesOf(policy, permission({ principal: "123456789012" }))).toEqual([]);
    expect(
      await messagesOf(policy, permission({ principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::raw" })),
    ).toEqual([]);
    expect(
      await messagesOf(
        policy,
        permission({ principal: "events.amazonaws.com", sourceAccount: "123456789012" }),
      ),
    ).toEqual([]);
    expect(await messagesOf(policy, permission({ principal: "*", principalOrgId: "o-abc123" }))).toEqual([]);
  });

  it("fails principal *, and a service principal without sourceArn or sourceAccount", async () => {
    expect(await messagesOf(policy, permission({ principal: "*" }))).toEqual([
      'Lambda permission "fn-invoke" has principal "*": anyone can invoke the function; name the account, role or service that invokes it',
    ]);
    expect(await messagesOf(policy, permission({ principal: "s3.amazonaws.com" }))).toEqual([
      'Lambda permission "fn-invoke" lets the service s3.amazonaws.com invoke the function without sourceArn or sourceAccount: any account\'s resources of that service can invoke it; set sourceArn (or sourceAccount)',
    ]);
  });

  it("is not applicable to other types, and is not run while the principal is unknown", async () => {
    const { notApplicable } = await evaluateOne(policy, inferenceFunction());
    expect(notApplicable).toEqual({ [policy]: 3 });
    expect(await notRun(policy, permission({ principal: policyProxy.unknownStringValue }))).toEqual([
      "advisory: can't run policy 'lambda-permission-scoped' from policy pack 'mlplat-guardrails@v0.1.0' during preview",
    ]);
  });
});
