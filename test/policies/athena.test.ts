import type { Policy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";

import { athenaDatabaseEncrypted } from "../../policies/athena/database-encrypted";
import { athenaWorkgroupGuarded } from "../../policies/athena/workgroup-guarded";
import { policyProxy } from "../../policies/lib/unknown";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import { evaluatePolicies, resolvePolicies, type PackConfig } from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { declared, runOf, T, TAGS } from "./helpers";

const policy = athenaWorkgroupGuarded;
const WORKGROUP = "aws:athena/workgroup:Workgroup";
const LAKE_KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-id";
const UNKNOWN_STRING = policyProxy.unknownStringValue;
const GIB = 1024 ** 3;
const TIB = 1024 ** 4;

async function evaluate(p: Policy, resources: readonly DeclaredResource[], config?: PackConfig[string]) {
  const pack = { ...templatePolicyPack(), policies: [p] };
  const resolved = resolvePolicies(pack, config === undefined ? {} : { [p.name]: config }, "test");
  return evaluatePolicies(runOf(resources), pack, resolved);
}
const messagesOf = async (resources: readonly DeclaredResource[], config?: PackConfig[string]) =>
  (await evaluate(policy, resources, config)).violations.map((v) => v.message);

/** A workgroup as the QueryWorkgroup component declares it, with `configuration` fields replaced. */
function workgroup(configuration: Record<string, unknown> = {}): DeclaredResource[] {
  return [
    declared(WORKGROUP, "queries-workgroup", {
      name: "queries",
      tags: TAGS,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 10 * GIB,
        resultConfiguration: {
          outputLocation: "s3://lake/artifacts/athena/results/",
          expectedBucketOwner: "123456789012",
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: LAKE_KEY },
        },
        ...configuration,
      },
    }),
  ];
}
const results = (encryptionConfiguration: Record<string, unknown> | undefined) => ({
  resultConfiguration: {
    outputLocation: "s3://lake/artifacts/athena/results/",
    ...(encryptionConfiguration ? { encryptionConfiguration } : {}),
  },
});

describe("athena-workgroup-guarded", () => {
  it("passes an enforced workgroup with SSE_KMS or CSE_KMS results and a cutoff within the maximum", async () => {
    expect(await messagesOf(workgroup())).toEqual([]);
    expect(
      await messagesOf(
        workgroup({
          ...results({ encryptionOption: "CSE_KMS", kmsKeyArn: LAKE_KEY }),
          bytesScannedCutoffPerQuery: TIB,
        }),
      ),
    ).toEqual([]);
    // enforceWorkgroupConfiguration defaults to true in the provider.
    expect(await messagesOf(workgroup({ enforceWorkgroupConfiguration: undefined }))).toEqual([]);
  });

  it("fails a workgroup whose configuration clients may override", async () => {
    expect(await messagesOf(workgroup({ enforceWorkgroupConfiguration: false }))).toEqual([
      'Workgroup "queries-workgroup" lets clients override its configuration (enforceWorkgroupConfiguration false): a query may then write unencrypted results elsewhere and ignore the cutoff',
    ]);
  });

  it("fails results encrypted with SSE_S3, or not at all", async () => {
    expect(await messagesOf(workgroup(results({ encryptionOption: "SSE_S3" })))).toEqual([
      'Workgroup "queries-workgroup" does not encrypt query results with KMS (encryptionOption "SSE_S3"): set resultConfiguration.encryptionConfiguration.encryptionOption to SSE_KMS with a kmsKeyArn',
    ]);
    expect(await messagesOf(workgroup(results(undefined)))).toEqual([
      'Workgroup "queries-workgroup" does not encrypt query results with KMS (encryptionOption unset): set resultConfiguration.encryptionConfiguration.encryptionOption to SSE_KMS with a kmsKeyArn',
    ]);
  });

  it("fails KMS result encryption without a key", async () => {
    expect(await messagesOf(workgroup(results({ encryptionOption: "SSE_KMS" })))).toEqual([
      'Workgroup "queries-workgroup" encrypts query results with SSE_KMS without a kmsKeyArn: name the key',
    ]);
  });

  it("fails results in Athena's managed storage without a key, and passes them with one", async () => {
    const managed = (encryptionConfiguration: Record<string, unknown>) =>
      workgroup({
        resultConfiguration: undefined,
        managedQueryResultsConfiguration: { enabled: true, encryptionConfiguration },
      });
    expect(await messagesOf(managed({}))).toEqual([
      'Workgroup "queries-workgroup" keeps query results in Athena\'s managed storage without a KMS key: set managedQueryResultsConfiguration.encryptionConfiguration.kmsKey',
    ]);
    expect(await messagesOf(managed({ kmsKey: LAKE_KEY }))).toEqual([]);
  });

  it("fails a workgroup without a per-query cutoff", async () => {
    expect(await messagesOf(workgroup({ bytesScannedCutoffPerQuery: undefined }))).toEqual([
      'Workgroup "queries-workgroup" sets no bytesScannedCutoffPerQuery: one query may scan, and bill, every byte it can reach; set at most 1099511627776 bytes (1 TiB)',
    ]);
  });

  it("fails a cutoff above the stack's maximum, which the pack config sets", async () => {
    const big = workgroup({ bytesScannedCutoffPerQuery: 2 * TIB });
    expect(await messagesOf(big)).toEqual([
      'Workgroup "queries-workgroup" cuts queries off at 2199023255552 bytes (2 TiB), above this stack\'s maximum of 1099511627776 bytes (1 TiB, maxBytesScannedCutoffPerQuery)',
    ]);
    expect(await messagesOf(big, { maxBytesScannedCutoffPerQuery: 4 * TIB })).toEqual([]);
    expect(await messagesOf(workgroup(), { maxBytesScannedCutoffPerQuery: GIB })).toEqual([
      'Workgroup "queries-workgroup" cuts queries off at 10737418240 bytes (10 GiB), above this stack\'s maximum of 1073741824 bytes (1 GiB, maxBytesScannedCutoffPerQuery)',
    ]);
  });

  it("fails a cutoff under Athena's minimum, and a pack config maximum under it", async () => {
    expect(await messagesOf(workgroup({ bytesScannedCutoffPerQuery: 1000 }))).toEqual([
      'Workgroup "queries-workgroup" sets bytesScannedCutoffPerQuery 1000: Athena accepts whole numbers of bytes from 10485760 (10 MB)',
    ]);
    await expect(evaluate(policy, workgroup(), { maxBytesScannedCutoffPerQuery: 1000 })).rejects.toThrow(
      "athena-workgroup-guarded.maxBytesScannedCutoffPerQuery: got 1000",
    );
  });

  it("fails a workgroup with no configuration at all: no encryption, no cutoff", async () => {
    expect(await messagesOf([declared(WORKGROUP, "bare", { name: "bare", tags: TAGS })])).toEqual([
      'Workgroup "bare" does not encrypt query results with KMS (encryptionOption unset): set resultConfiguration.encryptionConfiguration.encryptionOption to SSE_KMS with a kmsKeyArn',
      'Workgroup "bare" sets no bytesScannedCutoffPerQuery: one query may scan, and bill, every byte it can reach; set at most 1099511627776 bytes (1 TiB)',
    ]);
  });

  it("takes an unknown key as a key, notes it cannot run on an unknown cutoff, skips other types", async () => {
    expect(
      await messagesOf(workgroup(results({ encryptionOption: "SSE_KMS", kmsKeyArn: UNKNOWN_STRING }))),
    ).toEqual([]);
    const { violations, notApplicable } = await evaluate(policy, [
      ...workgroup({ bytesScannedCutoffPerQuery: UNKNOWN_STRING }),
      declared(T.bucket, "b", {}),
    ]);
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        "can't run policy 'athena-workgroup-guarded' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .configuration.bytesScannedCutoffPerQuery can't be known during preview",
      ],
    ]);
    expect(notApplicable).toEqual({ [policy.name]: 1 });
  });
});

describe("athena-database-encrypted", () => {
  const DATABASE = "aws:athena/database:Database";
  const database = (inputs: Record<string, unknown>) => [
    declared(DATABASE, "reports", { name: "reports", bucket: "lake-results", ...inputs }),
  ];
  const databaseMessages = async (resources: readonly DeclaredResource[]) =>
    (await evaluate(athenaDatabaseEncrypted, resources)).violations.map((v) => v.message);

  it("passes a database that encrypts with a KMS key, or with SSE_S3", async () => {
    expect(
      await databaseMessages(
        database({ encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKey: LAKE_KEY } }),
      ),
    ).toEqual([]);
    expect(
      await databaseMessages(database({ encryptionConfiguration: { encryptionOption: "SSE_S3" } })),
    ).toEqual([]);
  });

  it("fails a database without an encryption option, and a KMS option without a key", async () => {
    expect(await databaseMessages(database({}))).toEqual([
      'Athena database "reports" sets no encryptionConfiguration.encryptionOption: the results Athena writes for it are not encrypted by Athena; set SSE_KMS with a kmsKey',
    ]);
    expect(
      await databaseMessages(database({ encryptionConfiguration: { encryptionOption: "CSE_KMS" } })),
    ).toEqual(['Athena database "reports" encrypts with CSE_KMS without a kmsKey: name the key']);
  });

  it("takes an unknown key as a key, cannot run on an unknown option, skips other types", async () => {
    expect(
      await databaseMessages(
        database({ encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKey: UNKNOWN_STRING } }),
      ),
    ).toEqual([]);
    const unknown = await evaluate(
      athenaDatabaseEncrypted,
      database({ encryptionConfiguration: { encryptionOption: UNKNOWN_STRING } }),
    );
    expect(unknown.violations.map((v) => v.level)).toEqual(["advisory"]);
    const other = await evaluate(athenaDatabaseEncrypted, workgroup());
    expect(other.notApplicable).toEqual({ [athenaDatabaseEncrypted.name]: 1 });
  });
});
