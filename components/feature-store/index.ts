import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { keepOptions } from "../data-lake/args";
import {
  DYNAMODB_FEATURES_READ,
  DYNAMODB_FEATURES_WRITE,
  DYNAMODB_RUNS_RECORD,
  KMS_DYNAMODB_READ,
  KMS_DYNAMODB_WRITE,
} from "../iam/actions";
import { ValidationError } from "../validation";
import {
  resolveFeatureStoreSettings,
  validateFeatureStoreSettings,
  type FeatureStoreSettings,
  type ResolvedFeatureStoreSettings,
} from "./args";
import { FEATURE_TABLE, keyAttributes, RUNS_TABLE, type TableShape } from "./tables";

export * from "./args";
export * from "./tables";

export interface FeatureStoreArgs extends FeatureStoreSettings {
  /**
   * A customer-managed key for both tables. Principals granted access also get its use through DynamoDB.
   * @default - a rotating key of the store's own, kept as long as the tables are
   */
  kmsKeyArn?: pulumi.Input<string>;
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/** One statement of a grant's policy. */
interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: readonly string[];
  Resource: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The feature and metadata store (the seed's services map: DynamoDB): a table of online feature vectors
 * (`<name>-features`, see {@link FEATURE_TABLE}) with TTL on `expiresAt`, and a table of training runs
 * (`<name>-runs`, see {@link RUNS_TABLE}) with an index listing a model's runs by time. Both are on-demand by
 * default, encrypted with a customer-managed key, backed up continuously (point-in-time recovery) and kept per
 * `deletionPolicy` (with DynamoDB's own deletion protection under `protect`).
 *
 * Access is granted with {@link FeatureStore.grantReadFeatures}, {@link FeatureStore.grantWriteFeatures} and
 * {@link FeatureStore.grantRecordRuns}; ./client.ts reads and writes the tables.
 */
export class FeatureStore extends pulumi.ComponentResource {
  readonly featureTableName: pulumi.Output<string>;
  readonly featureTableArn: pulumi.Output<string>;
  readonly metadataTableName: pulumi.Output<string>;
  readonly metadataTableArn: pulumi.Output<string>;
  /** The key that encrypts both tables. */
  readonly kmsKeyArn: pulumi.Output<string>;
  /** Days a feature vector lives (0: no TTL): what ./client.ts must be given as `featureTtlDays`. */
  readonly featureTtlDays: number;
  readonly featureTable: aws.dynamodb.Table;
  readonly metadataTable: aws.dynamodb.Table;
  readonly settings: ResolvedFeatureStoreSettings;

  private readonly storeName: string;

  constructor(name: string, args: FeatureStoreArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    // Validated before anything is declared, the component itself included.
    const settings = resolveFeatureStoreSettings(args);
    const issues = validateFeatureStoreSettings(settings);
    if (issues.length > 0) throw new ValidationError(`FeatureStore ${name}`, issues);
    super("mlplat:feature-store:FeatureStore", name, {}, opts);
    this.settings = settings;
    this.storeName = name;
    this.featureTtlDays = settings.featureTtlDays;

    const tags = { ...(args.tags ?? {}) };
    this.kmsKeyArn = args.kmsKeyArn !== undefined ? pulumi.output(args.kmsKeyArn) : this.ownKey(name, tags);

    this.featureTable = this.table(`${name}-features`, FEATURE_TABLE, tags);
    this.metadataTable = this.table(`${name}-runs`, RUNS_TABLE, tags);
    this.featureTableName = this.featureTable.name;
    this.featureTableArn = this.featureTable.arn;
    this.metadataTableName = this.metadataTable.name;
    this.metadataTableArn = this.metadataTable.arn;

    this.registerOutputs({
      featureTableName: this.featureTableName,
      featureTableArn: this.featureTableArn,
      metadataTableName: this.metadataTableName,
      metadataTableArn: this.metadataTableArn,
      kmsKeyArn: this.kmsKeyArn,
      featureTtlDays: this.featureTtlDays,
    });
  }

  /**
   * Lets `role` read feature vectors (GetItem, BatchGetItem, Query) from the features table, and decrypt them
   * with the store's key through DynamoDB. The resource is `<store>-<id>-features-read`.
   */
  grantReadFeatures(id: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return this.rolePolicy(`${id}-features-read`, role, [
      {
        Sid: "ReadFeatures",
        Effect: "Allow",
        Action: DYNAMODB_FEATURES_READ,
        Resource: this.featureTableArn,
      },
      this.keyStatement(KMS_DYNAMODB_READ),
    ]);
  }

  /**
   * Lets `role` write feature vectors (PutItem) into the features table, and use the store's key through
   * DynamoDB. Writing does not include deleting or reading. The resource is `<store>-<id>-features-write`.
   */
  grantWriteFeatures(id: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return this.rolePolicy(`${id}-features-write`, role, [
      {
        Sid: "WriteFeatures",
        Effect: "Allow",
        Action: DYNAMODB_FEATURES_WRITE,
        Resource: this.featureTableArn,
      },
      this.keyStatement(KMS_DYNAMODB_WRITE),
    ]);
  }

  /**
   * Lets `role` record training runs and read them back (PutItem, UpdateItem, GetItem, Query) in the runs
   * table and its indexes, and use the store's key through DynamoDB. Recording does not include deleting.
   * The resource is `<store>-<id>-runs-record`.
   */
  grantRecordRuns(id: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return this.rolePolicy(`${id}-runs-record`, role, [
      {
        Sid: "RecordRuns",
        Effect: "Allow",
        Action: DYNAMODB_RUNS_RECORD,
        Resource: [this.metadataTableArn, pulumi.interpolate`${this.metadataTableArn}/index/*`],
      },
      this.keyStatement(KMS_DYNAMODB_WRITE),
    ]);
  }

  /**
   * A table of the given shape: billing, encryption, recovery, TTL and deletion protection per settings. A
   * shape with a TTL attribute declares TTL off explicitly when the settings turn it off, so that the change
   * reaches a table that had it on.
   */
  private table(resourceName: string, shape: TableShape, tags: Record<string, string>): aws.dynamodb.Table {
    const s = this.settings;
    const ttl =
      shape.ttlAttribute === undefined
        ? {}
        : {
            ttl:
              s.featureTtlDays > 0
                ? { attributeName: shape.ttlAttribute, enabled: true }
                : { enabled: false },
          };
    const capacity =
      s.billingMode === "PROVISIONED"
        ? { readCapacity: s.readCapacityUnits, writeCapacity: s.writeCapacityUnits }
        : {};
    return new aws.dynamodb.Table(
      resourceName,
      {
        name: resourceName,
        billingMode: s.billingMode,
        ...capacity,
        hashKey: shape.hashKey.name,
        rangeKey: shape.rangeKey.name,
        attributes: keyAttributes(shape).map((a) => ({ name: a.name, type: a.type })),
        globalSecondaryIndexes: shape.indexes.map((index) => ({
          name: index.name,
          keySchemas: [
            { attributeName: index.hashKey.name, keyType: "HASH" },
            { attributeName: index.rangeKey.name, keyType: "RANGE" },
          ],
          projectionType: index.projection,
          ...capacity,
        })),
        ...ttl,
        pointInTimeRecovery: s.pointInTimeRecovery
          ? { enabled: true, recoveryPeriodInDays: s.recoveryPeriodDays }
          : { enabled: false },
        serverSideEncryption: { enabled: true, kmsKeyArn: this.kmsKeyArn },
        deletionProtectionEnabled: s.deletionPolicy === "protect",
        tags,
      },
      { parent: this, ...keepOptions(s.deletionPolicy) },
    );
  }

  /** The store's key, used only through DynamoDB in this account's region. */
  private keyStatement(actions: readonly string[]): Statement {
    const region = aws.getRegionOutput({}, { parent: this }).region;
    return {
      Sid: "UseStoreKeyThroughDynamoDb",
      Effect: "Allow",
      Action: actions,
      Resource: this.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`dynamodb.${region}.amazonaws.com` } },
    };
  }

  private rolePolicy(suffix: string, role: aws.iam.Role, statements: Statement[]): aws.iam.RolePolicy {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(suffix)) {
      throw new Error(
        `grant id: got ${JSON.stringify(suffix)}, expected lowercase letters, digits and hyphens`,
      );
    }
    return new aws.iam.RolePolicy(
      `${this.storeName}-${suffix}`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
      },
      { parent: this },
    );
  }

  /**
   * A rotating key for the tables, kept as long as they are. Its policy is the default one (the account
   * administers the key and IAM policies grant its use), so grants decide who may use it through DynamoDB.
   */
  private ownKey(name: string, tags: Record<string, string>): pulumi.Output<string> {
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ${name} feature store's DynamoDB tables`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      { parent: this, ...keepOptions(this.settings.deletionPolicy) },
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/feature-store/${name}`, targetKeyId: key.keyId },
      { parent: this },
    );
    return key.arn;
  }
}
