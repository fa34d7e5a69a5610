import type { PolicyResource } from "@pulumi/policy";

import { BUCKET_SETTING_TYPES, BUCKET_TYPES, type BucketSetting } from "./types";
import { peek, UNKNOWN } from "./unknown";

/** A bucket with the split @pulumi/aws 7 resources that configure it. */
export interface BucketView {
  readonly resource: PolicyResource;
  /** Setting resources that name this bucket in their `bucket` property, by setting. */
  readonly settings: Record<BucketSetting, PolicyResource[]>;
  /** BucketLogging resources whose `targetBucket` is this bucket: it receives server access logs. */
  readonly logSources: PolicyResource[];
}

const SETTING_OF_TYPE = new Map<string, BucketSetting>(
  Object.entries(BUCKET_SETTING_TYPES).flatMap(([setting, types]) =>
    types.map((t) => [t, setting as BucketSetting] as const),
  ),
);

/**
 * Every bucket of a stack joined with its setting resources. A setting is joined to its bucket through the
 * property dependencies of its `bucket` input (the URN of the bucket it was given), and otherwise through
 * the bucket name it carries. A setting whose bucket is unknown during preview and has no dependency makes
 * the policy unable to decide: reading it throws, and CrossGuard reports that the policy could not run.
 */
export function bucketsOf(resources: readonly PolicyResource[]): BucketView[] {
  const views = new Map<string, BucketView>();
  const byName = new Map<string, BucketView>();
  for (const r of resources) {
    if (!BUCKET_TYPES.has(r.type)) continue;
    const view: BucketView = {
      resource: r,
      settings: Object.fromEntries(
        Object.keys(BUCKET_SETTING_TYPES).map((s) => [s, []]),
      ) as unknown as Record<BucketSetting, PolicyResource[]>,
      logSources: [],
    };
    views.set(r.urn, view);
    const bucketName = peek(() => r.props.bucket as unknown);
    if (typeof bucketName === "string") byName.set(bucketName, view);
  }
  const find = (setting: PolicyResource, property: string): BucketView | undefined => {
    for (const dep of setting.propertyDependencies[property] ?? []) {
      const view = views.get(dep.urn);
      if (view) return view;
    }
    const value = peek(() => setting.props[property] as unknown);
    if (value === UNKNOWN) return byName.get(setting.props[property] as string); // throws: undecidable
    return typeof value === "string" ? byName.get(value) : undefined;
  };
  for (const r of resources) {
    const setting = SETTING_OF_TYPE.get(r.type);
    if (setting === undefined) continue;
    find(r, "bucket")?.settings[setting].push(r);
    if (setting === "logging") find(r, "targetBucket")?.logSources.push(r);
  }
  // Inline logging on a (legacy-style) bucket also makes its target a log bucket.
  for (const view of views.values()) {
    const source = view.resource;
    const viaDependency = (source.propertyDependencies.logging ?? []).map((d) => views.get(d.urn));
    const target = peek(() => (source.props.logging as { targetBucket?: unknown } | undefined)?.targetBucket);
    const viaName = typeof target === "string" ? byName.get(target) : undefined;
    for (const t of new Set([...viaDependency, viaName])) if (t && t !== view) t.logSources.push(source);
  }
  return [...views.values()];
}

/** True when S3 delivers server access logs into this bucket. */
export function isLogTarget(bucket: BucketView): boolean {
  return bucket.logSources.length > 0;
}

/** `bucket "name"`, for messages. */
export function describeBucket(bucket: BucketView): string {
  return `bucket ${JSON.stringify(bucket.resource.name)}`;
}

/**
 * A bucket's inline setting blocks, in either shape: `aws.s3.Bucket` carries one object (`logging`), the
 * legacy `aws.s3.BucketV2` a list under the plural name (`loggings`).
 */
export function inlineBlocks<T>(bucket: PolicyResource, name: string): T[] {
  const one = bucket.props[name] as T | undefined;
  const many = (bucket.props[`${name}s`] ?? []) as T[];
  return [...(one === undefined ? [] : [one]), ...many];
}

/** `BucketAcl "name"`, for messages about a resource of any type. */
export function describeResource(type: string, name: string): string {
  return `${type.slice(type.lastIndexOf(":") + 1)} ${JSON.stringify(name)}`;
}
