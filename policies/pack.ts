import type { EnforcementLevel, Policies } from "@pulumi/policy";

import { apigatewayAuthorized } from "./apigateway/authorized";
import { athenaDatabaseEncrypted } from "./athena/database-encrypted";
import { athenaWorkgroupGuarded } from "./athena/workgroup-guarded";
import { bedrockInvocationLogging } from "./bedrock/invocation-logging";
import { bedrockAgentGuardrail } from "./bedrock/agent-guardrail";
import { bedrockAgentKms } from "./bedrock/agent-kms";
import { bedrockInvokeScopedToModels } from "./bedrock/invoke-scoped-to-models";
import { costBudgetExists } from "./cost/budget-exists";
import { costEstimateWithinBudget } from "./cost/estimate-within-budget";
import { costNotebookAutoStop } from "./cost/notebook-auto-stop";
import { costVpcS3GatewayEndpoint } from "./cost/vpc-s3-gateway-endpoint";
import { dynamodbKms } from "./dynamodb/kms";
import { dynamodbPitr } from "./dynamodb/pitr";
import { ebsVolumeEncrypted } from "./ebs/volume-encrypted";
import { ec2DefaultSecurityGroupRestricted } from "./ec2/default-security-group-restricted";
import { ec2Imdsv2 } from "./ec2/imdsv2";
import { ec2NoAllTrafficEgressToInternet } from "./ec2/no-all-traffic-egress-to-internet";
import { ec2NoAllTrafficFromInternet } from "./ec2/no-all-traffic-from-internet";
import { ec2NoHttpFromInternet } from "./ec2/no-http-from-internet";
import { ec2NoOpenPortsFromInternet } from "./ec2/no-open-ports-from-internet";
import { ec2NoPublicIp } from "./ec2/no-public-ip";
import { ec2NoRdpFromInternet } from "./ec2/no-rdp-from-internet";
import { ec2NoSshFromInternet } from "./ec2/no-ssh-from-internet";
import { ec2SecurityGroupAttached } from "./ec2/security-group-attached";
import { ec2SecurityGroupDescriptions } from "./ec2/security-group-descriptions";
import { ec2VolumesEncrypted } from "./ec2/volumes-encrypted";
import { ec2VpcEndpointServiceAcceptance } from "./ec2/vpc-endpoint-service-acceptance";
import { efsEncrypted } from "./efs/encrypted";
import { eksClusterControlPlaneLogging } from "./eks/cluster-control-plane-logging";
import { eksClusterEndpointPrivate } from "./eks/cluster-endpoint-private";
import { eksClusterPublicEndpointDisabled } from "./eks/cluster-public-endpoint-disabled";
import { eksClusterSecretsEncrypted } from "./eks/cluster-secrets-encrypted";
import { eksClusterVersionSupported } from "./eks/cluster-version-supported";
import { eksGpuNodeGroupScaleToZero } from "./eks/gpu-node-group-scale-to-zero";
import { eksGpuNodeGroupSpot } from "./eks/gpu-node-group-spot";
import { eksGpuNodeGroupTainted } from "./eks/gpu-node-group-tainted";
import { eksNodeGroupInstanceAllowlist } from "./eks/node-group-instance-allowlist";
import { eksNodeGroupSshRestricted } from "./eks/node-group-ssh-restricted";
import { emrSecurityConfiguration } from "./emr/security-configuration";
import { emrServerlessAutoStop } from "./emr/serverless-auto-stop";
import { eventsTargetDlq } from "./events/target-dlq";
import { glueDataCatalogEncrypted } from "./glue/data-catalog-encrypted";
import { glueSecurityConfiguration } from "./glue/security-configuration";
import { iamNoCredentialsExposure } from "./iam/no-credentials-exposure";
import { iamNoDataExfiltration } from "./iam/no-data-exfiltration";
import { iamNoFullIamAccess } from "./iam/no-full-iam-access";
import { iamNoPrivilegeEscalation } from "./iam/no-privilege-escalation";
import { iamNoRestrictableActionOnAllResources } from "./iam/no-restrictable-action-on-all-resources";
import { iamNoServiceWildcardOnAllResources } from "./iam/no-service-wildcard-on-all-resources";
import { iamNoWildcardAction } from "./iam/no-wildcard-action";
import { iamNoWriteOnAllResources } from "./iam/no-write-on-all-resources";
import { iamRoleTrustGithubOidc } from "./iam/role-trust-github-oidc";
import { iamRoleTrustNotAccountWide } from "./iam/role-trust-not-account-wide";
import { iamRoleTrustNotPublic } from "./iam/role-trust-not-public";
import { kmsKeyEnabled } from "./kms/key-enabled";
import { kmsKeyPolicyDefined } from "./kms/key-policy-defined";
import { kmsKeyPolicyNoWildcardPrincipal } from "./kms/key-policy-no-wildcard-principal";
import { kmsKeyRotation } from "./kms/key-rotation";
import { lambdaCodeSigning } from "./lambda/code-signing";
import { lambdaEnvironmentKms } from "./lambda/environment-kms";
import { lambdaFailureDestination } from "./lambda/failure-destination";
import { lambdaFailureDestinationUnseenCallers } from "./lambda/failure-destination-unseen-callers";
import { lambdaFunctionLimits } from "./lambda/function-limits";
import { lambdaFunctionUrlAuth } from "./lambda/function-url-auth";
import { lambdaFunctionUrlCors } from "./lambda/function-url-cors";
import { lambdaInVpc } from "./lambda/in-vpc";
import { lambdaNoSecretsInEnvironment } from "./lambda/no-secrets-in-environment";
import { lambdaPermissionScoped } from "./lambda/permission-scoped";
import { lambdaReservedConcurrency } from "./lambda/reserved-concurrency";
import { lambdaRuntimeSupported } from "./lambda/runtime-supported";
import { lambdaTracingActive } from "./lambda/tracing-active";
import { messagingEncrypted } from "./messaging/encrypted";
import { logsLogGroupKms } from "./logs/log-group-kms";
import { logsLogGroupRetention } from "./logs/log-group-retention";
import { logsLogGroupRetentionYear } from "./logs/log-group-retention-year";
import { rdsBackups } from "./rds/backups";
import { rdsClusterEncrypted } from "./rds/cluster-encrypted";
import { rdsDeletionProtection } from "./rds/deletion-protection";
import { rdsNotPublic } from "./rds/not-public";
import { redshiftAuditLogging } from "./redshift/audit-logging";
import { redshiftClusterMaintained } from "./redshift/cluster-maintained";
import { redshiftDatabaseName } from "./redshift/database-name";
import { redshiftEncrypted } from "./redshift/encrypted";
import { redshiftInVpc } from "./redshift/in-vpc";
import { redshiftNotPublic } from "./redshift/not-public";
import { redshiftRequireSsl } from "./redshift/require-ssl";
import { resourcePolicyNotPublic } from "./resource-policies/not-public";
import { resourcePolicyServiceSourceCondition } from "./resource-policies/service-source-condition";
import { statefulResourcesProtected } from "./resilience/stateful-resources-protected";
import { s3BucketAccessLogging } from "./s3/bucket-access-logging";
import { s3BucketAclNotPublic } from "./s3/bucket-acl-not-public";
import { s3BucketAclsDisabled } from "./s3/bucket-acls-disabled";
import { s3BucketEventNotifications } from "./s3/bucket-event-notifications";
import { s3BucketKmsEncryption } from "./s3/bucket-kms-encryption";
import { s3BucketLifecycleRules } from "./s3/bucket-lifecycle-rules";
import { s3BucketObjectLock } from "./s3/bucket-object-lock";
import { s3BucketPolicyNoLockout } from "./s3/bucket-policy-no-lockout";
import { s3BucketPolicyNotPublic } from "./s3/bucket-policy-not-public";
import { s3BucketPublicAccessBlock } from "./s3/bucket-public-access-block";
import { s3BucketReplication } from "./s3/bucket-replication";
import { s3BucketTlsOnly } from "./s3/bucket-tls-only";
import { s3BucketVersioning } from "./s3/bucket-versioning";
import { s3LifecycleAbortIncompleteUploads } from "./s3/lifecycle-abort-incomplete-uploads";
import { s3ObjectKmsCmk } from "./s3/object-kms-cmk";
import { sagemakerDataQualityJobEncrypted } from "./sagemaker/data-quality-job-encrypted";
import { sagemakerDomainKms } from "./sagemaker/domain-kms";
import { sagemakerEndpointAutoscaling } from "./sagemaker/endpoint-autoscaling";
import { sagemakerEndpointConfigKms } from "./sagemaker/endpoint-config-kms";
import { sagemakerFlowDefinitionKms } from "./sagemaker/flow-definition-kms";
import { sagemakerInstanceTypeAllowlist } from "./sagemaker/instance-type-allowlist";
import { sagemakerModelVpcIsolation } from "./sagemaker/model-vpc-isolation";
import { sagemakerNotebookInstanceSecure } from "./sagemaker/notebook-instance-secure";
import { sagemakerNotebookRoleLeastPrivilege } from "./sagemaker/notebook-role-least-privilege";
import { sagemakerTrainingSpotCheckpoints } from "./sagemaker/training-spot-checkpoints";
import { stepFunctionsLoggingAll } from "./stepfunctions/logging-all";
import { stepFunctionsTracing } from "./stepfunctions/tracing";
import { requiredTags } from "./tagging/required-tags";

/** The pack's name, as `pulumi preview --policy-pack` reports it. */
export const PACK_NAME = "mlplat-guardrails";

/** The level of a policy that sets none (every policy here sets its own; pack config overrides both). */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

/**
 * Every policy of the pack, as plain objects. Only ./index.ts constructs the PolicyPack (which starts the
 * policy server); `mlplat check` and the tests evaluate these same objects offline.
 */
export const POLICIES: Policies = [
  s3BucketKmsEncryption,
  s3BucketPublicAccessBlock,
  s3BucketVersioning,
  s3BucketLifecycleRules,
  s3BucketTlsOnly,
  s3BucketAccessLogging,
  s3BucketAclNotPublic,
  s3BucketAclsDisabled,
  s3BucketPolicyNotPublic,
  s3BucketPolicyNoLockout,
  s3LifecycleAbortIncompleteUploads,
  s3BucketObjectLock,
  s3BucketReplication,
  s3BucketEventNotifications,
  s3ObjectKmsCmk,
  kmsKeyRotation,
  kmsKeyEnabled,
  kmsKeyPolicyNoWildcardPrincipal,
  kmsKeyPolicyDefined,
  iamNoWildcardAction,
  iamNoServiceWildcardOnAllResources,
  iamNoWriteOnAllResources,
  iamNoFullIamAccess,
  iamNoPrivilegeEscalation,
  iamNoCredentialsExposure,
  iamNoDataExfiltration,
  iamNoRestrictableActionOnAllResources,
  iamRoleTrustNotPublic,
  iamRoleTrustNotAccountWide,
  iamRoleTrustGithubOidc,
  requiredTags,
  statefulResourcesProtected,
  sagemakerEndpointConfigKms,
  sagemakerModelVpcIsolation,
  sagemakerEndpointAutoscaling,
  sagemakerTrainingSpotCheckpoints,
  sagemakerInstanceTypeAllowlist,
  sagemakerNotebookInstanceSecure,
  sagemakerNotebookRoleLeastPrivilege,
  sagemakerDomainKms,
  sagemakerDataQualityJobEncrypted,
  sagemakerFlowDefinitionKms,
  eksClusterEndpointPrivate,
  eksClusterSecretsEncrypted,
  eksClusterControlPlaneLogging,
  eksClusterVersionSupported,
  eksGpuNodeGroupTainted,
  eksGpuNodeGroupScaleToZero,
  eksGpuNodeGroupSpot,
  eksNodeGroupInstanceAllowlist,
  eksClusterPublicEndpointDisabled,
  eksNodeGroupSshRestricted,
  bedrockInvokeScopedToModels,
  bedrockInvocationLogging,
  bedrockAgentKms,
  bedrockAgentGuardrail,
  lambdaFunctionLimits,
  lambdaReservedConcurrency,
  lambdaFailureDestination,
  lambdaTracingActive,
  lambdaFunctionUrlAuth,
  lambdaFailureDestinationUnseenCallers,
  lambdaNoSecretsInEnvironment,
  lambdaEnvironmentKms,
  lambdaRuntimeSupported,
  lambdaInVpc,
  lambdaCodeSigning,
  lambdaFunctionUrlCors,
  lambdaPermissionScoped,
  logsLogGroupRetention,
  logsLogGroupRetentionYear,
  logsLogGroupKms,
  costBudgetExists,
  costVpcS3GatewayEndpoint,
  costNotebookAutoStop,
  redshiftNotPublic,
  redshiftEncrypted,
  redshiftAuditLogging,
  redshiftRequireSsl,
  redshiftInVpc,
  redshiftClusterMaintained,
  redshiftDatabaseName,
  glueDataCatalogEncrypted,
  glueSecurityConfiguration,
  athenaWorkgroupGuarded,
  athenaDatabaseEncrypted,
  stepFunctionsLoggingAll,
  stepFunctionsTracing,
  costEstimateWithinBudget,
  dynamodbPitr,
  dynamodbKms,
  eventsTargetDlq,
  emrServerlessAutoStop,
  emrSecurityConfiguration,
  ec2Imdsv2,
  ec2VolumesEncrypted,
  ec2NoPublicIp,
  ec2NoSshFromInternet,
  ec2NoRdpFromInternet,
  ec2NoAllTrafficFromInternet,
  ec2NoHttpFromInternet,
  ec2NoOpenPortsFromInternet,
  ec2NoAllTrafficEgressToInternet,
  ec2SecurityGroupDescriptions,
  ec2SecurityGroupAttached,
  ec2DefaultSecurityGroupRestricted,
  ec2VpcEndpointServiceAcceptance,
  rdsClusterEncrypted,
  rdsNotPublic,
  rdsBackups,
  rdsDeletionProtection,
  efsEncrypted,
  ebsVolumeEncrypted,
  resourcePolicyNotPublic,
  resourcePolicyServiceSourceCondition,
  messagingEncrypted,
  apigatewayAuthorized,
];
