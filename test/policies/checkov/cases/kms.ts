/** Checkov's KMS checks as Pulumi resources (see ../case.ts). */
import { declared, T, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const key = (inputs: Record<string, unknown>) => [
  declared(T.key, "key", { tags: TAGS, ...inputs }, { protect: true }),
];

export const kms: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_7",
      title: "a symmetric key without enableKeyRotation",
      fail: key({}),
      pass: key({ enableKeyRotation: true }),
    },
  ],
  notApplicable: [],
  covered: ["CKV_AWS_7"],
};
