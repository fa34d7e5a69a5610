/** Checkov's athena checks as Pulumi resources (see ../case.ts). */
import type { DeclaredResource } from "../../../../scripts/cli/offline/runner";
import { declared, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const WORKGROUP = "aws:athena/workgroup:Workgroup";
const DATABASE = "aws:athena/database:Database";
const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/athena-key-id";
const RESULTS_ENCRYPTED = { encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN };

/** A workgroup every Athena policy passes, with `configuration` changed. */
function workgroup(configuration: Record<string, unknown>): DeclaredResource[] {
  return [
    declared(WORKGROUP, "analysts", {
      name: "analysts",
      configuration: {
        enforceWorkgroupConfiguration: true,
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: "s3://lake-results/analysts/",
          encryptionConfiguration: RESULTS_ENCRYPTED,
        },
        ...configuration,
      },
      tags: TAGS,
    }),
  ];
}

function database(inputs: Record<string, unknown>): DeclaredResource[] {
  return [declared(DATABASE, "reports", { name: "reports", bucket: "lake-results", ...inputs })];
}

export const athena: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_77",
      title: "a database without encryptionConfiguration",
      fail: database({}),
      pass: database({ encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKey: KEY_ARN } }),
    },
    {
      id: "CKV_AWS_82",
      title: "a workgroup with enforceWorkgroupConfiguration false",
      fail: workgroup({ enforceWorkgroupConfiguration: false }),
      pass: workgroup({ enforceWorkgroupConfiguration: true }),
    },
    {
      id: "CKV_AWS_159",
      title: "a workgroup whose results have no encryptionConfiguration",
      fail: workgroup({ resultConfiguration: { outputLocation: "s3://lake-results/analysts/" } }),
      pass: workgroup({
        resultConfiguration: {
          outputLocation: "s3://lake-results/analysts/",
          encryptionConfiguration: RESULTS_ENCRYPTED,
        },
      }),
    },
  ],
  notApplicable: [],
  covered: ["CKV_AWS_159", "CKV_AWS_77", "CKV_AWS_82"],
};
