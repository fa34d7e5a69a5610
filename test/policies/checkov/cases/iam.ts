/**
 * Checkov's IAM checks as Pulumi resources (see ../case.ts). The resource checks read the JSON on
 * `aws.iam.Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` and `Role.assumeRolePolicy`; the data checks on
 * `aws_iam_policy_document` read the same documents rendered by `aws.iam.getPolicyDocument` (here through the
 * offline runner's renderer) onto the resources that hold them, `Role.inlinePolicies` included.
 */
import { policyDocument } from "../../../../scripts/cli/offline/invokes";
import { declared, T } from "../../helpers";
import type { ServiceCases } from "../case";

const ACCOUNT = "123456789012";

/** A policy document as JSON, as a program writes it with `JSON.stringify`. */
const json = (...Statement: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement });

interface DocumentStatement {
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** A document as `aws.iam.getPolicyDocument({ statements })` renders it (its `json` output). */
const rendered = (...statements: DocumentStatement[]) => String(policyDocument({ statements }).json);

const iamPolicy = (policy: string) => [declared(T.iamPolicy, "policy", { policy })];
const rolePolicy = (policy: string) => [declared(T.rolePolicy, "role-policy", { role: "app", policy })];
const inlinePolicy = (policy: string) => [
  declared(T.role, "role", { inlinePolicies: [{ name: "app", policy }] }),
];
const trust = (assumeRolePolicy: string) => [declared(T.role, "role", { assumeRolePolicy })];
const attachment = (type: string, target: Record<string, string>, policy: string) => [
  declared(type, "attachment", { ...target, policyArn: `arn:aws:iam::aws:policy/${policy}` }),
];

const allow = (Action: string | string[], Resource: string | string[] = "*", extra = {}) => ({
  Effect: "Allow",
  Action,
  Resource,
  ...extra,
});

const GITHUB = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const githubTrust = (conditions: DocumentStatement["conditions"]) =>
  rendered({
    actions: ["sts:AssumeRoleWithWebIdentity"],
    principals: [{ type: "Federated", identifiers: [GITHUB] }],
    conditions,
  });
const AUDIENCE = {
  test: "StringEquals",
  variable: "token.actions.githubusercontent.com:aud",
  values: ["sts.amazonaws.com"],
};

export const iam: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_1",
      title: "a rendered document allowing every action on every resource",
      fail: inlinePolicy(rendered({ actions: ["*"], resources: ["*"] })),
      pass: inlinePolicy(rendered({ actions: ["s3:ListAllMyBuckets"], resources: ["*"] })),
    },
    {
      id: "CKV_AWS_49",
      title: 'a rendered document allowing Action "*"',
      fail: rolePolicy(rendered({ actions: ["*"], resources: ["arn:aws:s3:::lake/*"] })),
      pass: rolePolicy(rendered({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::lake/*"] })),
    },
    {
      id: "CKV_AWS_62",
      title: 'a Policy allowing Action "*" on Resource "*"',
      fail: iamPolicy(json(allow("*"))),
      pass: iamPolicy(json(allow("s3:ListAllMyBuckets"))),
    },
    {
      id: "CKV_AWS_63",
      title: 'a RolePolicy with "*" among its actions',
      fail: rolePolicy(json(allow(["s3:GetObject", "*"], "arn:aws:s3:::lake/*"))),
      pass: rolePolicy(json(allow(["s3:GetObject"], "arn:aws:s3:::lake/*"))),
    },
    {
      id: "CKV_AWS_274",
      title: "AdministratorAccess attached to a role",
      fail: attachment(T.rolePolicyAttachment, { role: "app" }, "AdministratorAccess"),
      pass: attachment(T.rolePolicyAttachment, { role: "app" }, "ReadOnlyAccess"),
    },
    {
      id: "CKV2_AWS_40",
      title: 'a Policy allowing "iam:*"',
      fail: iamPolicy(json(allow("iam:*", `arn:aws:iam::${ACCOUNT}:role/app-*`))),
      pass: iamPolicy(json(allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/app-*`))),
    },
    {
      id: "CKV2_AWS_56",
      title: "IAMFullAccess attached to a group",
      fail: attachment(
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        { group: "ops" },
        "IAMFullAccess",
      ),
      pass: attachment(
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        { group: "ops" },
        "IAMReadOnlyAccess",
      ),
    },
    {
      id: "CKV_AWS_286",
      title:
        "a Policy allowing iam:PassRole, lambda:CreateFunction and lambda:InvokeFunction on every resource",
      fail: iamPolicy(json(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]))),
      pass: iamPolicy(
        json(
          allow(
            ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
            [`arn:aws:iam::${ACCOUNT}:role/fn-*`, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:app-*`],
          ),
        ),
      ),
    },
    {
      id: "CKV_AWS_110",
      title: "a rendered inline policy allowing iam:PutRolePolicy on every resource",
      fail: inlinePolicy(rendered({ actions: ["iam:PutRolePolicy"], resources: ["*"] })),
      pass: inlinePolicy(
        rendered({ actions: ["iam:PutRolePolicy"], resources: [`arn:aws:iam::${ACCOUNT}:role/app-*`] }),
      ),
    },
    {
      id: "CKV_AWS_287",
      title: "a Policy allowing sts:AssumeRole on every resource",
      fail: iamPolicy(json(allow("sts:AssumeRole"))),
      pass: iamPolicy(json(allow("sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/reader`))),
    },
    {
      id: "CKV_AWS_107",
      title: "a rendered UserPolicy allowing redshift:GetClusterCredentials on every resource",
      fail: [
        declared(T.userPolicy, "user-policy", {
          user: "analyst",
          policy: rendered({ actions: ["redshift:GetClusterCredentials"], resources: ["*"] }),
        }),
      ],
      pass: [
        declared(T.userPolicy, "user-policy", {
          user: "analyst",
          policy: rendered({
            actions: ["redshift:GetClusterCredentials"],
            resources: [`arn:aws:redshift:us-east-1:${ACCOUNT}:dbuser:warehouse/analyst`],
          }),
        }),
      ],
    },
    {
      id: "CKV_AWS_288",
      title: "a Policy allowing s3:GetObject on every resource",
      fail: iamPolicy(json(allow("s3:GetObject"))),
      pass: iamPolicy(json(allow("s3:GetObject", "arn:aws:s3:::lake/processed/*"))),
    },
    {
      id: "CKV_AWS_108",
      title: "a rendered document allowing ssm:GetParameter* on every resource",
      fail: rolePolicy(rendered({ actions: ["ssm:GetParameter*"], resources: ["*"] })),
      pass: rolePolicy(
        rendered({
          actions: ["ssm:GetParameter*"],
          resources: [`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/*`],
        }),
      ),
    },
    {
      id: "CKV_AWS_289",
      title: "a Policy allowing s3:PutBucketPolicy on every resource",
      fail: iamPolicy(json(allow("s3:PutBucketPolicy"))),
      pass: iamPolicy(json(allow("s3:PutBucketPolicy", "arn:aws:s3:::lake"))),
    },
    {
      id: "CKV_AWS_109",
      title: "a rendered document allowing kms:CreateGrant on every resource, without a condition",
      fail: inlinePolicy(rendered({ actions: ["kms:CreateGrant"], resources: ["*"] })),
      pass: inlinePolicy(
        rendered({
          actions: ["kms:CreateGrant"],
          resources: ["*"],
          conditions: [{ test: "StringEquals", variable: "aws:ResourceTag/Project", values: ["ml"] }],
        }),
      ),
    },
    {
      id: "CKV_AWS_290",
      title: "a GroupPolicy allowing s3:PutObject on every resource",
      fail: [declared(T.groupPolicy, "group-policy", { group: "ops", policy: json(allow("s3:PutObject")) })],
      pass: [
        declared(T.groupPolicy, "group-policy", {
          group: "ops",
          policy: json(allow("s3:PutObject", "arn:aws:s3:::lake/raw/*")),
        }),
      ],
    },
    {
      id: "CKV_AWS_111",
      title: "a rendered document allowing sagemaker:CreateTrainingJob on every resource",
      fail: rolePolicy(rendered({ actions: ["sagemaker:CreateTrainingJob"], resources: ["*"] })),
      pass: rolePolicy(
        rendered({
          actions: ["sagemaker:CreateTrainingJob"],
          resources: [`arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/app-*`],
        }),
      ),
    },
    {
      id: "CKV_AWS_355",
      title: "a RolePolicy allowing kms:Decrypt on every resource",
      fail: rolePolicy(json(allow("kms:Decrypt"))),
      pass: rolePolicy(json(allow("kms:Decrypt", `arn:aws:kms:us-east-1:${ACCOUNT}:key/lake`))),
    },
    {
      id: "CKV_AWS_356",
      title: "a rendered document allowing s3:Describe* (restrictable) on every resource",
      fail: inlinePolicy(rendered({ actions: ["s3:Describe*"], resources: ["*"] })),
      pass: inlinePolicy(rendered({ actions: ["s3:ListAllMyBuckets"], resources: ["*"] })),
    },
    {
      id: "CKV_AWS_60",
      title: 'a role any AWS principal ("*") may assume',
      fail: trust(json({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })),
      pass: trust(
        json({
          Effect: "Allow",
          Principal: { Service: "sagemaker.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
      ),
    },
    {
      id: "CKV_AWS_283",
      title: 'a rendered trust policy for the "*" AWS principal without a condition',
      fail: trust(
        rendered({ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }] }),
      ),
      pass: trust(
        rendered({
          actions: ["sts:AssumeRole"],
          principals: [{ type: "AWS", identifiers: ["*"] }],
          conditions: [{ test: "StringEquals", variable: "aws:PrincipalOrgID", values: ["o-a1b2c3d4e5"] }],
        }),
      ),
    },
    {
      id: "CKV_AWS_61",
      title: "a role that trusts a whole account (its root)",
      fail: trust(
        json({
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: "sts:AssumeRole",
        }),
      ),
      pass: trust(
        json({
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/deployer` },
          Action: "sts:AssumeRole",
        }),
      ),
    },
    {
      id: "CKV_AWS_393",
      title: "a role trusted by GitHub Actions OIDC with an audience but no subject condition",
      fail: trust(
        json({
          Effect: "Allow",
          Principal: { Federated: GITHUB },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
        }),
      ),
      pass: trust(
        json({
          Effect: "Allow",
          Principal: { Federated: GITHUB },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: {
              "token.actions.githubusercontent.com:sub": "repo:my-org/my-repo:ref:refs/heads/main",
            },
          },
        }),
      ),
    },
    {
      id: "CKV_AWS_358",
      title: "a rendered GitHub OIDC trust policy whose subject is led by the workflow claim",
      fail: trust(
        githubTrust([
          AUDIENCE,
          {
            test: "StringLike",
            variable: "token.actions.githubusercontent.com:sub",
            values: ["workflow:deploy"],
          },
        ]),
      ),
      pass: trust(
        githubTrust([
          AUDIENCE,
          {
            test: "StringLike",
            variable: "token.actions.githubusercontent.com:sub",
            values: ["repo:my-org/my-repo:environment:prod"],
          },
        ]),
      ),
    },
  ],
  notApplicable: [
    {
      id: "CKV_AWS_275",
      reason:
        'It flags a `data "aws_iam_policy"` lookup of AdministratorAccess; in Pulumi that is an `aws.iam.getPolicy` ' +
        "invoke, which grants nothing and which CrossGuard does not see. Attaching the policy it finds is what " +
        "grants access, and that is CKV_AWS_274 (iam-no-wildcard-action).",
    },
  ],
  covered: [
    "CKV2_AWS_40",
    "CKV2_AWS_56",
    "CKV_AWS_1",
    "CKV_AWS_107",
    "CKV_AWS_108",
    "CKV_AWS_109",
    "CKV_AWS_110",
    "CKV_AWS_111",
    "CKV_AWS_274",
    "CKV_AWS_283",
    "CKV_AWS_286",
    "CKV_AWS_287",
    "CKV_AWS_288",
    "CKV_AWS_289",
    "CKV_AWS_290",
    "CKV_AWS_355",
    "CKV_AWS_356",
    "CKV_AWS_358",
    "CKV_AWS_393",
    "CKV_AWS_49",
    "CKV_AWS_60",
    "CKV_AWS_61",
    "CKV_AWS_62",
    "CKV_AWS_63",
  ],
};
