import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import { declared, evaluateOne, messagesOf, TAGS } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;
const QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy";
const REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy";
const FILE_SYSTEM_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy";
const TOPIC = "aws:sns/topic:Topic";
const QUEUE = "aws:sqs/queue:Queue";
const STREAM = "aws:kinesis/stream:Stream";
const FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
const ROUTE = "aws:apigatewayv2/route:Route";
const METHOD = "aws:apigateway/method:Method";
const REST_API = "aws-apigateway:index:RestAPI";

const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:events";
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/k";

const document = (...Statement: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement });

/** A queue policy that lets the account's topic deliver, tied to it: compliant for both principal policies. */
const fromTopic = {
  Sid: "TopicDelivers",
  Effect: "Allow",
  Principal: { Service: "sns.amazonaws.com" },
  Action: "sqs:SendMessage",
  Resource: QUEUE_ARN,
  Condition: { ArnEquals: { "aws:SourceArn": TOPIC_ARN } },
};
const queuePolicy = (...statements: Record<string, unknown>[]) =>
  declared(QUEUE_POLICY, "jobs-policy", { queueUrl: "https://sqs/jobs", policy: document(...statements) });

describe("resource-policy-not-public", () => {
  const policy = "resource-policy-not-public";

  it("passes named principals, a service tied to its source, and everyone narrowed by a condition", async () => {
    const org = {
      ...fromTopic,
      Sid: "Org",
      Principal: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } },
    };
    const account = {
      Sid: "Account",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "sqs:*",
    };
    expect(await messagesOf(policy, [queuePolicy(fromTopic, org, account)])).toEqual([]);
    const efs = declared(FILE_SYSTEM_POLICY, "fs-policy", {
      fileSystemId: "fs-1",
      policy: document({
        Sid: "Mount",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["elasticfilesystem:ClientMount"],
        Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
      }),
    });
    expect(await messagesOf(policy, [efs])).toEqual([]);
  });

  it("fails an ECR repository policy that lets everyone push and delete", async () => {
    const repository = declared(REPOSITORY_POLICY, "models-policy", {
      repository: "models",
      policy: document({
        Sid: "Open",
        Effect: "Allow",
        Principal: "*",
        Action: ["ecr:PutImage", "ecr:DeleteRepository"],
      }),
    });
    expect(await messagesOf(policy, [repository])).toEqual([
      'RepositoryPolicy "models-policy" policy statement "Open" allows everyone (Principal "*") ecr:PutImage, ' +
        "ecr:DeleteRepository with no condition that limits who: name the principals, or add aws:PrincipalOrgID, " +
        "aws:PrincipalAccount, aws:SourceVpce or aws:SourceArn",
    ]);
  });

  it('fails {"AWS": "*"} whose only condition is a negated one, and ignores Deny statements', async () => {
    const negated = {
      Effect: "Allow",
      Principal: { AWS: ["*"] },
      Action: "sqs:SendMessage",
      Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-1" } },
    };
    const deny = {
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    expect(await messagesOf(policy, [queuePolicy(negated, deny)])).toEqual([
      'QueuePolicy "jobs-policy" policy statement 1 allows everyone (Principal "*") sqs:SendMessage with no condition ' +
        "that limits who: name the principals, or add aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceVpce or aws:SourceArn",
    ]);
  });

  it("does not apply to other types, and does not run on a policy unknown during preview", async () => {
    const other = await evaluateOne(policy, [declared(TOPIC, "t", { kmsMasterKeyId: KEY_ARN })]);
    expect(other.violations).toEqual([]);
    const unknown = declared(QUEUE_POLICY, "p", { queueUrl: "u", policy: UNKNOWN_STRING });
    expect((await evaluateOne(policy, [unknown])).violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("resource-policy-service-source-condition", () => {
  const policy = "resource-policy-service-source-condition";

  it("passes a service grant tied to its source", async () => {
    expect(await messagesOf(policy, [queuePolicy(fromTopic)])).toEqual([]);
  });

  it("fails a service grant with no source condition", async () => {
    const loose = { ...fromTopic, Condition: undefined, Principal: { Service: ["sns.amazonaws.com"] } };
    expect(await messagesOf(policy, [queuePolicy(loose)])).toEqual([
      'QueuePolicy "jobs-policy" policy statement "TopicDelivers" allows the service sns.amazonaws.com with no ' +
        "aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition: any account's resources of that service could use it",
    ]);
  });
});

describe("messaging-encrypted", () => {
  const policy = "messaging-encrypted";
  const compliant = [
    declared(TOPIC, "events", { kmsMasterKeyId: KEY_ARN, tags: TAGS }),
    declared(QUEUE, "jobs", { tags: TAGS }),
    declared(QUEUE, "jobs-kms", { kmsMasterKeyId: KEY_ARN, sqsManagedSseEnabled: false }),
    declared(STREAM, "clicks", { encryptionType: "KMS", kmsKeyId: KEY_ARN, shardCount: 1 }),
    declared(FIREHOSE, "to-lake", {
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY_ARN },
    }),
  ];

  it("passes encrypted topics, queues (SQS-managed by default), streams and delivery streams", async () => {
    expect(await messagesOf(policy, compliant)).toEqual([]);
  });

  it("fails each store left in clear, one field at a time", async () => {
    expect(
      await messagesOf(policy, [
        declared(TOPIC, "events", {}),
        declared(QUEUE, "jobs", { sqsManagedSseEnabled: false }),
        declared(STREAM, "clicks", { shardCount: 1 }),
        declared(FIREHOSE, "to-lake", { destination: "extended_s3" }),
      ]),
    ).toEqual([
      'FirehoseDeliveryStream "to-lake" does not encrypt the records it buffers (serverSideEncryption.enabled is not ' +
        "true): turn on server-side encryption with a customer-managed key",
      'Stream "clicks" is not encrypted at rest (encryptionType "NONE"): set encryptionType: "KMS" and a kmsKeyId',
      'Topic "events" is not encrypted at rest (no kmsMasterKeyId): set a KMS key',
      'Queue "jobs" turns SQS-managed encryption off (sqsManagedSseEnabled: false) and sets no kmsMasterKeyId: its ' +
        "messages are stored in clear; set a KMS key or leave SQS-managed encryption on",
    ]);
  });

  it("does not apply to a delivery stream fed by Kinesis, and does not run on an unknown key", async () => {
    const fed = declared(FIREHOSE, "from-stream", {
      destination: "extended_s3",
      kinesisSourceConfiguration: {
        kinesisStreamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
      },
    });
    expect((await evaluateOne(policy, [fed])).notApplicable[policy]).toBe(1);
    const unknown = declared(STREAM, "clicks", { encryptionType: UNKNOWN_STRING });
    expect((await evaluateOne(policy, [unknown])).violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("apigateway-authorized", () => {
  const policy = "apigateway-authorized";

  it("passes authorized routes and methods, CORS preflight and WebSocket message routes", async () => {
    expect(
      await messagesOf(policy, [
        declared(ROUTE, "get-items", {
          apiId: "a",
          routeKey: "GET /items",
          authorizationType: "JWT",
          authorizerId: "z",
        }),
        declared(ROUTE, "preflight", { apiId: "a", routeKey: "OPTIONS /items" }),
        declared(ROUTE, "message", { apiId: "w", routeKey: "sendmessage" }),
        declared(METHOD, "post", {
          restApi: "r",
          resourceId: "x",
          httpMethod: "POST",
          authorization: "AWS_IAM",
        }),
        declared(METHOD, "keyed", {
          restApi: "r",
          resourceId: "x",
          httpMethod: "GET",
          authorization: "NONE",
          apiKeyRequired: true,
        }),
        declared(
          REST_API,
          "site",
          {
            routes: [
              { path: "/", localPath: "www" },
              { path: "/api", method: "GET", iamAuthEnabled: true },
            ],
          },
          { custom: false, remote: true },
        ),
      ]),
    ).toEqual([]);
  });

  it("fails open routes, methods and component routes", async () => {
    expect(
      await messagesOf(policy, [
        declared(ROUTE, "get-items", { apiId: "a", routeKey: "GET /items" }),
        declared(METHOD, "post", {
          restApi: "r",
          resourceId: "x",
          httpMethod: "POST",
          authorization: "NONE",
        }),
        declared(
          REST_API,
          "api",
          { routes: [{ path: "/data", method: "GET" }] },
          { custom: false, remote: true },
        ),
      ]),
    ).toEqual([
      'RestAPI "api" routes[0] (GET /data) lets anyone call it (no authorizers, IAM auth or API key): set one',
      'Method "post" (POST) lets anyone call it (authorization "NONE", no API key): set an authorizer or apiKeyRequired',
      'Route "get-items" (GET /items) lets anyone call it (authorizationType "NONE"): set an authorizer',
    ]);
  });

  it("does not run on an authorization type unknown during preview", async () => {
    const unknown = declared(ROUTE, "r", {
      apiId: "a",
      routeKey: "GET /x",
      authorizationType: UNKNOWN_STRING,
    });
    expect((await evaluateOne(policy, [unknown])).violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});
