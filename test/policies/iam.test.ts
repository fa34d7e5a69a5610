import { describe, expect, it } from "vitest";

import { declared, evaluateOne, messagesOf, T } from "./helpers";

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
