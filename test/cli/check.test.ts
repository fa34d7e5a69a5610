import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import Ajv from "ajv";
import addFormats from "ajv-formats";
import type * as Sarif from "sarif";
import { beforeAll, describe, expect, it } from "vitest";

import { POLICIES } from "../../policies/pack";
import { REPO_ROOT } from "../harness";

const BIN = path.join(REPO_ROOT, "scripts", "bin", "mlplat.cjs");
const NONCOMPLIANT = path.join("test", "fixtures", "noncompliant");

/**
 * Runs the CLI as users do, in a process of its own. The host's type check of `--program` is skipped here as the
 * host skips it (the repository's own tsc checks the fixtures); test/cli/program-typecheck.test.ts tests it.
 */
function mlplat(args: string[], cwd = REPO_ROOT) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface CheckJson {
  stack: string;
  resources: { type: string; name: string; urn: string }[];
  violations: { policy: string; level: string; urn: string; type: string; name: string; message: string }[];
  summary: {
    passed: boolean;
    mandatory: number;
    advisory: number;
    policies: Record<string, string>;
    exceptions: { policy: string; id: string; reason: string }[];
  };
}

/** Every violation the non-compliant fixture must produce, as [policy, resource, message]. */
const EXPECTED: [string, string, string][] = [
  [
    "s3-bucket-kms-encryption",
    "nc-plain",
    `bucket "nc-plain" has no default encryption configuration, so it only gets S3's SSE-S3 default: encrypt it with a customer-managed KMS key`,
  ],
  [
    "s3-bucket-kms-encryption",
    "nc-weak",
    `bucket "nc-weak" is encrypted with AES256, not with a customer-managed KMS key: set sseAlgorithm to aws:kms and kmsMasterKeyId`,
  ],
  [
    "s3-bucket-public-access-block",
    "nc-plain",
    `bucket "nc-plain" has no BucketPublicAccessBlock: add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets set to true`,
  ],
  [
    "s3-bucket-public-access-block",
    "nc-weak",
    `bucket "nc-weak" does not block all public access: blockPublicPolicy, restrictPublicBuckets must be true`,
  ],
  [
    "s3-bucket-versioning",
    "nc-plain",
    `bucket "nc-plain" has no BucketVersioning: enable versioning on data buckets`,
  ],
  ["s3-bucket-versioning", "nc-weak", `bucket "nc-weak" has versioning Suspended, expected Enabled`],
  [
    "s3-bucket-lifecycle-rules",
    "nc-plain",
    `bucket "nc-plain" has no enabled lifecycle rules: add a BucketLifecycleConfiguration`,
  ],
  [
    "s3-bucket-lifecycle-rules",
    "nc-weak",
    `bucket "nc-weak" lifecycle rule "ColdTooSoon": transitions out of order: STANDARD_IA after 30 days follows GLACIER after 20 days`,
  ],
  [
    "s3-bucket-tls-only",
    "nc-plain",
    `bucket "nc-plain" has no bucket policy: add one that denies requests without TLS`,
  ],
  [
    "s3-bucket-tls-only",
    "nc-weak",
    `bucket "nc-weak" has a bucket policy without a statement denying s3:* on the bucket and its objects when aws:SecureTransport is false`,
  ],
  [
    "s3-bucket-access-logging",
    "nc-plain",
    'bucket "nc-plain" has no server access logging: add a BucketLogging with a targetBucket',
  ],
  [
    "s3-bucket-access-logging",
    "nc-weak",
    'bucket "nc-weak" has no server access logging: add a BucketLogging with a targetBucket',
  ],
  [
    "s3-bucket-acl-not-public",
    "nc-weak-acl",
    'BucketAcl "nc-weak-acl" has acl "public-read", which lets anyone list the bucket: use "private"',
  ],
  [
    "s3-bucket-acls-disabled",
    "nc-weak-ownership",
    'BucketOwnershipControls "nc-weak-ownership" has rule.objectOwnership "BucketOwnerPreferred", which keeps ACLs in force: set it to "BucketOwnerEnforced"',
  ],
  [
    "s3-bucket-policy-not-public",
    "nc-weak-policy",
    'BucketPolicy "nc-weak-policy" policy statement "PublicRead" allows s3:GetObject to any principal ("*") without a condition that confines it to an account, organization, VPC or endpoint: name the principals or add such a condition',
  ],
  [
    "s3-bucket-policy-no-lockout",
    "nc-weak-policy",
    'BucketPolicy "nc-weak-policy" policy statement "FreezePolicy" denies s3:PutBucketPolicy, s3:DeleteBucketPolicy to every principal without a condition, so only the account root could change the bucket policy again: exempt the administrators with a condition or narrow the actions',
  ],
  [
    "s3-lifecycle-abort-incomplete-uploads",
    "nc-weak-lifecycle",
    'BucketLifecycleConfiguration "nc-weak-lifecycle" has no enabled rule that aborts incomplete multipart uploads for the whole bucket: add a rule with status "Enabled", an empty filter and abortIncompleteMultipartUpload { daysAfterInitiation: 7 }',
  ],
  [
    "s3-object-kms-cmk",
    "nc-readme",
    'BucketObject "nc-readme" has no kmsKeyId: set it to a customer-managed KMS key ARN',
  ],
  ["kms-key-rotation", "nc-key", `KMS key "nc-key" does not rotate: set enableKeyRotation to true`],
  [
    "kms-key-enabled",
    "nc-open-key",
    `KMS key "nc-open-key" has isEnabled false: nothing can encrypt or decrypt with it; enable it`,
  ],
  [
    "kms-key-policy-no-wildcard-principal",
    "nc-open-key",
    `KMS key "nc-open-key" policy statement "Anyone" allows principal "*" without a condition: any AWS account can use the key; name the principals or add a condition`,
  ],
  ["iam-no-wildcard-action", "nc-admin", `Policy "nc-admin" policy statement 1 allows every action ("*")`],
  [
    "iam-no-service-wildcard-on-all-resources",
    "nc-s3-everything",
    `RolePolicy "nc-s3-everything" policy statement "AllOfS3" allows s3:* on every resource ("*")`,
  ],
  [
    "iam-no-write-on-all-resources",
    "nc-role",
    `Role "nc-role" inlinePolicies[writes] statement "WriteAnywhere" allows the write actions s3:PutObject on every resource ("*")`,
  ],
  [
    "iam-no-full-iam-access",
    "nc-iam-everything",
    `Policy "nc-iam-everything" policy statement "AllOfIam" allows every IAM action ("iam:*")`,
  ],
  [
    "iam-no-privilege-escalation",
    "nc-admin",
    `Policy "nc-admin" policy allows privilege escalation on every resource ("*"): CreateAccessKey (iam:CreateAccessKey), CreateLoginProfile (iam:CreateLoginProfile), UpdateLoginProfile (iam:UpdateLoginProfile), AddUserToGroup (iam:AddUserToGroup), CreateNewPolicyVersion (iam:CreatePolicyVersion) and 17 more`,
  ],
  [
    "iam-no-credentials-exposure",
    "nc-admin",
    `Policy "nc-admin" policy statement 1 allows the credential-returning actions airflow:CreateCliToken, airflow:CreateWebLoginToken, appsync:CreateApiKey, chime:CreateApiKey, cloud9:CreateEnvironmentToken and 28 more on every resource ("*")`,
  ],
  [
    "iam-no-data-exfiltration",
    "nc-admin",
    `Policy "nc-admin" policy statement 1 allows s3:GetObject, ssm:GetParameter, ssm:GetParameters, ssm:GetParametersByPath, secretsmanager:GetSecretValue on every resource ("*")`,
  ],
  [
    "iam-no-data-exfiltration",
    "nc-role",
    `Role "nc-role" inlinePolicies[writes] statement "WriteAnywhere" allows s3:GetObject on every resource ("*")`,
  ],
  [
    "iam-no-data-exfiltration",
    "nc-s3-everything",
    `RolePolicy "nc-s3-everything" policy statement "AllOfS3" allows s3:GetObject on every resource ("*")`,
  ],
  [
    "iam-no-restrictable-action-on-all-resources",
    "nc-admin",
    `Policy "nc-admin" policy statement 1 allows * on every resource ("*"), though AWS lets them be scoped to resource ARNs`,
  ],
  [
    "iam-no-restrictable-action-on-all-resources",
    "nc-role",
    `Role "nc-role" inlinePolicies[writes] statement "WriteAnywhere" allows s3:GetObject, s3:PutObject on every resource ("*"), though AWS lets them be scoped to resource ARNs`,
  ],
  [
    "iam-no-restrictable-action-on-all-resources",
    "nc-s3-everything",
    `RolePolicy "nc-s3-everything" policy statement "AllOfS3" allows s3:* on every resource ("*"), though AWS lets them be scoped to resource ARNs`,
  ],
  [
    "iam-role-trust-not-public",
    "nc-open-trust",
    `Role "nc-open-trust" assumeRolePolicy statement "Anyone" lets any AWS principal ("*") assume the role`,
  ],
  [
    "iam-role-trust-not-account-wide",
    "nc-open-trust",
    `Role "nc-open-trust" assumeRolePolicy statement "WholeAccount" trusts the whole account arn:aws:iam::123456789012:root`,
  ],
  [
    "iam-role-trust-github-oidc",
    "nc-open-trust",
    `Role "nc-open-trust" assumeRolePolicy statement "AnyWorkflow" trusts GitHub Actions OIDC without a token.actions.githubusercontent.com:sub condition`,
  ],
  ["required-tags", "nc-plain", `Bucket "nc-plain" lacks the tags Project, Environment, CostCenter, Owner`],
  [
    "stateful-resources-protected",
    "nc-plain",
    `Bucket "nc-plain" holds data and is not protected: set protect (and retainOnDelete)`,
  ],
  [
    "sagemaker-endpoint-config-kms",
    "nc-endpoint-config",
    `Endpoint configuration "nc-endpoint-config" has no kmsKeyArn: its volumes are not encrypted with a customer-managed key`,
  ],
  [
    "sagemaker-model-vpc-isolation",
    "nc-model",
    `Model "nc-model" has no vpcConfig with subnets and security groups: it runs outside the platform's VPC`,
  ],
  [
    "sagemaker-model-vpc-isolation",
    "nc-model",
    `Model "nc-model" does not set enableNetworkIsolation: its container can reach the network`,
  ],
  [
    "sagemaker-endpoint-autoscaling",
    "nc-endpoint",
    `Endpoint "nc-endpoint" has no autoscaling target: it keeps its initial instance count whatever the load`,
  ],
  [
    "sagemaker-instance-type-allowlist",
    "nc-endpoint-config",
    `Endpoint configuration "nc-endpoint-config" variant AllTraffic uses ml.p5.48xlarge, which is not in this stack's allowedInstanceTypes (ml.t3.medium, ml.t3.large, ml.m5.large, ml.m5.xlarge, ml.c5.xlarge, ml.g4dn.xlarge, ml.g5.xlarge, ml.p3.2xlarge, ml.m5.2xlarge, ml.m5.4xlarge, ml.c5.2xlarge, ml.g5.2xlarge, ml.p3.8xlarge, ml.p4d.24xlarge, ml.inf2.xlarge)`,
  ],
  [
    "sagemaker-notebook-instance-secure",
    "nc-notebook",
    `Notebook instance "nc-notebook" has direct internet access: set directInternetAccess to "Disabled"`,
  ],
  [
    "sagemaker-notebook-instance-secure",
    "nc-notebook",
    `Notebook instance "nc-notebook" gives users root access: set rootAccess to "Disabled"`,
  ],
  [
    "sagemaker-notebook-instance-secure",
    "nc-notebook",
    `Notebook instance "nc-notebook" has no subnetId: it runs outside the platform's VPC`,
  ],
  [
    "sagemaker-notebook-instance-secure",
    "nc-notebook",
    'Notebook instance "nc-notebook" accepts IMDSv1 (instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion is not set): set it to "2"',
  ],
  [
    "sagemaker-notebook-instance-secure",
    "nc-notebook",
    `Notebook instance "nc-notebook" has no kmsKeyId: its storage is not encrypted with a customer-managed key`,
  ],
  [
    "sagemaker-notebook-role-least-privilege",
    "nc-notebook",
    'Notebook instance "nc-notebook" runs as role "nc-role", whose policy "nc-admin" statement 1 allows every action ("*"): grant only the actions the notebook needs',
  ],
  [
    "sagemaker-domain-kms",
    "nc-studio",
    `Domain "nc-studio" has no kmsKeyId: its users' home directories are not encrypted with a customer-managed key`,
  ],
  [
    "sagemaker-data-quality-job-encrypted",
    "nc-drift",
    'Data quality job definition "nc-drift" has no dataQualityJobOutputConfig.kmsKeyId: its monitoring reports are not encrypted with a customer-managed key',
  ],
  [
    "sagemaker-data-quality-job-encrypted",
    "nc-drift",
    `Data quality job definition "nc-drift" has no jobResources.clusterConfig.volumeKmsKeyId: its instances' volumes are not encrypted with a customer-managed key`,
  ],
  [
    "sagemaker-data-quality-job-encrypted",
    "nc-drift",
    'Data quality job definition "nc-drift" does not encrypt traffic between its instances (networkConfig.enableInterContainerTrafficEncryption is not set): set it to true',
  ],
  [
    "sagemaker-flow-definition-kms",
    "nc-review",
    'Flow definition "nc-review" has no outputConfig.kmsKeyId: its human-loop output is not encrypted with a customer-managed key',
  ],
  [
    "eks-cluster-endpoint-private",
    "nc-cluster",
    `EKS cluster "nc-cluster" exposes its API endpoint to the whole internet: make it private or set publicAccessCidrs`,
  ],
  [
    "eks-cluster-secrets-encrypted",
    "nc-cluster",
    `EKS cluster "nc-cluster" does not encrypt Kubernetes secrets with a KMS key`,
  ],
  [
    "eks-cluster-control-plane-logging",
    "nc-cluster",
    `EKS cluster "nc-cluster" does not log api, audit, authenticator, controllerManager, scheduler`,
  ],
  [
    "eks-cluster-version-supported",
    "nc-cluster",
    `EKS cluster "nc-cluster" runs Kubernetes "1.28", outside standard support (1.33, 1.34, 1.35)`,
  ],
  [
    "eks-gpu-node-group-tainted",
    "nc-gpu-nodes",
    `GPU node group "nc-gpu-nodes" has no nvidia.com/gpu NoSchedule taint: any pod can take its GPUs`,
  ],
  [
    "eks-node-group-instance-allowlist",
    "nc-gpu-nodes",
    `Node group "nc-gpu-nodes" uses p5.48xlarge, not in this stack's allowedInstanceTypes (g4dn.xlarge, g5.xlarge, p3.2xlarge, g5.2xlarge, g5.12xlarge, p3.8xlarge, p4d.24xlarge, m5.large, m5.xlarge)`,
  ],
  [
    "eks-cluster-public-endpoint-disabled",
    "nc-cluster",
    'EKS cluster "nc-cluster" has a public API endpoint (the default when endpointPublicAccess is not false): set vpcConfig.endpointPublicAccess to false and reach the API from inside the VPC',
  ],
  [
    "eks-node-group-ssh-restricted",
    "nc-gpu-nodes",
    'EKS node group "nc-gpu-nodes" sets remoteAccess.ec2SshKey without sourceSecurityGroupIds: EKS opens SSH on its nodes to 0.0.0.0/0; name the source security groups or drop remoteAccess',
  ],
  [
    "bedrock-invoke-scoped-to-models",
    "nc-bedrock-invoke",
    `RolePolicy "nc-bedrock-invoke" policy statement "AnyModel" grants model invocation on "arn:aws:bedrock:us-east-1::foundation-model/*": list the model ARNs (arn:aws:bedrock:<region>::foundation-model/<id>) it may invoke`,
  ],
  [
    "bedrock-invocation-logging",
    "nc-bedrock-invoke",
    `"nc-bedrock-invoke" grants Bedrock model invocation, but the stack declares no model-invocation logging: prompts and answers leave no record`,
  ],
  [
    "bedrock-agent-kms",
    "nc-agent",
    'Bedrock agent "nc-agent" has no customerEncryptionKeyArn: its data is encrypted with an AWS-owned key, not a customer-managed one',
  ],
  [
    "bedrock-agent-guardrail",
    "nc-agent",
    'Bedrock agent "nc-agent" has no guardrail (guardrailConfigurations[].guardrailIdentifier is not set): its prompts and answers pass no content filter',
  ],
  [
    "lambda-function-limits",
    "nc-function",
    `Function "nc-function" has memorySize 64 MB: Lambda allows 128 MB to 10,240 MB`,
  ],
  [
    "lambda-function-limits",
    "nc-function",
    `Function "nc-function" has timeout 1200 s: Lambda allows 1 to 900 seconds (15 minutes)`,
  ],
  [
    "lambda-function-limits",
    "nc-function",
    `Function "nc-function" has ephemeralStorage.size 256 MB: Lambda allows 512 MB to 10,240 MB of /tmp`,
  ],
  [
    "lambda-reserved-concurrency",
    "nc-function",
    `Function "nc-function" has no reserved concurrency: it can take the account's whole concurrency (1,000 by default) and throttle every other function`,
  ],
  [
    "lambda-failure-destination",
    "nc-function",
    `Function "nc-function" is invoked asynchronously (by Lambda permission "nc-function-from-s3") but has neither a dead-letter queue (deadLetterConfig.targetArn) nor an on-failure destination: events that fail after Lambda's two retries are dropped`,
  ],
  [
    "lambda-tracing-active",
    "nc-function",
    `Function "nc-function" does not trace with X-Ray (tracingConfig.mode is not set): set it to "Active"`,
  ],
  [
    "lambda-function-url-auth",
    "nc-function-url",
    `Function URL "nc-function-url" has authorizationType "NONE": anyone on the internet can invoke the function`,
  ],
  [
    "lambda-no-secrets-in-environment",
    "nc-worker",
    `Function "nc-worker" has an AWS access key id in environment.variables.AWS_ACCESS_KEY_ID: anyone who can read the function's configuration can read it; read it from Secrets Manager or SSM Parameter Store at run time`,
  ],
  [
    "lambda-environment-kms",
    "nc-worker",
    `Function "nc-worker" has environment variables but kmsKeyArn is not set: they are encrypted with Lambda's AWS-managed key only; set kmsKeyArn to a customer-managed key`,
  ],
  [
    "lambda-runtime-supported",
    "nc-worker",
    `Function "nc-worker" has runtime "python3.9", which is deprecated: it gets no security patches; move to a supported runtime`,
  ],
  [
    "lambda-function-url-cors",
    "nc-function-live-url",
    `Function URL "nc-function-live-url" has cors.allowOrigins ["*"] and cors.allowMethods ["*"]: any web page can call the function with any method; list the allowed origins or methods`,
  ],
  [
    "lambda-permission-scoped",
    "nc-function-from-s3",
    `Lambda permission "nc-function-from-s3" lets the service s3.amazonaws.com invoke the function without sourceArn or sourceAccount: any account's resources of that service can invoke it; set sourceArn (or sourceAccount)`,
  ],
  [
    "lambda-permission-scoped",
    "nc-function-public",
    `Lambda permission "nc-function-public" has principal "*": anyone can invoke the function; name the account, role or service that invokes it`,
  ],
  [
    "logs-log-group-retention",
    "nc-logs",
    `Log group "nc-logs" does not set retentionInDays: CloudWatch Logs keeps its logs forever; set a retention period`,
  ],
  [
    "logs-log-group-retention-year",
    "nc-logs",
    `Log group "nc-logs" keeps its logs forever by default, but does not say so (retentionInDays is not set): keep them at least 365 days (retentionInDays 365 or more, or 0)`,
  ],
  [
    "logs-log-group-kms",
    "nc-logs",
    `Log group "nc-logs" is not encrypted with a customer-managed key (kmsKeyId is not set): set kmsKeyId`,
  ],
  [
    "cost-budget-exists",
    "nc-budget",
    `Budget "nc-budget" does not guard the stack's monthly cost: no notifications, expected an alert (e.g. ACTUAL spend above 80% of the limit)`,
  ],
  [
    "cost-vpc-s3-gateway-endpoint",
    "nc-vpc",
    `VPC "nc-vpc" has no S3 gateway endpoint: its S3 traffic goes through NAT gateway "nc-nat", billed per GB`,
  ],
  [
    "cost-notebook-auto-stop",
    "nc-notebook",
    `Notebook instance "nc-notebook" has no lifecycle configuration: nothing stops it when it sits idle`,
  ],
  [
    "redshift-not-public",
    "nc-redshift",
    `Redshift cluster "nc-redshift" is publicly accessible: set publiclyAccessible to false`,
  ],
  [
    "redshift-not-public",
    "nc-rs-workgroup",
    `Redshift Serverless workgroup "nc-rs-workgroup" is publicly accessible: set publiclyAccessible to false`,
  ],
  [
    "redshift-encrypted",
    "nc-redshift",
    `Redshift cluster "nc-redshift" is not encrypted at rest: set encrypted to true and kmsKeyId`,
  ],
  [
    "redshift-encrypted",
    "nc-rs-namespace",
    `Redshift Serverless namespace "nc-rs-namespace" is encrypted with an AWS-owned key (no kmsKeyId): set kmsKeyId to a customer-managed KMS key`,
  ],
  [
    "redshift-audit-logging",
    "nc-redshift",
    `Redshift cluster "nc-redshift" does not export useractivitylog (logging "nc-redshift-logging")`,
  ],
  [
    "redshift-audit-logging",
    "nc-rs-namespace",
    `Redshift Serverless namespace "nc-rs-namespace" does not export connectionlog, userlog, useractivitylog to CloudWatch Logs: add them to logExports`,
  ],
  [
    "redshift-require-ssl",
    "nc-redshift",
    `Redshift cluster "nc-redshift" uses the default parameter group, which does not require TLS: give it a parameter group with require_ssl = true`,
  ],
  [
    "redshift-require-ssl",
    "nc-rs-workgroup",
    `Redshift Serverless workgroup "nc-rs-workgroup" sets require_ssl to "false": set it to true`,
  ],
  [
    "redshift-in-vpc",
    "nc-redshift",
    `Redshift cluster "nc-redshift" names no clusterSubnetGroupName: Redshift places it in the default VPC; give it an aws.redshift.SubnetGroup of the platform's private subnets`,
  ],
  [
    "redshift-in-vpc",
    "nc-redshift",
    'Redshift cluster "nc-redshift" leaves enhancedVpcRouting unset (false): set it to true so that COPY and UNLOAD traffic stays in the VPC',
  ],
  [
    "redshift-in-vpc",
    "nc-rs-workgroup",
    'Redshift Serverless workgroup "nc-rs-workgroup" leaves enhancedVpcRouting unset (false): set it to true so that COPY and UNLOAD traffic stays in the VPC',
  ],
  [
    "redshift-cluster-maintained",
    "nc-redshift",
    `Redshift cluster "nc-redshift" sets allowVersionUpgrade to false: it misses the engine's security fixes; remove it or set it to true`,
  ],
  [
    "redshift-cluster-maintained",
    "nc-redshift",
    'Redshift cluster "nc-redshift" sets automatedSnapshotRetentionPeriod to 0, which turns automated snapshots off: keep them 1 to 35 days',
  ],
  [
    "glue-data-catalog-encrypted",
    "nc-glue-db",
    `CatalogDatabase "nc-glue-db" puts data into the Glue Data Catalog, but the stack declares no aws.glue.DataCatalogEncryptionSettings: the catalog's metadata and connection passwords are not encrypted with a KMS key`,
  ],
  [
    "glue-data-catalog-encrypted",
    "nc-glue-crawler",
    `Crawler "nc-glue-crawler" puts data into the Glue Data Catalog, but the stack declares no aws.glue.DataCatalogEncryptionSettings: the catalog's metadata and connection passwords are not encrypted with a KMS key`,
  ],
  [
    "glue-data-catalog-encrypted",
    "nc-glue-job",
    `Job "nc-glue-job" puts data into the Glue Data Catalog, but the stack declares no aws.glue.DataCatalogEncryptionSettings: the catalog's metadata and connection passwords are not encrypted with a KMS key`,
  ],
  [
    "glue-security-configuration",
    "nc-glue-job",
    `Glue job "nc-glue-job" names no securityConfiguration: its S3 output, logs and job bookmarks are not encrypted with KMS`,
  ],
  [
    "glue-security-configuration",
    "nc-glue-security",
    `Security configuration "nc-glue-security" encrypts S3 data with "SSE-S3": set encryptionConfiguration.s3Encryption.s3EncryptionMode to SSE-KMS with a kmsKeyArn`,
  ],
  [
    "glue-security-configuration",
    "nc-glue-security",
    `Security configuration "nc-glue-security" encrypts CloudWatch logs with "DISABLED": set encryptionConfiguration.cloudwatchEncryption.cloudwatchEncryptionMode to SSE-KMS with a kmsKeyArn`,
  ],
  [
    "glue-security-configuration",
    "nc-glue-security",
    `Security configuration "nc-glue-security" encrypts job bookmarks with "DISABLED": set encryptionConfiguration.jobBookmarksEncryption.jobBookmarksEncryptionMode to CSE-KMS with a kmsKeyArn`,
  ],
  [
    "athena-workgroup-guarded",
    "nc-athena",
    `Workgroup "nc-athena" lets clients override its configuration (enforceWorkgroupConfiguration false): a query may then write unencrypted results elsewhere and ignore the cutoff`,
  ],
  [
    "athena-workgroup-guarded",
    "nc-athena",
    `Workgroup "nc-athena" does not encrypt query results with KMS (encryptionOption "SSE_S3"): set resultConfiguration.encryptionConfiguration.encryptionOption to SSE_KMS with a kmsKeyArn`,
  ],
  [
    "athena-workgroup-guarded",
    "nc-athena",
    `Workgroup "nc-athena" sets no bytesScannedCutoffPerQuery: one query may scan, and bill, every byte it can reach; set at most 1099511627776 bytes (1 TiB)`,
  ],
  [
    "athena-database-encrypted",
    "nc-athena-db",
    'Athena database "nc-athena-db" sets no encryptionConfiguration.encryptionOption: the results Athena writes for it are not encrypted by Athena; set SSE_KMS with a kmsKey',
  ],
  [
    "stepfunctions-logging-all",
    "nc-training-workflow",
    `State machine "nc-training-workflow" has no loggingConfiguration: set level "ALL", includeExecutionData true and a logDestination (a CloudWatch Logs group ARN ending in ":*")`,
  ],
  [
    "stepfunctions-tracing",
    "nc-training-workflow",
    `State machine "nc-training-workflow" does not trace with X-Ray (tracingConfiguration.enabled is not set): set it to true`,
  ],
  [
    "cost-estimate-within-budget",
    "nc-budget",
    'Estimated monthly cost $55,660.55 ($55,660.55 fixed + $0.00 usage, ap-northeast-2 prices) exceeds the budget of $10.00 (Budget "nc-budget"): lower the fixed costs `mlplat cost` lists, or raise the budget on purpose',
  ],
  [
    "dynamodb-pitr",
    "nc-table",
    'DynamoDB table "nc-table" has no point-in-time recovery: set pointInTimeRecovery.enabled to true, so that it can be restored to any second of its recovery period',
  ],
  [
    "dynamodb-kms",
    "nc-table",
    'DynamoDB table "nc-table" is encrypted with the AWS-managed key aws/dynamodb (no kmsKeyArn): set serverSideEncryption.kmsKeyArn to a customer-managed KMS key',
  ],
  [
    "events-target-dlq",
    "nc-etl-target",
    'EventBridge target "nc-etl-target" starts a state machine without a deadLetterConfig: events it cannot deliver after its retries are dropped',
  ],
  [
    "events-target-dlq",
    "nc-etl-target",
    'EventBridge target "nc-etl-target" starts a state machine without a retryPolicy: EventBridge retries for up to 24 hours (185 attempts) before giving up',
  ],
  [
    "emr-serverless-auto-stop",
    "nc-spark",
    'EMR Serverless application "nc-spark" turns auto-stop off: a started application bills until it is stopped by hand; set autoStopConfiguration.enabled to true',
  ],
  [
    "emr-security-configuration",
    "nc-emr-security",
    'EMR security configuration "nc-emr-security" does not enable in-transit encryption (EncryptionConfiguration.EnableInTransitEncryption): set it to true with a TLS certificate provider',
  ],
  [
    "ec2-imdsv2",
    "nc-launch-template",
    'EC2 launch template "nc-launch-template" allows IMDSv1 (metadataOptions.httpTokens "optional"): set it to "required"',
  ],
  [
    "ec2-volumes-encrypted",
    "nc-launch-template",
    'EC2 launch template "nc-launch-template" does not encrypt the EBS volume of blockDeviceMappings.0 (/dev/xvda): set ebs.encrypted to "true"',
  ],
  [
    "ec2-no-public-ip",
    "nc-launch-template",
    'EC2 launch template "nc-launch-template" gives instances a public IP address (networkInterfaces.0.associatePublicIpAddress true): set it to "false"',
  ],
  [
    "ec2-no-ssh-from-internet",
    "nc-open",
    'Security group "nc-open" opens SSH (port 22) to the internet (::/0) in ingress.1: remove it and use Session Manager, or narrow the source',
  ],
  [
    "ec2-no-ssh-from-internet",
    "nc-ssh",
    'Security group "nc-ssh" opens SSH (port 22) to the internet (0.0.0.0/0) in ingress.0: remove it and use Session Manager, or narrow the source',
  ],
  [
    "ec2-no-rdp-from-internet",
    "nc-open",
    'Security group "nc-open" opens Remote Desktop (port 3389) to the internet (0.0.0.0/0) in ingress.0: remove it and use Session Manager, or narrow the source',
  ],
  [
    "ec2-no-rdp-from-internet",
    "nc-open",
    'Security group "nc-open" opens Remote Desktop (port 3389) to the internet (::/0) in ingress.1: remove it and use Session Manager, or narrow the source',
  ],
  [
    "ec2-no-all-traffic-from-internet",
    "nc-open",
    'Security group "nc-open" admits all traffic from the internet (::/0) in ingress.1: allow only the ports the workload serves, from its clients',
  ],
  [
    "ec2-no-open-ports-from-internet",
    "nc-open",
    'Security group "nc-open" opens TCP port 3306 to the internet (0.0.0.0/0) in ingress.3: only ports 80 and 443 may be open to the internet; narrow the source',
  ],
  [
    "ec2-security-group-descriptions",
    "nc-open",
    `Security group "nc-open" has no description (the provider's default is "Managed by Pulumi"): set description to what the traffic is for`,
  ],
  [
    "ec2-security-group-descriptions",
    "nc-ssh",
    `Security group "nc-ssh" has no description (the provider's default is "Managed by Pulumi"): set description to what the traffic is for`,
  ],
  [
    "ec2-security-group-descriptions",
    "nc-ssh",
    'Security group "nc-ssh" has a rule without description in ingress.0: set description to what the traffic is for',
  ],
  [
    "ec2-default-security-group-restricted",
    "nc-vpc",
    'VPC "nc-vpc" leaves its default security group as AWS creates it (all traffic between its members, all egress): adopt it with an aws.ec2.DefaultSecurityGroup with no ingress and no egress',
  ],
  [
    "ec2-vpc-endpoint-service-acceptance",
    "nc-endpoint-service",
    'VPC endpoint service "nc-endpoint-service" accepts connection requests automatically (acceptanceRequired false): set acceptanceRequired to true',
  ],
  [
    "rds-cluster-encrypted",
    "nc-aurora",
    'RDS cluster "nc-aurora" is not encrypted at rest: set storageEncrypted to true and kmsKeyId',
  ],
  [
    "rds-not-public",
    "nc-aurora-writer",
    'RDS cluster instance "nc-aurora-writer" is publicly accessible: set publiclyAccessible to false',
  ],
  [
    "rds-backups",
    "nc-aurora",
    'RDS cluster "nc-aurora" keeps automated backups for 1 day: set backupRetentionPeriod to at least 7',
  ],
  [
    "rds-backups",
    "nc-aurora",
    'RDS cluster "nc-aurora" is deleted without a final snapshot: set skipFinalSnapshot to false and a finalSnapshotIdentifier',
  ],
  [
    "rds-deletion-protection",
    "nc-aurora",
    'RDS cluster "nc-aurora" has no deletion protection: set deletionProtection to true',
  ],
  [
    "efs-encrypted",
    "nc-efs",
    'EFS file system "nc-efs" is encrypted with the AWS-managed key aws/elasticfilesystem (no kmsKeyId): set kmsKeyId to a customer-managed KMS key',
  ],
  ["ebs-volume-encrypted", "nc-volume", 'EBS volume "nc-volume" is not encrypted: set encrypted to true'],
  [
    "resource-policy-not-public",
    "nc-alerts-policy",
    'TopicPolicy "nc-alerts-policy" policy statement "AnyonePublishes" allows everyone (Principal "*") sns:Publish with no condition that limits who: name the principals, or add aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceVpce or aws:SourceArn',
  ],
  [
    "resource-policy-service-source-condition",
    "nc-alerts-policy",
    `TopicPolicy "nc-alerts-policy" policy statement "EventBridgePublishes" allows the service events.amazonaws.com with no aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition: any account's resources of that service could use it`,
  ],
  [
    "messaging-encrypted",
    "nc-alerts",
    'Topic "nc-alerts" is not encrypted at rest (no kmsMasterKeyId): set a KMS key',
  ],
  [
    "apigateway-authorized",
    "nc-api-predict",
    'Route "nc-api-predict" (POST /predict) lets anyone call it (authorizationType "NONE"): set an authorizer',
  ],
];

/**
 * Production's pack config makes spot and scale-to-zero advisory, and the pack's advisory policies stay so (a
 * written key policy, DLQs for functions whose callers are unseen, VPC, code signing): those are reported last.
 */
const ADVISORY: [string, string, string][] = [
  [
    "s3-bucket-object-lock",
    "nc-weak",
    'Bucket "nc-weak" has objectLockEnabled false: set it to true to keep objects write-once',
  ],
  [
    "s3-bucket-replication",
    "nc-plain",
    'bucket "nc-plain" has no replication configuration: add a BucketReplicationConfig to another region',
  ],
  [
    "s3-bucket-replication",
    "nc-weak",
    'bucket "nc-weak" has no replication configuration: add a BucketReplicationConfig to another region',
  ],
  [
    "s3-bucket-event-notifications",
    "nc-plain",
    'bucket "nc-plain" has no BucketNotification: send its events to EventBridge (eventbridge: true) or a Lambda function, queue or topic',
  ],
  [
    "s3-bucket-event-notifications",
    "nc-weak",
    'bucket "nc-weak" has no BucketNotification: send its events to EventBridge (eventbridge: true) or a Lambda function, queue or topic',
  ],
  [
    "kms-key-policy-defined",
    "nc-key",
    `KMS key "nc-key" has no key policy (policy is not set and no aws.kms.KeyPolicy names it): KMS applies its default policy; write the key's policy in the program`,
  ],
  [
    "sagemaker-training-spot-checkpoints",
    "nc-training-workflow",
    `Training job of "nc-training-workflow" state "Train" does not use managed spot training: set EnableManagedSpotTraining to true`,
  ],
  [
    "eks-gpu-node-group-scale-to-zero",
    "nc-gpu-nodes",
    `GPU node group "nc-gpu-nodes" keeps at least 1 node running: set scalingConfig.minSize to 0`,
  ],
  [
    "eks-gpu-node-group-spot",
    "nc-gpu-nodes",
    `GPU node group "nc-gpu-nodes" runs on-demand GPUs: use capacityType SPOT, with on-demand only as a fallback from zero`,
  ],
  [
    "lambda-failure-destination-unseen-callers",
    "nc-worker",
    `Function "nc-worker" has neither a dead-letter queue nor an on-failure destination, and nothing in the program invokes it: if it is invoked asynchronously, events that fail after Lambda's two retries are dropped`,
  ],
  [
    "lambda-in-vpc",
    "nc-function",
    `Function "nc-function" does not run in a VPC (vpcConfig.subnetIds is not set): set vpcConfig with private subnets and security groups`,
  ],
  [
    "lambda-in-vpc",
    "nc-worker",
    `Function "nc-worker" does not run in a VPC (vpcConfig.subnetIds is not set): set vpcConfig with private subnets and security groups`,
  ],
  [
    "lambda-code-signing",
    "nc-function",
    `Function "nc-function" has no code-signing config (codeSigningConfigArn is not set): Lambda deploys unsigned code; set codeSigningConfigArn`,
  ],
  [
    "lambda-code-signing",
    "nc-worker",
    `Function "nc-worker" has no code-signing config (codeSigningConfigArn is not set): Lambda deploys unsigned code; set codeSigningConfigArn`,
  ],
  [
    "redshift-database-name",
    "nc-redshift",
    'Redshift cluster "nc-redshift" leaves databaseName unset, so its database is the default "dev": name it',
  ],
  [
    "redshift-database-name",
    "nc-rs-namespace",
    'Redshift Serverless namespace "nc-rs-namespace" leaves dbName unset, so its database is the default "dev": name it',
  ],
  [
    "ec2-no-http-from-internet",
    "nc-open",
    'Security group "nc-open" opens plain HTTP (port 80) to the internet (::/0) in ingress.1: serve HTTPS on 443 instead, or narrow the source',
  ],
  [
    "ec2-no-http-from-internet",
    "nc-open",
    'Security group "nc-open" opens plain HTTP (port 80) to the internet (0.0.0.0/0) in ingress.2: serve HTTPS on 443 instead, or narrow the source',
  ],
  [
    "ec2-no-all-traffic-egress-to-internet",
    "nc-open",
    'Security group "nc-open" lets all traffic out to the internet (0.0.0.0/0) in egress.0: allow only the ports and destinations the workload uses (prefix lists for AWS services)',
  ],
  [
    "ec2-security-group-attached",
    "nc-open",
    'Security group "nc-open" is attached to nothing: no resource of the stack takes its id; attach it to the resource it is for, or remove it',
  ],
  [
    "ec2-security-group-attached",
    "nc-ssh",
    'Security group "nc-ssh" is attached to nothing: no resource of the stack takes its id; attach it to the resource it is for, or remove it',
  ],
];
const ALL_VIOLATIONS = [...EXPECTED, ...ADVISORY];

/** Every policy of the pack, in its order (the inventory test pins the list and the levels). */
const ALL_POLICIES = POLICIES.map((p) => p.name);

describe("mlplat check on the project's own stacks", () => {
  it.each(["dev", "prod", "local"])("passes %s with zero mandatory violations", (stack) => {
    const { code, stdout } = mlplat(["check", "--stack", stack, "--format", "json"]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as CheckJson;
    expect(doc.stack).toBe(stack);
    expect(doc.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    expect(doc.summary.passed).toBe(true);
    expect(doc.resources.some((r) => r.type === "aws:s3/bucket:Bucket")).toBe(true);
    expect(Object.keys(doc.summary.policies)).toEqual(ALL_POLICIES);
  });

  it("lists local's written exceptions with their ids and reasons", () => {
    const doc = JSON.parse(mlplat(["check", "--stack", "local", "--format", "json"]).stdout) as CheckJson;
    expect(doc.summary.exceptions.map((e) => [e.policy, e.id])).toEqual([
      ["s3-bucket-tls-only", "LOCAL-TLS-1"],
      ["iam-no-write-on-all-resources", "PIPELINE-LOGS-1"],
      ["iam-no-write-on-all-resources", "GPU-SSM-1"],
    ]);
    expect(doc.summary.exceptions[0]?.reason).toContain("moto");
  });

  it("fails dev's retained-but-unprotected data under production's pack config: levels come from config", () => {
    const { code, stdout } = mlplat([
      "check",
      "--stack",
      "dev",
      "--policy-config",
      "policies/config/prod.json",
      "--format",
      "json",
    ]);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as CheckJson;
    // Only the production-only rules fire: protection, on every store of the stack (the lake's three among
    // them), and a year of log retention (dev keeps a month). Advisory in every stack: the GPU instances' open
    // egress, key policies left to KMS's default, unsigned Lambda code, and the lake's data bucket has no
    // cross-region replica and, with dev's etlTrigger off, no event notifications.
    expect(new Set(doc.violations.map((v) => `${v.level} ${v.policy}`))).toEqual(
      new Set([
        "mandatory stateful-resources-protected",
        "mandatory logs-log-group-retention-year",
        "advisory ec2-no-all-traffic-egress-to-internet",
        "advisory kms-key-policy-defined",
        "advisory lambda-code-signing",
        "advisory s3-bucket-replication",
        "advisory s3-bucket-event-notifications",
      ]),
    );
    const lake = (level: string) =>
      doc.violations
        .filter((v) => v.level === level && v.name.startsWith("mlplat-dev-lake-"))
        .map((v) => `${v.policy} ${v.name}`);
    expect(lake("mandatory")).toEqual([
      "stateful-resources-protected mlplat-dev-lake-key",
      "stateful-resources-protected mlplat-dev-lake-data",
      "stateful-resources-protected mlplat-dev-lake-logs",
    ]);
    // The logs bucket only receives access logs: neither advisory rule applies to it.
    expect(lake("advisory")).toEqual([
      "s3-bucket-replication mlplat-dev-lake-data",
      "s3-bucket-event-notifications mlplat-dev-lake-data",
    ]);
  });
  it("locates a violation in the template at the TypeScript line that declares the resource (sarif)", () => {
    const { code, stdout } = mlplat([
      "check",
      "--stack",
      "dev",
      "--policy-config",
      "policies/config/prod.json",
      "--format",
      "sarif",
    ]);
    expect(code).toBe(1);
    const log = JSON.parse(stdout) as Sarif.Log;
    const key = log.runs[0]?.results?.find(
      (r) => r.locations?.[0]?.logicalLocations?.[0]?.name === "mlplat-dev-lake-key",
    );
    const physical = key?.locations?.[0]?.physicalLocation;
    expect(physical?.artifactLocation).toEqual({
      uri: "components/data-lake/index.ts",
      uriBaseId: "%SRCROOT%",
    });
    const line = fs
      .readFileSync(path.join(REPO_ROOT, "components", "data-lake", "index.ts"), "utf8")
      .split("\n")[(physical?.region?.startLine ?? 0) - 1];
    expect(line).toContain("new aws.kms.Key(");
  });
});

describe("mlplat check on a deliberately non-compliant program (--program)", () => {
  const runs: Record<string, ReturnType<typeof mlplat>> = {};
  beforeAll(() => {
    for (const format of ["text", "json", "sarif", "markdown"]) {
      runs[format] = mlplat(["check", "--stack", "prod", "--program", NONCOMPLIANT, "--format", format]);
    }
  });

  it("exits 1 in every format, printing only the report on stdout", () => {
    for (const format of ["text", "json", "sarif", "markdown"]) {
      expect({ format, code: runs[format]?.code }).toEqual({ format, code: 1 });
    }
  });

  it("fires every policy of the pack, with the exact messages (json)", () => {
    const doc = JSON.parse(runs.json?.stdout ?? "") as CheckJson;
    expect(doc.stack).toBe("prod");
    expect(doc.violations.map((v) => [v.policy, v.name, v.message])).toEqual(ALL_VIOLATIONS);
    expect(new Set(doc.violations.map((v) => v.policy))).toEqual(new Set(ALL_POLICIES));
    expect(doc.violations.map((v) => v.level)).toEqual([
      ...EXPECTED.map(() => "mandatory"),
      ...ADVISORY.map(() => "advisory"),
    ]);
    // Each violation names the resource as the plan does.
    const plainBucket = doc.resources.find((r) => r.name === "nc-plain");
    expect(doc.violations[0]).toMatchObject({ urn: plainBucket?.urn, type: "aws:s3/bucket:Bucket" });
    expect(doc.summary).toMatchObject({
      passed: false,
      mandatory: EXPECTED.length,
      advisory: ADVISORY.length,
    });
  });

  it("prints each violation and the verdict (text)", () => {
    const out = runs.text?.stdout ?? "";
    expect(out).toMatch(
      new RegExp(
        `^Stack noncompliant/prod: 69 resources, ${ALL_POLICIES.length} policies \\(mlplat-guardrails@0\\.1\\.0, policies/config/prod\\.json\\)$`,
        "m",
      ),
    );
    for (const [policy, name, message] of EXPECTED) {
      expect(out).toContain(`mandatory  ${policy}  ${name} (`);
      expect(out).toContain(message);
    }
    for (const [policy, name, message] of ADVISORY) {
      expect(out).toContain(`advisory   ${policy}  ${name} (`);
      expect(out).toContain(message);
    }
    expect(out.trimEnd().split("\n").pop()).toBe(
      `${EXPECTED.length} mandatory, ${ADVISORY.length} advisory violations: the check fails`,
    );
  });

  it("renders a PR comment with one table row per violation (markdown)", () => {
    const out = runs.markdown?.stdout ?? "";
    expect(out.split("\n")[0]).toBe("<!-- mlplat-check:prod -->");
    expect(out).toContain(
      `### ❌ mlplat check: stack \`prod\` fails with ${EXPECTED.length} mandatory and ${ADVISORY.length} advisory violations`,
    );
    const rows = out.split("\n").filter((l) => l.startsWith("| ❌ mandatory |"));
    expect(rows).toHaveLength(EXPECTED.length);
    expect(rows[0]).toBe(
      "| ❌ mandatory | `s3-bucket-kms-encryption` | `nc-plain` (aws:s3/bucket:Bucket) | " +
        `${EXPECTED[0]?.[2] ?? ""} |`,
    );
  });

  it("writes SARIF 2.1.0 that validates against the OASIS schema, located at each declaration (sarif)", () => {
    const log = JSON.parse(runs.sarif?.stdout ?? "") as Sarif.Log;
    const schema = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, "test", "fixtures", "sarif", "sarif-schema-2.1.0.json"), "utf8"),
    ) as { $schema: string; id: string } & Record<string, unknown>;
    // The schema is written for draft-04 and uses no keyword that changed since: read it as draft-07.
    const { $schema: _draft04, id, ...rest } = schema;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile({ ...rest, $id: id });
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...log, version: "2.0.0" })).toBe(false); // the validator does reject a wrong log

    const run = log.runs[0];
    expect(run?.tool.driver.rules?.map((r) => r.id)).toEqual(ALL_POLICIES);
    expect(run?.results?.map((r) => [r.ruleId, r.level, r.message.text])).toEqual([
      ...EXPECTED.map(([policy, , message]) => [policy, "error", message]),
      ...ADVISORY.map(([policy, , message]) => [policy, "warning", message]),
    ]);
    const first = run?.results?.[0]?.locations?.[0];
    expect(first?.physicalLocation?.artifactLocation).toEqual({
      uri: "test/fixtures/noncompliant/index.ts",
      uriBaseId: "%SRCROOT%",
    });
    const line = fs
      .readFileSync(path.join(REPO_ROOT, NONCOMPLIANT, "index.ts"), "utf8")
      .split("\n")
      .findIndex((l) => l.includes('new aws.s3.Bucket("nc-plain"'));
    expect(first?.physicalLocation?.region?.startLine).toBe(line + 1);
    expect(first?.logicalLocations?.[0]?.fullyQualifiedName).toMatch(/[:$]aws:s3\/bucket:Bucket::nc-plain$/);
  });

  it("passes (exit 0) with advisory violations when the pack config makes every policy advisory", () => {
    const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-check-")), "advisory.json");
    fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
    const { code, stdout } = mlplat([
      "check",
      "--stack",
      "prod",
      "--program",
      NONCOMPLIANT,
      "--policy-config",
      config,
      "--format",
      "json",
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as CheckJson;
    expect(doc.summary).toMatchObject({ passed: true, mandatory: 0, advisory: ALL_VIOLATIONS.length });
  });
});

describe("mlplat check usage errors exit 2", () => {
  it("names a missing --program path", () => {
    const { code, stderr } = mlplat(["check", "--stack", "prod", "--program", "no/such/program"]);
    expect(code).toBe(2);
    // The last line: the launcher may first say that it recompiles the CLI.
    expect(stderr.trimEnd().split("\n").pop()).toBe(
      `mlplat: --program: got "no/such/program", which does not exist; expected a Pulumi project folder or its entry file`,
    );
  });

  it("names a missing and an invalid --policy-config", () => {
    const missing = mlplat(["check", "--stack", "dev", "--policy-config", "nope.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--policy-config: ");
    expect(missing.stderr).toContain("nope.json: no such file; expected a JSON pack config");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-check-")), "bad.json");
    fs.writeFileSync(file, JSON.stringify({ "kms-key-rotation": "strict" }));
    const invalid = mlplat(["check", "--stack", "dev", "--policy-config", file]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      'kms-key-rotation.enforcementLevel: got "strict", expected one of advisory, mandatory, remediate, disabled',
    );
  });

  it("rejects an unknown format and a missing stack", () => {
    expect(mlplat(["check", "--stack", "dev", "--format", "xml"]).code).toBe(2);
    expect(mlplat(["check"]).code).toBe(2);
    expect(mlplat(["check", "--stack", "qa"]).code).toBe(2);
  });
});
