/** Checkov's redshift checks as Pulumi resources (see ../case.ts). */
import type { DeclaredResource } from "../../../../scripts/cli/offline/runner";
import { declared, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const CLUSTER = "aws:redshift/cluster:Cluster";
const LOGGING = "aws:redshift/logging:Logging";
const NAMESPACE = "aws:redshiftserverless/namespace:Namespace";
const PARAMETER_GROUP = "aws:redshift/parameterGroup:ParameterGroup";
const COPY_GRANT = "aws:redshift/snapshotCopyGrant:SnapshotCopyGrant";
const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/wh-key-id";

/** A cluster every Redshift policy passes, with `inputs` changed (`undefined` removes one). */
function cluster(inputs: Record<string, unknown> = {}): DeclaredResource {
  const all: Record<string, unknown> = {
    clusterIdentifier: "wh",
    nodeType: "ra3.large",
    databaseName: "analytics",
    masterUsername: "warehouse_admin",
    manageMasterPassword: true,
    encrypted: "true",
    kmsKeyId: KEY_ARN,
    publiclyAccessible: false,
    enhancedVpcRouting: true,
    clusterSubnetGroupName: "wh-subnets",
    automatedSnapshotRetentionPeriod: 7,
    tags: TAGS,
    ...inputs,
  };
  return declared(
    CLUSTER,
    "wh-cluster",
    Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)),
    { protect: true },
  );
}

const c = (inputs: Record<string, unknown>) => [cluster(inputs)];

const logging = declared(
  LOGGING,
  "wh-logging",
  {
    clusterIdentifier: "wh",
    logDestinationType: "cloudwatch",
    logExports: ["connectionlog", "userlog", "useractivitylog"],
  },
  { propertyDependencies: { clusterIdentifier: [cluster().urn] }, dependencies: [cluster().urn] },
);

const namespace = (inputs: Record<string, unknown>) => [
  declared(NAMESPACE, "wh-namespace", { namespaceName: "wh", dbName: "analytics", tags: TAGS, ...inputs }),
];

export const redshift: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_64",
      title: "a cluster with encrypted false",
      fail: c({ encrypted: "false" }),
      pass: c({ encrypted: "true" }),
    },
    {
      id: "CKV_AWS_71",
      title: "a cluster without an aws.redshift.Logging",
      fail: c({}),
      pass: [...c({}), logging],
    },
    {
      id: "CKV_AWS_87",
      title: "a cluster with publiclyAccessible true",
      fail: c({ publiclyAccessible: true }),
      pass: c({ publiclyAccessible: false }),
    },
    {
      id: "CKV_AWS_105",
      title: "a parameter group with require_ssl false",
      fail: [
        declared(PARAMETER_GROUP, "wh-params", {
          family: "redshift-1.0",
          parameters: [{ name: "require_ssl", value: "false" }],
        }),
      ],
      pass: [
        declared(PARAMETER_GROUP, "wh-params", {
          family: "redshift-1.0",
          parameters: [{ name: "require_ssl", value: "true" }],
        }),
      ],
    },
    {
      id: "CKV_AWS_141",
      title: "a cluster with allowVersionUpgrade false",
      fail: c({ allowVersionUpgrade: false }),
      pass: c({ allowVersionUpgrade: true }),
    },
    {
      id: "CKV_AWS_142",
      title: "an encrypted cluster without kmsKeyId",
      fail: c({ kmsKeyId: undefined }),
      pass: c({ kmsKeyId: KEY_ARN }),
    },
    {
      id: "CKV_AWS_154",
      title: "a cluster without clusterSubnetGroupName",
      fail: c({ clusterSubnetGroupName: undefined }),
      pass: c({ clusterSubnetGroupName: "wh-subnets" }),
    },
    {
      id: "CKV_AWS_281",
      title: "a snapshot copy grant without kmsKeyId",
      fail: [declared(COPY_GRANT, "wh-copy-grant", { snapshotCopyGrantName: "wh-copy", tags: TAGS })],
      pass: [
        declared(COPY_GRANT, "wh-copy-grant", {
          snapshotCopyGrantName: "wh-copy",
          kmsKeyId: KEY_ARN,
          tags: TAGS,
        }),
      ],
    },
    {
      id: "CKV_AWS_282",
      title: "a Serverless namespace without kmsKeyId",
      fail: namespace({}),
      pass: namespace({ kmsKeyId: KEY_ARN }),
    },
    {
      id: "CKV_AWS_320",
      title: "a cluster without databaseName",
      fail: c({ databaseName: undefined }),
      pass: c({ databaseName: "analytics" }),
    },
    {
      id: "CKV_AWS_321",
      title: "a cluster with enhancedVpcRouting false",
      fail: c({ enhancedVpcRouting: false }),
      pass: c({ enhancedVpcRouting: true }),
    },
    {
      id: "CKV_AWS_343",
      title: "a cluster with automatedSnapshotRetentionPeriod 0",
      fail: c({ automatedSnapshotRetentionPeriod: 0 }),
      pass: c({ automatedSnapshotRetentionPeriod: 7 }),
    },
    {
      id: "CKV_AWS_391",
      title: 'a cluster with master user "admin" and publiclyAccessible unset',
      fail: c({ masterUsername: "admin", publiclyAccessible: undefined }),
      pass: c({ masterUsername: "admin", publiclyAccessible: false }),
    },
  ],
  notApplicable: [],
  covered: [
    "CKV_AWS_105",
    "CKV_AWS_141",
    "CKV_AWS_142",
    "CKV_AWS_154",
    "CKV_AWS_281",
    "CKV_AWS_282",
    "CKV_AWS_320",
    "CKV_AWS_321",
    "CKV_AWS_343",
    "CKV_AWS_391",
    "CKV_AWS_64",
    "CKV_AWS_71",
    "CKV_AWS_87",
  ],
};
