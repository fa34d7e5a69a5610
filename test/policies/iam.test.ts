import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import { policyDocument } from "../../scripts/cli/offline/invokes";
import { declared, evaluateOne, messagesOf, T } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;
const ACCOUNT = "123456789012";
const SSO_INLINE = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy";
const SSO_MANAGED = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment";

/** The level and message of what a policy reports, for the unknown-value cases. */
async function levelsOf(policy: string, resources: Parameters<typeof evaluateOne>[1]) {
  return (await evaluateOne(policy, resources)).violations.map((v) => [v.level, v.message]);
}

const cantRun = (policy: string, path: string) => [
  "advisory",
  `can't run policy '${policy}' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at ${path} can't be known during preview`,
];

const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const scoped = {
  Sid: "ReadModels",
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: "arn:aws:s3:::lake/models/*",
};

describe("iam-no-wildcard-action", () => {
  const policy = "iam-no-wildcard-action";

  it("passes scoped statements and a Deny on every action", async () => {
    const denyAll = { Effect: "Deny", Action: "*", Resource: "*" };
    expect(await messagesOf(policy, [declared(T.iamPolicy, "p", { policy: doc(scoped, denyAll) })])).toEqual(
      [],
    );
  });

  it("fails '*' and '*:*' on every identity-policy type", async () => {
    const all = { Sid: "All", Effect: "Allow", Action: "*", Resource: "*" };
    const resources = [
      declared(T.iamPolicy, "p", { policy: doc(all) }),
      declared(T.rolePolicy, "rp", { role: "r", policy: doc({ ...all, Action: ["s3:GetObject", "*:*"] }) }),
      declared(T.userPolicy, "up", { user: "u", policy: doc(all) }),
      declared(T.groupPolicy, "gp", { group: "g", policy: JSON.parse(doc(all)) as unknown }),
      declared(T.role, "r", { inlinePolicies: [{ name: "inline", policy: doc(all) }] }),
    ];
    expect(await messagesOf(policy, resources)).toEqual([
      `GroupPolicy "gp" policy statement "All" allows every action ("*")`,
      `Policy "p" policy statement "All" allows every action ("*")`,
      `Role "r" inlinePolicies[inline] statement "All" allows every action ("*")`,
      `RolePolicy "rp" policy statement "All" allows every action ("*")`,
      `UserPolicy "up" policy statement "All" allows every action ("*")`,
    ]);
  });

  it("fails Allow with NotAction and the AdministratorAccess managed policy", async () => {
    const resources = [
      declared(T.iamPolicy, "p", { policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) }),
      declared(T.rolePolicyAttachment, "admin", {
        role: "r",
        policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
      }),
    ];
    expect(await messagesOf(policy, resources)).toEqual([
      `Policy "p" policy statement 1 allows every action except iam:* (NotAction)`,
      `RolePolicyAttachment "admin" attaches the AWS-managed policy AdministratorAccess, which allows every action`,
    ]);
  });
});

describe("iam-no-service-wildcard-on-all-resources", () => {
  const policy = "iam-no-service-wildcard-on-all-resources";

  it("passes a service wildcard scoped to one resource", async () => {
    const ok = { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::lake/*" };
    expect(await messagesOf(policy, [declared(T.rolePolicy, "rp", { role: "r", policy: doc(ok) })])).toEqual(
      [],
    );
  });

  it("fails service:* on '*' and on NotResource, and *FullAccess managed policies", async () => {
    const resources = [
      declared(T.rolePolicy, "rp", {
        role: "r",
        policy: doc({ Sid: "S3", Effect: "Allow", Action: ["s3:*", "kms:*"], Resource: "*" }),
      }),
      declared(T.iamPolicy, "p", {
        policy: doc({ Effect: "Allow", Action: "sagemaker:*", NotResource: "arn:aws:s3:::x" }),
      }),
      declared(T.role, "r", { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] }),
    ];
    expect(await messagesOf(policy, resources)).toEqual([
      `Policy "p" policy statement 1 allows sagemaker:* on every resource ("*")`,
      `Role "r" attaches the AWS-managed policy AmazonS3FullAccess, which allows a whole service on every resource`,
      `RolePolicy "rp" policy statement "S3" allows s3:*, kms:* on every resource ("*")`,
    ]);
  });
});

describe("iam-no-write-on-all-resources", () => {
  const policy = "iam-no-write-on-all-resources";

  it("passes reads on '*', scoped writes and the actions AWS only grants on '*'", async () => {
    const statements = [
      { Effect: "Allow", Action: ["s3:ListAllMyBuckets", "ec2:Describe*", "sagemaker:Get*"], Resource: "*" },
      { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::lake/models/*" },
      { Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" },
    ];
    expect(await messagesOf(policy, [declared(T.iamPolicy, "p", { policy: doc(...statements) })])).toEqual(
      [],
    );
  });

  it("fails write actions and write wildcards on '*'", async () => {
    const writes = {
      Sid: "W",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:Delete*", "kms:Decrypt"],
      Resource: ["*"],
    };
    expect(
      await messagesOf(policy, [declared(T.userPolicy, "up", { user: "u", policy: doc(writes) })]),
    ).toEqual([
      `UserPolicy "up" policy statement "W" allows the write actions s3:PutObject, s3:Delete*, kms:Decrypt on every resource ("*")`,
    ]);
  });

  it("takes the accepted actions from allowedActions", async () => {
    const metrics = [
      declared(T.iamPolicy, "p", {
        policy: doc({ Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" }),
      }),
    ];
    expect(await messagesOf(policy, metrics, { allowedActions: [] })).toEqual([
      `Policy "p" policy statement 1 allows the write actions cloudwatch:PutMetricData on every resource ("*")`,
    ]);
  });

  it("is not applicable to resources without identity policies", async () => {
    const { notApplicable } = await evaluateOne(policy, [
      declared(T.bucket, "b", {}),
      declared(T.key, "k", {}),
    ]);
    expect(notApplicable).toEqual({ [policy]: 2 });
  });
});

describe("iam-no-wildcard-action (Checkov's forms)", () => {
  const policy = "iam-no-wildcard-action";

  it("reads documents rendered by getPolicyDocument and the other attachment resources", async () => {
    const all = String(policyDocument({ statements: [{ actions: ["*"], resources: ["*"] }] }).json);
    const resources = [
      declared(SSO_INLINE, "ps", { instanceArn: "i", permissionSetArn: "p", inlinePolicy: all }),
      declared(SSO_MANAGED, "psm", { managedPolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
      declared("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "ex", {
        roleName: "r",
        policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"],
      }),
    ];
    expect(await messagesOf(policy, resources)).toEqual([
      `RolePolicyAttachmentsExclusive "ex" attaches the AWS-managed policy AdministratorAccess, which allows every action`,
      `ManagedPolicyAttachment "psm" attaches the AWS-managed policy AdministratorAccess, which allows every action`,
      `PermissionSetInlinePolicy "ps" inlinePolicy statement 1 allows every action ("*")`,
    ]);
  });

  it("cannot run on a policy unknown during preview", async () => {
    expect(await levelsOf(policy, [declared(T.iamPolicy, "p", { policy: UNKNOWN_STRING })])).toEqual([
      cantRun(policy, ".policy"),
    ]);
  });
});

describe("iam-no-write-on-all-resources exceptions scoped to actions", () => {
  const policy = "iam-no-write-on-all-resources";
  const delivery = {
    Sid: "Delivery",
    Effect: "Allow",
    Action: ["logs:CreateLogDelivery", "logs:PutResourcePolicy"],
    Resource: "*",
  };
  const exception = {
    id: "LOGS-1",
    resource: "pipeline-*",
    reason: "log delivery is offered on Resource '*' only",
    actions: ["logs:CreateLogDelivery", "logs:PutResourcePolicy"],
  };
  const held = (...statements: Record<string, unknown>[]) => [
    declared(T.rolePolicy, "pipeline-log-delivery", { role: "r", policy: doc(...statements) }),
  ];

  it("excuses the statement's listed actions, and no statement added later", async () => {
    expect(await messagesOf(policy, held(delivery), { exceptions: [exception] })).toEqual([]);
    const added = { Sid: "Added", Effect: "Allow", Action: "s3:PutObject", Resource: "*" };
    expect(await messagesOf(policy, held(delivery, added), { exceptions: [exception] })).toEqual([
      'RolePolicy "pipeline-log-delivery" policy statement "Added" allows the write actions s3:PutObject on every resource ("*")',
    ]);
  });

  it("does not excuse a statement that grants a listed action with another one", async () => {
    const widened = { ...delivery, Action: [...delivery.Action, "logs:DeleteLogGroup"] };
    expect(await messagesOf(policy, held(widened), { exceptions: [exception] })).toEqual([
      'RolePolicy "pipeline-log-delivery" policy statement "Delivery" allows the write actions logs:CreateLogDelivery, ' +
        'logs:PutResourcePolicy, logs:DeleteLogGroup on every resource ("*")',
    ]);
  });
});

describe("iam-no-write-on-all-resources (conditions)", () => {
  const policy = "iam-no-write-on-all-resources";

  it("passes a write on '*' that a condition limits, not one only a transport condition qualifies", async () => {
    const tagged = {
      Effect: "Allow",
      Action: "sagemaker:CreateTrainingJob",
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestTag/Project": "ml" } },
    };
    const tlsOnly = { ...tagged, Sid: "Tls", Condition: { Bool: { "aws:SecureTransport": "true" } } };
    expect(await messagesOf(policy, [declared(T.iamPolicy, "p", { policy: doc(tagged, tlsOnly) })])).toEqual([
      `Policy "p" policy statement "Tls" allows the write actions sagemaker:CreateTrainingJob on every resource ("*")`,
    ]);
  });
});

describe("iam-no-full-iam-access", () => {
  const policy = "iam-no-full-iam-access";

  it("passes named IAM actions and other managed policies", async () => {
    const resources = [
      declared(T.iamPolicy, "p", {
        policy: doc({
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: `arn:aws:iam::${ACCOUNT}:role/app`,
        }),
      }),
      declared(T.role, "r", { managedPolicyArns: ["arn:aws:iam::aws:policy/IAMReadOnlyAccess"] }),
    ];
    expect(await messagesOf(policy, resources)).toEqual([]);
  });

  it("fails iam:* on any resource and IAMFullAccess attached", async () => {
    const resources = [
      declared(T.rolePolicy, "rp", {
        role: "r",
        policy: doc({
          Sid: "Iam",
          Effect: "Allow",
          Action: ["IAM:*"],
          Resource: `arn:aws:iam::${ACCOUNT}:role/x`,
        }),
      }),
      declared(T.role, "r", { managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] }),
    ];
    expect(await messagesOf(policy, resources)).toEqual([
      `Role "r" attaches the AWS-managed policy IAMFullAccess, which allows every IAM action`,
      `RolePolicy "rp" policy statement "Iam" allows every IAM action ("iam:*")`,
    ]);
  });

  it("is not applicable to other types, and cannot run on an unknown policy", async () => {
    expect((await evaluateOne(policy, [declared(T.bucket, "b", {})])).notApplicable).toEqual({ [policy]: 1 });
    expect(await levelsOf(policy, [declared(T.iamPolicy, "p", { policy: UNKNOWN_STRING })])).toEqual([
      cantRun(policy, ".policy"),
    ]);
  });
});

describe("iam-no-privilege-escalation", () => {
  const policy = "iam-no-privilege-escalation";
  const passRole = {
    Sid: "Pass",
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: "*",
  };
  const lambda = {
    Sid: "Fn",
    Effect: "Allow",
    Action: ["lambda:CreateFunction", "lambda:Invoke*"],
    Resource: "*",
  };

  it("passes the actions scoped to resources, or limited by a condition", async () => {
    const limited = {
      ...passRole,
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    };
    const scopedFn = { ...lambda, Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:app-*` };
    const resources = [
      declared(T.iamPolicy, "a", { policy: doc(limited, lambda) }),
      declared(T.iamPolicy, "b", { policy: doc(passRole, scopedFn) }),
    ];
    expect(await messagesOf(policy, resources)).toEqual([]);
  });

  it("fails a combination spread over statements, with wildcards, and a single escalating action", async () => {
    const resources = [
      declared(T.iamPolicy, "p", { policy: doc(passRole, lambda) }),
      declared(T.role, "r", {
        inlinePolicies: [
          { name: "ops", policy: doc({ Effect: "Allow", Action: "iam:Put*Policy", Resource: "*" }) },
        ],
      }),
    ];
    expect(await messagesOf(policy, resources)).toEqual([
      `Policy "p" policy allows privilege escalation on every resource ("*"): PassExistingRoleToNewLambdaThenInvoke (iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction)`,
      `Role "r" inlinePolicies[ops] allows privilege escalation on every resource ("*"): PutUserPolicy (iam:PutUserPolicy), PutGroupPolicy (iam:PutGroupPolicy), PutRolePolicy (iam:PutRolePolicy)`,
    ]);
  });

  it("is not applicable to other types, and cannot run on an unknown policy", async () => {
    expect((await evaluateOne(policy, [declared(T.key, "k", {})])).notApplicable).toEqual({ [policy]: 1 });
    expect(
      await levelsOf(policy, [declared(T.rolePolicy, "rp", { role: "r", policy: UNKNOWN_STRING })]),
    ).toEqual([cantRun(policy, ".policy")]);
  });
});

describe("iam-no-credentials-exposure", () => {
  const policy = "iam-no-credentials-exposure";

  it("passes sts:AssumeRole on a role, ecr:GetAuthorizationToken on '*', and a Deny", async () => {
    const statements = [
      { Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${ACCOUNT}:role/reader` },
      { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      { Effect: "Deny", Action: "iam:CreateAccessKey", Resource: "*" },
    ];
    expect(await messagesOf(policy, [declared(T.iamPolicy, "p", { policy: doc(...statements) })])).toEqual(
      [],
    );
  });

  it("fails credential-returning actions on '*', named or by wildcard", async () => {
    const statement = {
      Sid: "Keys",
      Effect: "Allow",
      Action: ["iam:CreateAccessKey", "sts:Assume*"],
      Resource: "*",
    };
    expect(
      await messagesOf(policy, [declared(T.userPolicy, "up", { user: "u", policy: doc(statement) })]),
    ).toEqual([
      `UserPolicy "up" policy statement "Keys" allows the credential-returning actions iam:CreateAccessKey, sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity on every resource ("*")`,
    ]);
  });

  it("is not applicable to other types, and cannot run on an unknown policy", async () => {
    expect((await evaluateOne(policy, [declared(T.key, "k", {})])).notApplicable).toEqual({ [policy]: 1 });
    expect(await levelsOf(policy, [declared(T.iamPolicy, "p", { policy: UNKNOWN_STRING })])).toEqual([
      cantRun(policy, ".policy"),
    ]);
  });
});

describe("iam-no-data-exfiltration", () => {
  const policy = "iam-no-data-exfiltration";

  it("passes reads of named objects, parameters and secrets, and a read limited by a tag", async () => {
    const statements = [
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::lake/processed/*" },
      {
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/*`,
      },
      {
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/Project": "ml" } },
      },
    ];
    expect(await messagesOf(policy, [declared(T.iamPolicy, "p", { policy: doc(...statements) })])).toEqual(
      [],
    );
  });

  it("fails s3:Get* and secretsmanager:GetSecretValue on '*'", async () => {
    const statement = {
      Sid: "Read",
      Effect: "Allow",
      Action: ["s3:Get*", "secretsmanager:GetSecretValue"],
      Resource: "*",
    };
    expect(
      await messagesOf(policy, [declared(T.groupPolicy, "gp", { group: "g", policy: doc(statement) })]),
    ).toEqual([
      `GroupPolicy "gp" policy statement "Read" allows s3:GetObject, secretsmanager:GetSecretValue on every resource ("*")`,
    ]);
  });

  it("is not applicable to other types, and cannot run on an unknown policy", async () => {
    expect((await evaluateOne(policy, [declared(T.key, "k", {})])).notApplicable).toEqual({ [policy]: 1 });
    expect(await levelsOf(policy, [declared(T.iamPolicy, "p", { policy: UNKNOWN_STRING })])).toEqual([
      cantRun(policy, ".policy"),
    ]);
  });
});

describe("iam-no-restrictable-action-on-all-resources", () => {
  const policy = "iam-no-restrictable-action-on-all-resources";

  it("passes the actions AWS grants on '*' only, scoped statements, and conditioned ones", async () => {
    const statements = [
      {
        Effect: "Allow",
        Action: ["s3:ListAllMyBuckets", "ec2:DescribeSubnets", "ec2:Describe*"],
        Resource: "*",
      },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k` },
      {
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: { ArnEquals: { "aws:SourceArn": "arn" } },
      },
    ];
    expect(await messagesOf(policy, [declared(T.iamPolicy, "p", { policy: doc(...statements) })])).toEqual(
      [],
    );
  });

  it("fails reads and writes that could be scoped, and NotAction, on '*'", async () => {
    const resources = [
      declared(T.rolePolicy, "rp", {
        role: "r",
        policy: doc({
          Sid: "Mixed",
          Effect: "Allow",
          Action: ["s3:ListAllMyBuckets", "s3:Describe*", "kms:Decrypt"],
          Resource: "*",
        }),
      }),
      declared(T.iamPolicy, "p", { policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) }),
    ];
    expect(await messagesOf(policy, resources)).toEqual([
      `Policy "p" policy statement 1 allows every action except iam:* on every resource ("*")`,
      `RolePolicy "rp" policy statement "Mixed" allows s3:Describe*, kms:Decrypt on every resource ("*"), though AWS lets them be scoped to resource ARNs`,
    ]);
  });

  it("is not applicable to other types, and cannot run on an unknown policy", async () => {
    expect((await evaluateOne(policy, [declared(T.key, "k", {})])).notApplicable).toEqual({ [policy]: 1 });
    expect(await levelsOf(policy, [declared(T.iamPolicy, "p", { policy: UNKNOWN_STRING })])).toEqual([
      cantRun(policy, ".policy"),
    ]);
  });
});

const trustDoc = (...Statement: Record<string, unknown>[]) => doc(...Statement);
const role = (name: string, assumeRolePolicy: unknown) => declared(T.role, name, { assumeRolePolicy });

describe("iam-role-trust-not-public", () => {
  const policy = "iam-role-trust-not-public";
  const anyone = { Sid: "Anyone", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" };

  it("passes a service principal, '*' limited to the organization, a Deny, and a role without a trust policy", async () => {
    const resources = [
      role(
        "svc",
        trustDoc({
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
      ),
      role("org", trustDoc({ ...anyone, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } })),
      role("deny", trustDoc({ ...anyone, Effect: "Deny" })),
      declared(T.role, "bare", {}),
    ];
    expect(await messagesOf(policy, resources)).toEqual([]);
  });

  it("fails AWS '*', Principal '*', and '*' qualified only by a condition that names no principal", async () => {
    const resources = [
      role("aws", trustDoc(anyone)),
      role(
        "star",
        JSON.parse(trustDoc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" })) as unknown,
      ),
      role("tls", trustDoc({ ...anyone, Condition: { Bool: { "aws:SecureTransport": "true" } } })),
    ];
    expect(await messagesOf(policy, resources)).toEqual([
      `Role "aws" assumeRolePolicy statement "Anyone" lets any AWS principal ("*") assume the role`,
      `Role "star" assumeRolePolicy statement 1 lets any AWS principal ("*") assume the role`,
      `Role "tls" assumeRolePolicy statement "Anyone" lets any AWS principal ("*") assume the role`,
    ]);
  });

  it("is not applicable to other types, and cannot run on an unknown trust policy", async () => {
    expect((await evaluateOne(policy, [declared(T.iamPolicy, "p", {})])).notApplicable).toEqual({
      [policy]: 1,
    });
    expect(await levelsOf(policy, [role("r", UNKNOWN_STRING)])).toEqual([
      cantRun(policy, ".assumeRolePolicy"),
    ]);
  });
});

describe("iam-role-trust-not-account-wide", () => {
  const policy = "iam-role-trust-not-account-wide";
  const account = (AWS: unknown, extra = {}) =>
    trustDoc({ Sid: "Account", Effect: "Allow", Principal: { AWS }, Action: "sts:AssumeRole", ...extra });

  it("passes a named role, and an account limited by an external id or the caller's ARN", async () => {
    const resources = [
      role("named", account(`arn:aws:iam::${ACCOUNT}:role/deployer`)),
      role("vendor", account(ACCOUNT, { Condition: { StringEquals: { "sts:ExternalId": "x-1" } } })),
      role(
        "arn",
        account(`arn:aws:iam::${ACCOUNT}:root`, {
          Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/ci-*` } },
        }),
      ),
    ];
    expect(await messagesOf(policy, resources)).toEqual([]);
  });

  it("fails an account id or root ARN without such a condition", async () => {
    const resources = [
      role("root", account([`arn:aws:iam::${ACCOUNT}:role/deployer`, `arn:aws:iam::${ACCOUNT}:root`])),
      role("id", account(ACCOUNT, { Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } })),
    ];
    expect(await messagesOf(policy, resources)).toEqual([
      `Role "id" assumeRolePolicy statement "Account" trusts the whole account ${ACCOUNT}`,
      `Role "root" assumeRolePolicy statement "Account" trusts the whole account arn:aws:iam::${ACCOUNT}:root`,
    ]);
  });

  it("is not applicable to other types, and cannot run on an unknown trust policy", async () => {
    expect((await evaluateOne(policy, [declared(T.iamPolicy, "p", {})])).notApplicable).toEqual({
      [policy]: 1,
    });
    expect(await levelsOf(policy, [role("r", UNKNOWN_STRING)])).toEqual([
      cantRun(policy, ".assumeRolePolicy"),
    ]);
  });
});

describe("iam-role-trust-github-oidc", () => {
  const policy = "iam-role-trust-github-oidc";
  const github = (sub?: string) =>
    trustDoc({
      Sid: "GitHub",
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        ...(sub === undefined ? {} : { StringLike: { "token.actions.githubusercontent.com:sub": sub } }),
      },
    });

  it("passes a repository subject, an organisation's repositories, and other federated principals", async () => {
    const resources = [
      role("main", github("repo:my-org/my-repo:ref:refs/heads/main")),
      role("org", github("repo:my-org/*")),
      role(
        "eks",
        trustDoc({
          Effect: "Allow",
          Principal: {
            Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X`,
          },
          Action: "sts:AssumeRoleWithWebIdentity",
        }),
      ),
    ];
    expect(await messagesOf(policy, resources)).toEqual([]);
  });

  it("fails no subject, '*', '<claim>:*', an abusable leading claim and a repository that is not org/repo", async () => {
    const resources = [
      role("none", github()),
      role("any", github("*")),
      role("anyrepo", github("repo:*")),
      role("workflow", github("workflow:deploy")),
      role("prefix", github("repo:my-org*")),
    ];
    const prefix = (name: string) =>
      `Role "${name}" assumeRolePolicy statement "GitHub" trusts GitHub Actions OIDC`;
    expect(await messagesOf(policy, resources)).toEqual([
      `${prefix("any")} for the subject "*", which admits any subject`,
      `${prefix("anyrepo")} for the subject "repo:*", which admits any repo`,
      `${prefix("none")} without a token.actions.githubusercontent.com:sub condition`,
      `${prefix("prefix")} for the subject "repo:my-org*", which admits a repository that is not org/repo`,
      `${prefix("workflow")} for the subject "workflow:deploy", which admits a subject led by the workflow claim`,
    ]);
  });

  it("is not applicable to other types, and cannot run on an unknown trust policy", async () => {
    expect((await evaluateOne(policy, [declared(T.iamPolicy, "p", {})])).notApplicable).toEqual({
      [policy]: 1,
    });
    expect(await levelsOf(policy, [role("r", UNKNOWN_STRING)])).toEqual([
      cantRun(policy, ".assumeRolePolicy"),
    ]);
  });
});
