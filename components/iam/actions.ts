/**
 * The IAM actions that components grant, kept in one place so a reviewer reads every permission the template
 * can hand out on one page. No wildcard actions: each list names exactly what its use needs.
 */

/** Read objects (and their versions' metadata) under a prefix. */
export const S3_OBJECT_READ = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"] as const;

/** List keys; granted on the bucket, narrowed to a prefix with the `s3:prefix` condition. */
export const S3_BUCKET_LIST = ["s3:ListBucket"] as const;

/** Write objects under a prefix, multipart uploads included. Deleting objects is not part of writing. */
export const S3_OBJECT_WRITE = [
  "s3:PutObject",
  "s3:PutObjectTagging",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
] as const;

/** Read SSE-KMS objects: decrypt their data keys. */
export const KMS_DECRYPT = ["kms:Decrypt"] as const;

/** Write SSE-KMS objects: make data keys, and decrypt them again to complete multipart uploads. */
export const KMS_ENCRYPT = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/** Pull a container image from one ECR repository. */
export const ECR_PULL = [
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchCheckLayerAvailability",
] as const;

/** Log in to ECR: the action has no resource-level permissions, so it is granted on `*` (it reads nothing). */
export const ECR_AUTH = ["ecr:GetAuthorizationToken"] as const;

/** Write a job's logs, granted on the SageMaker log groups only. */
export const LOGS_WRITE = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:DescribeLogStreams",
] as const;

/** Publish metrics: no resource-level permissions, so `*` narrowed by the `cloudwatch:namespace` condition. */
export const CLOUDWATCH_PUT_METRICS = ["cloudwatch:PutMetricData"] as const;

/** Describe the network a job runs in: these EC2 reads have no resource-level permissions. */
export const EC2_DESCRIBE_NETWORK = [
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeVpcs",
  "ec2:DescribeSubnets",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeDhcpOptions",
] as const;

/** Attach a job to the VPC: network interfaces in the platform's subnets and security groups only. */
export const EC2_MANAGE_INTERFACES = [
  "ec2:CreateNetworkInterface",
  "ec2:CreateNetworkInterfacePermission",
  "ec2:DeleteNetworkInterface",
  "ec2:DeleteNetworkInterfacePermission",
] as const;

/** Let SageMaker encrypt a job's or endpoint's volumes with a customer-managed key, through grants. */
export const KMS_GRANT_FOR_AWS_RESOURCE = ["kms:CreateGrant", "kms:DescribeKey"] as const;

/** Invoke a Bedrock foundation model, whole or streamed; granted on an allowlist of model ARNs only. */
export const BEDROCK_INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"] as const;

/** Query a Bedrock knowledge base (seed §3.3); granted on the knowledge base's ARN. */
export const BEDROCK_KB_RETRIEVE = ["bedrock:Retrieve"] as const;

/**
 * Retrieve-and-generate against a knowledge base: AWS offers no resource-level permission for it, so it is
 * granted on `*`; what it reaches is bounded by the Retrieve and InvokeModel grants it is paired with.
 */
export const BEDROCK_KB_RETRIEVE_AND_GENERATE = ["bedrock:RetrieveAndGenerate"] as const;

/** Apply a Bedrock guardrail to a request; granted on the guardrail's ARN. */
export const BEDROCK_APPLY_GUARDRAIL = ["bedrock:ApplyGuardrail"] as const;

/** Deliver Bedrock invocation logs to a CloudWatch Logs group (the logging role's only permission). */
export const LOGS_DELIVER = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

/** Send trace segments to X-Ray: no resource-level permissions, so `*`. */
export const XRAY_WRITE = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;

/** Send a failed asynchronous invocation to a dead-letter queue. */
export const SQS_SEND = ["sqs:SendMessage"] as const;

/** Attach a function to the VPC: interfaces in the platform's subnets and security groups only. */
export const LAMBDA_VPC_INTERFACES = [
  "ec2:CreateNetworkInterface",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
] as const;

/**
 * The Karpenter controller (v1), after its reference policy: launch and tag instances and launch templates
 * for its node pools, terminate only what it tagged, read the region's EC2 catalog, prices and AMI
 * parameters, take interruption messages, pass the node role, manage its instance profiles.
 */
export const KARPENTER_LAUNCH = ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"] as const;
export const KARPENTER_TAG_ON_CREATE = ["ec2:CreateTags"] as const;
export const KARPENTER_TERMINATE = ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"] as const;
export const KARPENTER_READ_EC2 = [
  "ec2:DescribeAvailabilityZones",
  "ec2:DescribeImages",
  "ec2:DescribeInstances",
  "ec2:DescribeInstanceTypeOfferings",
  "ec2:DescribeInstanceTypes",
  "ec2:DescribeLaunchTemplates",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSpotPriceHistory",
  "ec2:DescribeSubnets",
] as const;
export const KARPENTER_READ_PRICES = ["pricing:GetProducts"] as const;
export const KARPENTER_READ_AMI_PARAMETERS = ["ssm:GetParameter"] as const;
export const KARPENTER_INTERRUPTIONS = [
  "sqs:DeleteMessage",
  "sqs:GetQueueUrl",
  "sqs:ReceiveMessage",
] as const;
export const KARPENTER_PASS_NODE_ROLE = ["iam:PassRole"] as const;
export const KARPENTER_INSTANCE_PROFILES = [
  "iam:CreateInstanceProfile",
  "iam:TagInstanceProfile",
  "iam:AddRoleToInstanceProfile",
  "iam:RemoveRoleFromInstanceProfile",
  "iam:DeleteInstanceProfile",
  "iam:GetInstanceProfile",
] as const;
export const KARPENTER_DESCRIBE_CLUSTER = ["eks:DescribeCluster"] as const;

/** Read the Glue Data Catalog: a database, its tables and partitions; granted on catalog, database and table ARNs. */
export const GLUE_CATALOG_READ = [
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetTables",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
] as const;

/** What a crawler writes to its database: tables and partitions, created and updated, never deleted. */
export const GLUE_CATALOG_WRITE_TABLES = [
  "glue:CreateTable",
  "glue:UpdateTable",
  "glue:CreatePartition",
  "glue:BatchCreatePartition",
  "glue:UpdatePartition",
  "glue:BatchUpdatePartition",
] as const;

/** Use a key that encrypts Glue data: the catalog (SSE-KMS) and job bookmarks (CSE-KMS). */
export const KMS_GLUE_DATA = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] as const;

/** Let Glue encrypt a job's or crawler's log group with the security configuration's key. */
export const LOGS_ASSOCIATE_KMS_KEY = ["logs:AssociateKmsKey"] as const;

/** Run queries in one Athena workgroup and read their state, results and the workgroup's named queries. */
export const ATHENA_QUERY = [
  "athena:StartQueryExecution",
  "athena:GetQueryExecution",
  "athena:GetQueryResults",
  "athena:StopQueryExecution",
  "athena:GetWorkGroup",
  "athena:ListNamedQueries",
  "athena:GetNamedQuery",
  "athena:BatchGetNamedQuery",
] as const;

/** Find a bucket's region: Athena asks it of the bucket that holds query results. */
export const S3_BUCKET_LOCATION = ["s3:GetBucketLocation"] as const;

/** Publish to an SNS topic; granted in a topic policy to the AWS services that send the platform's alerts. */
export const SNS_PUBLISH = ["sns:Publish"] as const;

/**
 * Publish to a KMS-encrypted SNS topic: what a publishing AWS service (Budgets, Cost Anomaly Detection) needs
 * on the topic's key, granted in the key policy.
 */
export const KMS_PUBLISH_TO_ENCRYPTED_TOPIC = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/** What CloudWatch Logs may do with a key that encrypts log groups; granted in the key's policy only. */
export const KMS_FOR_CLOUDWATCH_LOGS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:DescribeKey",
] as const;

/** The ML pipeline's state machine starts one Glue job and reads its runs (request-response, polling). */
export const PIPELINE_GLUE_RUN = ["glue:StartJobRun", "glue:GetJobRun"] as const;

/** What the `.sync` Glue integration adds: it lists the job's runs, and stops the run when the execution stops. */
export const PIPELINE_GLUE_RUN_SYNC = ["glue:GetJobRuns", "glue:BatchStopJobRun"] as const;

/** Start and follow the pipeline's training jobs, tagged at creation; granted on `training-job/<pipeline>-*`. */
export const PIPELINE_TRAINING = [
  "sagemaker:CreateTrainingJob",
  "sagemaker:DescribeTrainingJob",
  "sagemaker:AddTags",
] as const;

/** `.sync` training also stops the job when the execution stops or times out. */
export const PIPELINE_TRAINING_SYNC = ["sagemaker:StopTrainingJob"] as const;

/** Step Functions' SageMaker integration reads tags; granted on the pipeline's jobs, models and endpoint. */
export const PIPELINE_LIST_TAGS = ["sagemaker:ListTags"] as const;

/** A model and an endpoint config per run, tagged at creation; granted on `model/` and `endpoint-config/<pipeline>-*`. */
export const PIPELINE_MODEL_VERSION = [
  "sagemaker:CreateModel",
  "sagemaker:CreateEndpointConfig",
  "sagemaker:AddTags",
] as const;

/** Create the pipeline's endpoint or move it to a new config, and follow it; granted on that endpoint. */
export const PIPELINE_ENDPOINT = [
  "sagemaker:CreateEndpoint",
  "sagemaker:UpdateEndpoint",
  "sagemaker:DescribeEndpoint",
  "sagemaker:AddTags",
] as const;

/** Tell whether the endpoint exists: ListEndpoints has no resource-level permissions (it only reads). */
export const PIPELINE_LIST_ENDPOINTS = ["sagemaker:ListEndpoints"] as const;

/** Pass the training and serving roles to SageMaker, conditioned on `iam:PassedToService`. */
export const PIPELINE_PASS_ROLE = ["iam:PassRole"] as const;

/**
 * `.sync` training follows jobs through the EventBridge rule Step Functions manages,
 * `rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule`; granted on that rule only.
 */
export const PIPELINE_SYNC_TRAINING_RULE = [
  "events:PutTargets",
  "events:PutRule",
  "events:DescribeRule",
] as const;

/** Write a failure record: a single-part put under the pipeline's prefix of the lake's logs zone. */
export const PIPELINE_RECORD_FAILURE = ["s3:PutObject"] as const;

/** Encrypt a single-part object with the lake's key (SSE-KMS): a data key, nothing to decrypt. */
export const PIPELINE_RECORD_FAILURE_KEY = ["kms:GenerateDataKey"] as const;

/** Let X-Ray sample a service's traces: reads without resource-level permissions, so `*`. */
export const XRAY_SAMPLING = ["xray:GetSamplingRules", "xray:GetSamplingTargets"] as const;

/**
 * Let Step Functions deliver a state machine's logs to CloudWatch Logs (vended logs). AWS offers these only on
 * `*`; four of them write (Create/Update/DeleteLogDelivery, PutResourcePolicy), so the policy that holds them
 * needs a written exception to `iam-no-write-on-all-resources`.
 */
export const LOGS_VENDED_DELIVERY = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

/**
 * Register an EC2 instance with Systems Manager (the SSM Agent's heartbeat). Granted on the account's EC2
 * instance ARNs: the agent reports for the instance it runs on.
 */
export const SSM_INSTANCE_REGISTRATION = ["ssm:UpdateInstanceInformation"] as const;

/**
 * Session Manager's channels, opened by the SSM Agent on the instance (shell access without SSH or a key
 * pair). AWS offers these only on `*` (their only conditions are the source instance's ARN), and all four
 * write, so the role policy that holds them needs a written exception to `iam-no-write-on-all-resources`.
 * The least an instance needs for Session Manager, instead of AmazonSSMManagedInstanceCore (which adds Run
 * Command's ec2messages, State Manager, inventory, patching and parameter reads).
 */
export const SSM_SESSION_CHANNELS = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
] as const;

/**
 * Connect to an Aurora or RDS database as a database user with an IAM authentication token; granted on the
 * `dbuser:` ARN of one cluster (its resource id) and one user name.
 */
export const RDS_IAM_CONNECT = ["rds-db:connect"] as const;

/** Read online feature vectors: one item, several at once, or an entity's groups; granted on the features table. */
export const DYNAMODB_FEATURES_READ = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
] as const;

/** Write (replace) feature vectors, one item per call; deleting is not part of writing (TTL expires them). */
export const DYNAMODB_FEATURES_WRITE = ["dynamodb:PutItem"] as const;

/**
 * Record training runs and read them back: create a run, update its status and metrics, get one, list an
 * experiment's runs or (through the index) a model's; granted on the runs table and its indexes.
 */
export const DYNAMODB_RUNS_RECORD = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:GetItem",
  "dynamodb:Query",
] as const;

/**
 * Read a DynamoDB table encrypted with a customer-managed key: DynamoDB decrypts the table key with the
 * caller's permissions; granted on the key, narrowed to calls made through DynamoDB (`kms:ViaService`).
 */
export const KMS_DYNAMODB_READ = ["kms:Decrypt", "kms:DescribeKey"] as const;

/** Read and write such a table: DynamoDB may also make and encrypt a table key for the caller; as above. */
export const KMS_DYNAMODB_WRITE = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:DescribeKey",
] as const;

/** Let EventBridge start executions of one state machine (the ETL trigger's target role, its only permission). */
export const ETL_TRIGGER_START_EXECUTION = ["states:StartExecution"] as const;
