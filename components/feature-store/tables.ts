/**
 * The shape of the feature store's two DynamoDB tables: keys, attribute types, the runs table's index and the
 * TTL attribute. Plain data with no Pulumi or SDK import, so that the component (./index.ts), the client
 * (./client.ts) and the emulator tests create and read the same tables.
 */

/** A DynamoDB key attribute type: string or number. */
export type KeyAttributeType = "S" | "N";

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/** A global secondary index: its keys and what it projects. */
export interface IndexShape {
  readonly name: string;
  readonly hashKey: KeyAttribute;
  readonly rangeKey: KeyAttribute;
  /** `ALL`: a listing reads whole items from the index, with no second read of the table. */
  readonly projection: "ALL";
}

export interface TableShape {
  readonly hashKey: KeyAttribute;
  readonly rangeKey: KeyAttribute;
  readonly indexes: readonly IndexShape[];
  /** The attribute holding an item's expiry (epoch seconds) when TTL is on. */
  readonly ttlAttribute?: string;
}

/**
 * Online features: one item per entity and feature group version, so that a model reads an entity's vector in
 * one GetItem, and all of an entity's groups with one Query.
 * - `entityId` (partition key): the entity the features describe, e.g. a user or item id.
 * - `featureKey` (sort key): `<featureGroup>#v<version>`, see {@link featureKey}.
 * - `expiresAt`: epoch seconds after which DynamoDB's TTL deletes a stale vector (within a day or two, and
 *   free of write charges).
 */
export const FEATURE_TABLE: TableShape = {
  hashKey: { name: "entityId", type: "S" },
  rangeKey: { name: "featureKey", type: "S" },
  indexes: [],
  ttlAttribute: "expiresAt",
};

/** The runs table's index that lists a model's runs by start time. */
export const RUNS_BY_MODEL_INDEX = "byModel";

/**
 * Experiment and model metadata: one item per training run.
 * - `experimentId` (partition key) and `runId` (sort key): the runs of an experiment, in one Query.
 * - Index {@link RUNS_BY_MODEL_INDEX}: `modelName` (partition key) and `startedAt` (sort key, ISO 8601 UTC, so
 *   it sorts by time). The question asked after "what ran in this experiment" is "which runs trained this model,
 *   newest first" (the latest candidate, a comparison over time), across experiments: the index answers it in
 *   one Query, and a status filter narrows the few runs a model has. A key on status would split a model's
 *   runs across partitions and move each run between keys as its status changes.
 * Runs are kept: no TTL.
 */
export const RUNS_TABLE: TableShape = {
  hashKey: { name: "experimentId", type: "S" },
  rangeKey: { name: "runId", type: "S" },
  indexes: [
    {
      name: RUNS_BY_MODEL_INDEX,
      hashKey: { name: "modelName", type: "S" },
      rangeKey: { name: "startedAt", type: "S" },
      projection: "ALL",
    },
  ],
};

/** Every attribute a table's keys and indexes use, once each: what DynamoDB's AttributeDefinitions lists. */
export function keyAttributes(shape: TableShape): KeyAttribute[] {
  const all = [
    shape.hashKey,
    shape.rangeKey,
    ...shape.indexes.flatMap((index) => [index.hashKey, index.rangeKey]),
  ];
  return all.filter((a, i) => all.findIndex((b) => b.name === a.name) === i);
}

/** The separator of a feature key's group and version. */
export const FEATURE_KEY_SEPARATOR = "#v";

/** The sort key of a feature group version: `user_profile#v3`. */
export function featureKey(featureGroup: string, version: number): string {
  return `${featureGroup}${FEATURE_KEY_SEPARATOR}${version}`;
}
