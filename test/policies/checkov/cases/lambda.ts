/** Checkov's lambda checks as Pulumi resources (see ../case.ts). */
import { declared, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const L = {
  function: "aws:lambda/function:Function",
  url: "aws:lambda/functionUrl:FunctionUrl",
  permission: "aws:lambda/permission:Permission",
  notification: "aws:s3/bucketNotification:BucketNotification",
} as const;
const ROLE = "arn:aws:iam::123456789012:role/fn-role";
const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/fn-key-id";
const DLQ_ARN = "arn:aws:sqs:ap-northeast-2:123456789012:fn-dlq";
const FN_URN = "urn:pulumi:test::fx::aws:lambda/function:Function::fn";

const fn = (inputs: Record<string, unknown>) =>
  declared(L.function, "fn", {
    role: ROLE,
    runtime: "python3.12",
    handler: "lambda_function.handler",
    tags: TAGS,
    ...inputs,
  });
const alone = (inputs: Record<string, unknown>) => [fn(inputs)];

/** The function with a URL in front of it. */
const withUrl = (url: Record<string, unknown>) => [
  fn({}),
  declared(
    L.url,
    "fn-url",
    { functionName: "fn", authorizationType: "AWS_IAM", ...url },
    { propertyDependencies: { functionName: [FN_URN] } },
  ),
];

const permission = (inputs: Record<string, unknown>) => [
  fn({}),
  declared(
    L.permission,
    "fn-invoke",
    { action: "lambda:InvokeFunction", function: "fn", ...inputs },
    { propertyDependencies: { function: [FN_URN] } },
  ),
];

/**
 * The function that a bucket's notifications invoke, asynchronously. Checkov fails every function without a
 * dead-letter queue; the pack demands one (mandatory) of functions invoked asynchronously only, as here, and
 * advises one for functions nothing in the program invokes. A function only invoked synchronously (a function
 * URL, API Gateway, a Step Functions task) never uses a dead-letter queue, and is not reported.
 */
const notified = (inputs: Record<string, unknown>) => [
  fn(inputs),
  declared(
    L.notification,
    "raw-events",
    {
      bucket: "raw",
      lambdaFunctions: [
        {
          lambdaFunctionArn: `arn:aws:lambda:ap-northeast-2:123456789012:function:fn`,
          events: ["s3:ObjectCreated:*"],
        },
      ],
    },
    { propertyDependencies: { lambdaFunctions: [FN_URN] } },
  ),
];

export const lambda: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_45",
      title: "an AWS access key and secret key in environment.variables",
      fail: alone({
        environment: {
          variables: {
            AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          },
        },
        kmsKeyArn: KEY_ARN,
      }),
      pass: alone({
        environment: { variables: { MODEL_BUCKET: "lake-data", MODEL_KEY: "models/model.json" } },
        kmsKeyArn: KEY_ARN,
      }),
    },
    {
      id: "CKV_AWS_50",
      title: "a function without tracingConfig",
      fail: alone({}),
      pass: alone({ tracingConfig: { mode: "Active" } }),
    },
    {
      id: "CKV_AWS_115",
      title: "a function without reservedConcurrentExecutions",
      fail: alone({}),
      pass: alone({ reservedConcurrentExecutions: 10 }),
    },
    {
      id: "CKV_AWS_116",
      title: "a function an S3 notification invokes, without deadLetterConfig",
      fail: notified({}),
      pass: notified({ deadLetterConfig: { targetArn: DLQ_ARN } }),
    },
    {
      id: "CKV_AWS_117",
      title: "a function without vpcConfig",
      fail: alone({}),
      pass: alone({ vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-fn"] } }),
    },
    {
      id: "CKV_AWS_173",
      title: "environment variables without kmsKeyArn",
      fail: alone({ environment: { variables: { MODEL_KEY: "models/model.json" } } }),
      pass: alone({ environment: { variables: { MODEL_KEY: "models/model.json" } }, kmsKeyArn: KEY_ARN }),
    },
    {
      id: "CKV_AWS_258",
      title: "a function URL with authorizationType NONE",
      fail: withUrl({ authorizationType: "NONE" }),
      pass: withUrl({ authorizationType: "AWS_IAM" }),
    },
    {
      id: "CKV_AWS_272",
      title: "a function without codeSigningConfigArn",
      fail: alone({}),
      pass: alone({
        codeSigningConfigArn:
          "arn:aws:lambda:ap-northeast-2:123456789012:code-signing-config:csc-0123456789abcdef0",
      }),
    },
    {
      id: "CKV_AWS_301",
      title: "a Lambda permission for principal *",
      fail: permission({ principal: "*" }),
      pass: permission({ principal: "123456789012" }),
    },
    {
      id: "CKV_AWS_363",
      title: "a function on python3.9",
      fail: alone({ runtime: "python3.9" }),
      pass: alone({ runtime: "python3.12" }),
    },
    {
      id: "CKV_AWS_364",
      title: "a Lambda permission for s3.amazonaws.com without sourceArn or sourceAccount",
      fail: permission({ principal: "s3.amazonaws.com" }),
      pass: permission({ principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::raw" }),
    },
    {
      id: "CKV2_AWS_75",
      title: "a function URL whose CORS allows every origin and every method",
      fail: withUrl({ cors: { allowOrigins: ["*"], allowMethods: ["*"] } }),
      pass: withUrl({ cors: { allowOrigins: ["https://app.example.com"], allowMethods: ["*"] } }),
    },
  ],
  notApplicable: [],
  covered: [
    "CKV2_AWS_75",
    "CKV_AWS_115",
    "CKV_AWS_116",
    "CKV_AWS_117",
    "CKV_AWS_173",
    "CKV_AWS_258",
    "CKV_AWS_272",
    "CKV_AWS_301",
    "CKV_AWS_363",
    "CKV_AWS_364",
    "CKV_AWS_45",
    "CKV_AWS_50",
  ],
};
