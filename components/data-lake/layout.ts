/**
 * The data lake's zone layout (seed §1.3), as pure data and helpers shared by the component, the stack outputs
 * and the data-plane tools, so nobody hand-builds an S3 key.
 *
 *   raw/                        source data, as ingested (raw/2024/01/01/...)
 *   processed/{train,validation,test}/
 *   features/                   feature store data
 *   models/{experiment-*,production}/
 *   artifacts/{logs,checkpoints}/
 *   metadata/
 */

/** Every fixed zone of the lake, by the prefix it lives under (no trailing slash). */
export const LAKE_ZONES = [
  "raw",
  "processed",
  "processed/train",
  "processed/validation",
  "processed/test",
  "features",
  "models",
  "models/production",
  "artifacts",
  "artifacts/logs",
  "artifacts/checkpoints",
  "metadata",
] as const;

/** A fixed zone, or one experiment's model folder (`models/experiment-001`). */
export type LakeZone = (typeof LAKE_ZONES)[number] | `models/experiment-${string}`;

const SEGMENT = /^[A-Za-z0-9!_.*'()=-]+$/;

/** True when `value` names a zone of the layout. */
export function isLakeZone(value: string): value is LakeZone {
  return (
    (LAKE_ZONES as readonly string[]).includes(value) ||
    (value.startsWith("models/experiment-") && SEGMENT.test(value.slice("models/".length)))
  );
}

/**
 * The key prefix of a zone, with its trailing slash: `zonePrefix("processed/train")` is `processed/train/`.
 * Throws on a value outside the layout, so a typo never reads or writes outside the lake's zones.
 */
export function zonePrefix(zone: LakeZone): string {
  if (!isLakeZone(zone)) {
    throw new Error(
      `zone: got ${JSON.stringify(zone)}, expected one of ${LAKE_ZONES.join(", ")} or models/experiment-<id>`,
    );
  }
  return `${zone}/`;
}

/**
 * An object key inside a zone: `lakeKey("raw", "2024/01/01", "events.json")` is `raw/2024/01/01/events.json`.
 * Parts are joined with single slashes; empty parts, `.` and `..` segments are rejected.
 */
export function lakeKey(zone: LakeZone, ...parts: string[]): string {
  const segments = parts.flatMap((p) => p.split("/")).filter((s) => s !== "");
  for (const segment of segments) {
    if (segment === "." || segment === "..") {
      throw new Error(`key part: got ${JSON.stringify(parts.join("/"))}, expected no "." or ".." segments`);
    }
  }
  return zonePrefix(zone) + segments.join("/");
}

/** The `s3://` URI of a zone or of a key inside it. */
export function lakeUri(bucket: string, zone: LakeZone, ...parts: string[]): string {
  return `s3://${bucket}/${lakeKey(zone, ...parts)}`;
}

/** The model folder of one experiment: `experimentZone("001")` is `models/experiment-001`. */
export function experimentZone(id: string): LakeZone {
  if (!SEGMENT.test(id)) {
    throw new Error(`experiment id: got ${JSON.stringify(id)}, expected letters, digits and - _ . only`);
  }
  return `models/experiment-${id}`;
}
