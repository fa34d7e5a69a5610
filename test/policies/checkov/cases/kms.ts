/** Checkov's KMS checks as Pulumi resources (see ../case.ts). */
import { declared, T, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const key = (inputs: Record<string, unknown>) => [
  declared(T.key, "key", { tags: TAGS, ...inputs }, { protect: true }),
];

const ADMIN = {
  Sid: "AccountAdministersKey",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::123456789012:root" },
  Action: "kms:*",
  Resource: "*",
};
const policy = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });

export const kms: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_7",
      title: "a symmetric key without enableKeyRotation",
      fail: key({}),
      pass: key({ enableKeyRotation: true }),
    },
    {
      id: "CKV_AWS_33",
      title: "a key policy that allows principal * without a condition",
      fail: key({
        enableKeyRotation: true,
        policy: policy(ADMIN, {
          Sid: "Everyone",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "kms:*",
          Resource: "*",
        }),
      }),
      pass: key({
        enableKeyRotation: true,
        policy: policy(ADMIN, {
          Sid: "Everyone",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:role/app" },
          Action: "kms:*",
          Resource: "*",
        }),
      }),
    },
    {
      id: "CKV_AWS_227",
      title: "a key with isEnabled false",
      fail: key({ enableKeyRotation: true, isEnabled: false }),
      pass: key({ enableKeyRotation: true, isEnabled: true }),
    },
    {
      id: "CKV2_AWS_64",
      title: "a key without a policy",
      fail: key({ enableKeyRotation: true }),
      pass: key({ enableKeyRotation: true, policy: policy(ADMIN) }),
    },
  ],
  notApplicable: [],
  covered: ["CKV2_AWS_64", "CKV_AWS_227", "CKV_AWS_33", "CKV_AWS_7"],
};
