/** Checkov's logs checks as Pulumi resources (see ../case.ts). */
import { declared, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/logs-key-id";

const logGroup = (inputs: Record<string, unknown>) => [
  declared("aws:cloudwatch/logGroup:LogGroup", "logs", { name: "/mlplat/app", tags: TAGS, ...inputs }),
];

export const logs: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_66",
      title: "a log group without retentionInDays",
      fail: logGroup({ kmsKeyId: KEY_ARN }),
      pass: logGroup({ kmsKeyId: KEY_ARN, retentionInDays: 30 }),
    },
    {
      id: "CKV_AWS_158",
      title: "a log group without kmsKeyId",
      fail: logGroup({ retentionInDays: 365 }),
      pass: logGroup({ retentionInDays: 365, kmsKeyId: KEY_ARN }),
    },
    {
      id: "CKV_AWS_338",
      title: "a log group that keeps its logs 30 days",
      fail: logGroup({ kmsKeyId: KEY_ARN, retentionInDays: 30 }),
      pass: logGroup({ kmsKeyId: KEY_ARN, retentionInDays: 365 }),
    },
  ],
  notApplicable: [],
  covered: ["CKV_AWS_158", "CKV_AWS_338", "CKV_AWS_66"],
};
