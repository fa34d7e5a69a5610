/** Glue type tokens the Glue policies check. */
export const GLUE = {
  catalogDatabase: "aws:glue/catalogDatabase:CatalogDatabase",
  catalogTable: "aws:glue/catalogTable:CatalogTable",
  partition: "aws:glue/partition:Partition",
  connection: "aws:glue/connection:Connection",
  crawler: "aws:glue/crawler:Crawler",
  job: "aws:glue/job:Job",
  devEndpoint: "aws:glue/devEndpoint:DevEndpoint",
  encryptionSettings: "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
  securityConfiguration: "aws:glue/securityConfiguration:SecurityConfiguration",
} as const;

/** Resources that put metadata (or connection passwords) into the account's Data Catalog. */
export const GLUE_CATALOG_TYPES: readonly string[] = [
  GLUE.catalogDatabase,
  GLUE.catalogTable,
  GLUE.partition,
  GLUE.connection,
  GLUE.crawler,
  GLUE.job,
];

/** The kind of a resource, for messages: `Job`, `CatalogDatabase`. */
export function kindOf(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}

/** A mode for messages: quoted, or the service's default when unset. */
export function renderMode(mode: unknown, unset: string): string {
  return mode === undefined || mode === null || mode === "" ? unset : JSON.stringify(mode);
}

/** A nested block that @pulumi/aws 7 declares as an object (older versions as a one-element list). */
export function block(value: unknown): Record<string, unknown> | undefined {
  const one = Array.isArray(value) ? (value as unknown[])[0] : value;
  return one !== null && typeof one === "object" ? (one as Record<string, unknown>) : undefined;
}

/** True when a key reference is set: a value unknown during preview is a key all the same. */
export function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}
