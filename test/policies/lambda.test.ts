import { describe, expect, it } from "vitest";

import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, messagesOf, TAGS, without } from "./helpers";

const L = {
  function: "aws:lambda/function:Function",
  url: "aws:lambda/functionUrl:FunctionUrl",
  queue: "aws:sqs/queue:Queue",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
} as const;
const DLQ_ARN = "arn:aws:sqs:ap-northeast-2:123456789012:fn-dlq";

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

describe("lambda-failure-destination", () => {
  const policy = "lambda-failure-destination";
  const message =
    'Function "fn" has neither a dead-letter queue nor an on-failure destination: failed asynchronous invocations are dropped';

  it("passes a function with a dead-letter queue", async () => {
    expect(await messagesOf(policy, inferenceFunction())).toEqual([]);
  });

  it("fails a function with neither a dead-letter queue nor an on-failure destination", async () => {
    expect(
      await messagesOf(policy, changed(inferenceFunction(), "fn", { deadLetterConfig: undefined })),
    ).toEqual([message]);
  });

  it("passes a function whose event-invoke config has an on-failure destination, and only that function", async () => {
    const resources = changed(inferenceFunction(), "fn", { deadLetterConfig: undefined });
    const fnUrn = resources.find((r) => r.name === "fn")?.urn ?? "";
    const config = declared(
      L.invokeConfig,
      "fn-async",
      { functionName: "fn-1234", destinationConfig: { onFailure: { destination: DLQ_ARN } } },
      { propertyDependencies: { functionName: [fnUrn] } },
    );
    expect(await messagesOf(policy, [...resources, config])).toEqual([]);
    const noFailure = { ...config, inputs: { functionName: "fn-1234", destinationConfig: {} } };
    expect(await messagesOf(policy, [...resources, noFailure])).toEqual([message]);
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
