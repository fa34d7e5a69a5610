import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { POLICY_PACK_DIR, readPackConfig, templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import { resolvePolicies } from "../../scripts/cli/offline/policy-engine";

const pack = templatePolicyPack();
const levelsIn = (stack: string) =>
  Object.fromEntries(
    resolvePolicies(pack, readPackConfig(path.join(POLICY_PACK_DIR, "config", `${stack}.json`)), stack).map(
      (p) => [p.policy.name, p.level],
    ),
  );

describe("policy inventory", () => {
  it("pins every policy id with its level in each stack", () => {
    const [M, A, D] = ["mandatory", "advisory", "disabled"] as const;
    // policy, then its level in dev, prod and local, in the pack's order.
    const table: [string, string, string, string][] = [
      ["s3-bucket-kms-encryption", M, M, M],
      ["s3-bucket-public-access-block", M, M, M],
      ["s3-bucket-versioning", M, M, M],
      ["s3-bucket-lifecycle-rules", M, M, M],
      ["s3-bucket-tls-only", M, M, M],
      ["s3-bucket-access-logging", M, M, M],
      ["s3-bucket-acl-not-public", M, M, M],
      ["s3-bucket-acls-disabled", M, M, M],
      ["s3-bucket-policy-not-public", M, M, M],
      ["s3-bucket-policy-no-lockout", M, M, M],
      ["s3-lifecycle-abort-incomplete-uploads", M, M, M],
      ["s3-bucket-object-lock", A, A, A],
      ["s3-bucket-replication", A, A, A],
      ["s3-bucket-event-notifications", A, A, A],
      ["s3-object-kms-cmk", M, M, M],
      ["kms-key-rotation", M, M, M],
      ["kms-key-enabled", M, M, M],
      ["kms-key-policy-no-wildcard-principal", M, M, M],
      ["kms-key-policy-defined", A, A, A],
      ["iam-no-wildcard-action", M, M, M],
      ["iam-no-service-wildcard-on-all-resources", M, M, M],
      ["iam-no-write-on-all-resources", M, M, M],
      ["iam-no-full-iam-access", M, M, M],
      ["iam-no-privilege-escalation", M, M, M],
      ["iam-no-credentials-exposure", M, M, M],
      ["iam-no-data-exfiltration", M, M, M],
      ["iam-no-restrictable-action-on-all-resources", M, M, M],
      ["iam-role-trust-not-public", M, M, M],
      ["iam-role-trust-not-account-wide", M, M, M],
      ["iam-role-trust-github-oidc", M, M, M],
      ["required-tags", A, M, A],
      ["stateful-resources-protected", D, M, D],
      ["sagemaker-endpoint-config-kms", M, M, M],
      ["sagemaker-model-vpc-isolation", M, M, M],
      ["sagemaker-endpoint-autoscaling", M, M, M],
      ["sagemaker-training-spot-checkpoints", M, A, M],
      ["sagemaker-instance-type-allowlist", M, M, M],
      ["sagemaker-notebook-instance-secure", M, M, M],
      ["sagemaker-notebook-role-least-privilege", M, M, M],
      ["sagemaker-domain-kms", M, M, M],
      ["sagemaker-data-quality-job-encrypted", M, M, M],
      ["sagemaker-flow-definition-kms", M, M, M],
      ["eks-cluster-endpoint-private", M, M, M],
      ["eks-cluster-secrets-encrypted", M, M, M],
      ["eks-cluster-control-plane-logging", M, M, M],
      ["eks-cluster-version-supported", M, M, M],
      ["eks-gpu-node-group-tainted", M, M, M],
      ["eks-gpu-node-group-scale-to-zero", M, A, M],
      ["eks-gpu-node-group-spot", A, A, A],
      ["eks-node-group-instance-allowlist", M, M, M],
      ["eks-cluster-public-endpoint-disabled", A, M, A],
      ["eks-node-group-ssh-restricted", M, M, M],
      ["bedrock-invoke-scoped-to-models", M, M, M],
      ["bedrock-invocation-logging", M, M, M],
      ["bedrock-agent-kms", M, M, M],
      ["bedrock-agent-guardrail", M, M, M],
      ["lambda-function-limits", M, M, M],
      ["lambda-reserved-concurrency", M, M, M],
      ["lambda-failure-destination", M, M, M],
      ["lambda-tracing-active", M, M, M],
      ["lambda-function-url-auth", M, M, M],
      ["lambda-failure-destination-unseen-callers", A, A, A],
      ["lambda-no-secrets-in-environment", M, M, M],
      ["lambda-environment-kms", M, M, M],
      ["lambda-runtime-supported", M, M, M],
      ["lambda-in-vpc", A, A, A],
      ["lambda-code-signing", A, A, A],
      ["lambda-function-url-cors", M, M, M],
      ["lambda-permission-scoped", M, M, M],
      ["logs-log-group-retention", M, M, M],
      ["logs-log-group-retention-year", A, M, A],
      ["logs-log-group-kms", M, M, M],
      ["cost-budget-exists", M, M, D],
      ["cost-vpc-s3-gateway-endpoint", M, M, M],
      ["cost-notebook-auto-stop", M, M, M],
      ["redshift-not-public", M, M, M],
      ["redshift-encrypted", M, M, M],
      ["redshift-audit-logging", M, M, M],
      ["redshift-require-ssl", M, M, M],
      ["redshift-in-vpc", M, M, M],
      ["redshift-cluster-maintained", A, M, A],
      ["redshift-database-name", A, A, A],
      ["glue-data-catalog-encrypted", M, M, M],
      ["glue-security-configuration", M, M, M],
      ["athena-workgroup-guarded", M, M, M],
      ["athena-database-encrypted", M, M, M],
      ["stepfunctions-logging-all", M, M, M],
      ["stepfunctions-tracing", M, M, M],
      ["cost-estimate-within-budget", A, M, A],
      ["dynamodb-pitr", M, M, A],
      ["dynamodb-kms", M, M, M],
      ["events-target-dlq", M, M, M],
      ["emr-serverless-auto-stop", M, M, M],
      ["emr-security-configuration", M, M, M],
      ["ec2-imdsv2", M, M, M],
      ["ec2-volumes-encrypted", M, M, M],
      ["ec2-no-public-ip", M, M, M],
      ["ec2-no-ssh-from-internet", M, M, M],
      ["ec2-no-rdp-from-internet", M, M, M],
      ["ec2-no-all-traffic-from-internet", M, M, M],
      ["ec2-no-http-from-internet", A, A, A],
      ["ec2-no-open-ports-from-internet", M, M, M],
      ["ec2-no-all-traffic-egress-to-internet", A, A, A],
      ["ec2-security-group-descriptions", A, M, A],
      ["ec2-security-group-attached", A, A, A],
      ["ec2-default-security-group-restricted", M, M, M],
      ["ec2-vpc-endpoint-service-acceptance", M, M, M],
      ["rds-cluster-encrypted", M, M, M],
      ["rds-not-public", M, M, M],
      ["rds-backups", M, M, A],
      ["rds-deletion-protection", A, M, A],
      ["efs-encrypted", M, M, M],
      ["ebs-volume-encrypted", M, M, M],
      ["resource-policy-not-public", M, M, M],
      ["resource-policy-service-source-condition", M, M, M],
      ["messaging-encrypted", M, M, M],
      ["apigateway-authorized", A, M, A],
    ];
    const column = (i: 1 | 2 | 3) => Object.fromEntries(table.map((row) => [row[0], row[i]]));
    expect({ dev: levelsIn("dev"), prod: levelsIn("prod"), local: levelsIn("local") }).toEqual({
      dev: column(1),
      prod: column(2),
      local: column(3),
    });
    expect(Object.keys(levelsIn("dev"))).toEqual(table.map((row) => row[0]));
  });

  it("has a pack config for every stack file, and only for them", () => {
    const stacks = (dir: string, re: RegExp) =>
      fs
        .readdirSync(dir)
        .map((f) => re.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
    expect(stacks(path.join(POLICY_PACK_DIR, "config"), /^(.+)\.json$/)).toEqual(
      stacks(path.join(POLICY_PACK_DIR, ".."), /^Pulumi\.(.+)\.yaml$/),
    );
  });

  it("gives each policy a kebab-case id, one-sentence description, severity and remediation", () => {
    for (const p of pack.policies) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.description).toMatch(/^[A-Z][^.]*(\.[^ .][^.]*)*\.$/);
      expect(p.severity).toMatch(/^(low|medium|high|critical)$/);
      expect(p.remediationSteps?.length).toBeGreaterThan(20);
    }
  });

  it("grants an exception only with an id and a written reason (local's TLS, pipeline-logs and Session Manager exceptions)", () => {
    const local = resolvePolicies(
      pack,
      readPackConfig(path.join(POLICY_PACK_DIR, "config", "local.json")),
      "local",
    );
    const exceptions = local.flatMap((p) =>
      (p.config.exceptions as { id: string }[]).map((e) => ({ policy: p.policy.name, ...e })),
    );
    expect(exceptions).toEqual([
      {
        policy: "s3-bucket-tls-only",
        id: "LOCAL-TLS-1",
        resource: "mlplat-local-lake-*",
        reason: expect.stringContaining(
          "moto, which enforces bucket policies without their conditions",
        ) as string,
      },
      {
        policy: "iam-no-write-on-all-resources",
        id: "PIPELINE-LOGS-1",
        resource: "*-pipeline-log-delivery",
        reason: expect.stringContaining("which AWS offers on Resource '*' only") as string,
        actions: [
          "logs:CreateLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:PutResourcePolicy",
        ],
      },
      {
        policy: "iam-no-write-on-all-resources",
        id: "GPU-SSM-1",
        resource: "*-session-manager",
        reason: expect.stringContaining("are offered on Resource '*' only") as string,
        actions: [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ],
      },
    ]);
  });
});
