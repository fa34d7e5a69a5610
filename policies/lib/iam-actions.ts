/**
 * The IAM reference data the pack's identity-policy checks read: lists of actions and condition keys, each
 * citing where it comes from. Keep it data: policies match these lists, they do not carry action patterns of
 * their own. Action names are matched case-insensitively, as IAM does; entries may end in `*`.
 */

/**
 * Combinations of actions that let a principal raise its own privileges, when all of a combination are allowed
 * on every resource. Source: cloudsplaining `shared/constants.py` PRIVILEGE_ESCALATION_METHODS, the Rhino
 * Security Labs set (sections 1 to 5) that Checkov's CKV_AWS_286 / CKV_AWS_110 read through cloudsplaining
 * 0.7; https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/.
 */
export const PRIVILEGE_ESCALATION_METHODS: Readonly<Record<string, readonly string[]>> = {
  CreateAccessKey: ["iam:CreateAccessKey"],
  CreateLoginProfile: ["iam:CreateLoginProfile"],
  UpdateLoginProfile: ["iam:UpdateLoginProfile"],
  AddUserToGroup: ["iam:AddUserToGroup"],
  CreateNewPolicyVersion: ["iam:CreatePolicyVersion"],
  SetExistingDefaultPolicyVersion: ["iam:SetDefaultPolicyVersion"],
  AttachUserPolicy: ["iam:AttachUserPolicy"],
  AttachGroupPolicy: ["iam:AttachGroupPolicy"],
  AttachRolePolicy: ["iam:AttachRolePolicy"],
  PutUserPolicy: ["iam:PutUserPolicy"],
  PutGroupPolicy: ["iam:PutGroupPolicy"],
  PutRolePolicy: ["iam:PutRolePolicy"],
  UpdateRolePolicyToAssumeIt: ["iam:UpdateAssumeRolePolicy"],
  CreateEC2WithExistingIP: ["iam:PassRole", "ec2:RunInstances"],
  PassExistingRoleToNewLambdaThenInvoke: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
  PassExistingRoleToNewLambdaThenTriggerWithNewDynamo: [
    "iam:PassRole",
    "lambda:CreateFunction",
    "lambda:CreateEventSourceMapping",
    "dynamodb:CreateTable",
    "dynamodb:PutItem",
  ],
  PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo: [
    "iam:PassRole",
    "lambda:CreateFunction",
    "lambda:CreateEventSourceMapping",
  ],
  PassExistingRoleToNewGlueDevEndpoint: ["iam:PassRole", "glue:CreateDevEndpoint"],
  PassExistingRoleToCloudFormation: ["iam:PassRole", "cloudformation:CreateStack"],
  PassExistingRoleToNewDataPipeline: ["iam:PassRole", "datapipeline:CreatePipeline"],
  UpdateExistingGlueDevEndpoint: ["glue:UpdateDevEndpoint"],
  EditExistingLambdaFunctionWithRole: ["lambda:UpdateFunctionCode"],
};

/**
 * Actions whose response carries credentials (keys, tokens, passwords). Source: cloudsplaining
 * `shared/constants.py` ACTIONS_THAT_RETURN_CREDENTIALS (https://gist.github.com/kmcquade/33860a617e651104d243c324ddf7992a),
 * as Checkov's CKV_AWS_287 / CKV_AWS_107 read it, less `ecr:GetAuthorizationToken`, which Checkov excludes
 * (it is also granted on `*` only).
 */
export const CREDENTIALS_EXPOSURE_ACTIONS: readonly string[] = [
  "airflow:CreateCliToken",
  "airflow:CreateWebLoginToken",
  "appsync:CreateApiKey",
  "chime:CreateApiKey",
  "cloud9:CreateEnvironmentToken",
  "codeartifact:GetAuthorizationToken",
  "codepipeline:PollForJobs",
  "cognito-identity:GetOpenIdToken",
  "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
  "cognito-identity:GetCredentialsForIdentity",
  "connect:GetFederationToken",
  "ec2:GetPasswordData",
  "ecr-public:GetAuthorizationToken",
  "gamelift:RequestUploadCredentials",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:CreateServiceSpecificCredential",
  "iam:ResetServiceSpecificCredential",
  "iam:UpdateAccessKey",
  "lightsail:GetInstanceAccessDetails",
  "lightsail:GetRelationalDatabaseMasterUserPassword",
  "mediapackage:RotateChannelCredentials",
  "mediapackage:RotateIngestEndpointCredentials",
  "rds-db:connect",
  "redshift:GetClusterCredentials",
  "redshift:GetClusterCredentialsWithIAM",
  "redshift-serverless:GetCredentials",
  "sso:GetRoleCredentials",
  "sts:AssumeRole",
  "sts:AssumeRoleWithSAML",
  "sts:AssumeRoleWithWebIdentity",
  "sts:GetFederationToken",
  "sts:GetSessionToken",
];

/**
 * Read actions that hand out stored data or secrets. Source: cloudsplaining `shared/constants.py`
 * READ_ONLY_DATA_EXFILTRATION_ACTIONS, as Checkov's CKV_AWS_288 / CKV_AWS_108 read it.
 */
export const DATA_EXFILTRATION_ACTIONS: readonly string[] = [
  "s3:GetObject",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "secretsmanager:GetSecretValue",
];

/**
 * Actions AWS grants on `Resource: "*"` only (no resource types in the Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/), for the services the platform and its
 * users declare. Allowing them on `*` is the only way to allow them; every other action can be scoped.
 * Entries ending in `*` name a family that is `*`-only as a whole.
 */
export const UNRESTRICTABLE_ACTIONS: readonly string[] = [
  // Amazon S3
  "s3:ListAllMyBuckets",
  "s3:ListAccessPoints",
  // CloudWatch and X-Ray
  "cloudwatch:PutMetricData",
  "cloudwatch:GetMetricData",
  "cloudwatch:ListMetrics",
  "cloudwatch:DescribeAlarmsForMetric",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:GetSamplingStatisticSummaries",
  // CloudWatch Logs: account-level reads and vended-log delivery (Step Functions, Bedrock logging)
  "logs:DescribeLogGroups",
  "logs:DescribeResourcePolicies",
  "logs:DescribeQueryDefinitions",
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DeleteResourcePolicy",
  // Amazon EC2 and Systems Manager Session Manager
  "ec2:Describe*",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  // Amazon ECR and container registries
  "ecr:GetAuthorizationToken",
  // AWS KMS
  "kms:CreateKey",
  "kms:ListKeys",
  "kms:ListAliases",
  "kms:GenerateRandom",
  "kms:DescribeCustomKeyStores",
  // IAM and STS
  "iam:ListRoles",
  "iam:ListPolicies",
  "iam:ListUsers",
  "iam:ListGroups",
  "iam:ListInstanceProfiles",
  "iam:GetAccountSummary",
  "iam:GetAccountAuthorizationDetails",
  "sts:GetCallerIdentity",
  "sts:GetSessionToken",
  "sts:GetAccessKeyInfo",
  // Amazon SageMaker
  "sagemaker:ListEndpoints",
  "sagemaker:ListModels",
  "sagemaker:ListTrainingJobs",
  "sagemaker:ListNotebookInstances",
  "sagemaker:ListEndpointConfigs",
  "sagemaker:ListProcessingJobs",
  "sagemaker:ListModelPackageGroups",
  "sagemaker:Search",
  // Amazon Bedrock
  "bedrock:ListFoundationModels",
  "bedrock:RetrieveAndGenerate",
  // AWS Lambda, Athena, Step Functions, Redshift Serverless, EKS, pricing, tagging
  "lambda:ListFunctions",
  "lambda:GetAccountSettings",
  "athena:ListWorkGroups",
  "states:ListStateMachines",
  "states:ListActivities",
  "redshift-serverless:ListWorkgroups",
  "eks:ListClusters",
  "pricing:*",
  "tag:GetResources",
];

/**
 * The verbs that begin the names of actions at IAM's List and Read access levels (`s3:GetObject`,
 * `ec2:DescribeSubnets`). Any other action changes something and counts as a write (Write, Permissions
 * management or Tagging level): a guardrail should rather flag a read than pass a write. Source: the access
 * levels of the Service Authorization Reference (link above).
 */
export const READ_ACTION_VERBS: readonly string[] = [
  "Get",
  "List",
  "Describe",
  "Head",
  "Search",
  "Lookup",
  "Query",
  "Scan",
  "Select",
  "View",
  "Read",
  "BatchGet",
  "Check",
  "Estimate",
  "Preview",
];

/**
 * Condition keys that do not narrow what a statement reaches or for whom: transport, MFA, time and network
 * origin. A statement whose only conditions are on these keys still allows its actions on every resource. Any
 * other key (a resource's or request's tag, `iam:PassedToService`, `iam:AWSServiceName`, `aws:SourceArn`,
 * `cloudwatch:namespace`, `s3:prefix`, ...) limits it. Source: the global condition keys,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html.
 */
export const NON_LIMITING_CONDITION_KEYS: readonly string[] = [
  "aws:SecureTransport",
  "aws:MultiFactorAuthPresent",
  "aws:MultiFactorAuthAge",
  "aws:CurrentTime",
  "aws:EpochTime",
  "aws:TokenIssueTime",
  "aws:SourceIp",
  "aws:SourceVpc",
  "aws:SourceVpce",
  "aws:VpcSourceIp",
  "aws:UserAgent",
  "aws:Referer",
  "aws:RequestedRegion",
  "aws:ViaAWSService",
  "aws:CalledVia",
  "aws:CalledViaFirst",
  "aws:CalledViaLast",
];

/**
 * Condition keys that name who may use a trust or resource policy (an organization, account, principal, or the
 * resource acting for them), and so limit a `Principal: "*"` grant. Source: the global condition keys (link
 * above) and AWS's confused-deputy guidance, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html.
 */
export const PRINCIPAL_LIMITING_CONDITION_KEYS: readonly string[] = [
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "aws:SourceAccount",
  "aws:SourceArn",
  "aws:SourceOrgID",
  "aws:SourceOrgPaths",
];

/**
 * Condition keys that pick the principals of one account a whole-account trust (`arn:aws:iam::<id>:root`)
 * admits: the caller's ARN or tags, or the external id a third party was given. Source: Checkov's CKV_AWS_61
 * (which accepts `sts:ExternalId`) and https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html.
 */
export const ACCOUNT_LIMITING_CONDITION_KEYS: readonly string[] = [
  "sts:ExternalId",
  "aws:PrincipalArn",
  "aws:PrincipalTag/*",
  "aws:userid",
];

/** True when the IAM pattern (`*` and `?` wildcards, case-insensitive) matches the text. */
export function iamGlobMatches(pattern: string, text: string): boolean {
  const re = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${re}$`, "i").test(text);
}

/** True when `entry` of one of the lists above names `text` (an action or key; a pattern is read literally). */
export function listed(list: readonly string[], text: string): boolean {
  return list.some((entry) => iamGlobMatches(entry, text));
}
