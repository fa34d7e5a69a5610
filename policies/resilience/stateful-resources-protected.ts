import { resourcePolicy } from "../lib/define";

/** Types that hold data which cannot be recreated: stores, keys that encrypt them, registries, secrets. */
const STATEFUL_TYPES = [
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:kms/key:Key",
  "aws:dynamodb/table:Table",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:efs/fileSystem:FileSystem",
  "aws:ebs/volume:Volume",
  "aws:redshift/cluster:Cluster",
  "aws:redshiftserverless/namespace:Namespace",
  "aws:ecr/repository:Repository",
  "aws:glue/catalogDatabase:CatalogDatabase",
  "aws:sagemaker/featureGroup:FeatureGroup",
  "aws:sagemaker/modelPackageGroup:ModelPackageGroup",
  "aws:secretsmanager/secret:Secret",
];

/**
 * Stateful resources are protected, so Pulumi refuses to delete or replace them (the template also sets
 * retainOnDelete, which CrossGuard 1.21 does not show policies). Which stacks need it is the pack config's
 * decision: advisory by default, mandatory in production.
 */
export const statefulResourcesProtected = resourcePolicy({
  name: "stateful-resources-protected",
  description:
    "Resources that hold data (buckets, keys, tables, databases, file systems) are protected from deletion.",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    "Declare the resource with { protect: true, retainOnDelete: true } (mlplat:dataLake.deletionPolicy: protect).",
  config: {
    additionalTypes: {
      type: "array",
      items: { type: "string", pattern: "^[a-zA-Z0-9-]+:[^:]+:[^:]+$" },
      default: [],
      description: "Further type tokens to treat as stateful",
    },
  },
  validate: (args, report) => {
    const { additionalTypes } = args.getConfig<{ additionalTypes: string[] }>();
    if (!STATEFUL_TYPES.includes(args.type) && !additionalTypes.includes(args.type)) {
      args.notApplicable(`${args.type} is not a stateful type`);
    }
    if (args.opts.protect) return;
    report(
      `${args.type.slice(args.type.lastIndexOf(":") + 1)} ${JSON.stringify(args.name)} holds data and is not protected: set protect (and retainOnDelete)`,
    );
  },
});
