import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";

import {
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

import { ValidationError, type ValidationIssue } from "../validation";
import { lakeKey, type LakeZone } from "./layout";

/**
 * The data lake's data-plane client (no Pulumi): writes and reads objects in the lake's zones with the keys
 * of ./layout.ts, always under SSE-KMS with the lake's key, and uploads large files in parallel parts with the
 * seed's transfer settings (§8.2: 100 MB threshold and parts, 10 at a time).
 */

const MiB = 1024 * 1024;
/** S3's smallest part (all but the last) and largest part. */
export const S3_MIN_PART_BYTES = 5 * MiB;
export const S3_MAX_PART_BYTES = 5 * 1024 * MiB;

export interface MultipartSettings {
  /** Bodies of at least this many bytes are uploaded in parts. @default 104857600 (100 MB, seed §8.2) */
  readonly thresholdBytes?: number;
  /** Size of each part but the last. @default 104857600 (100 MB, seed §8.2) */
  readonly partSizeBytes?: number;
  /** Parts in flight at once. @default 10 (seed §8.2) */
  readonly concurrency?: number;
}

export const DEFAULT_MULTIPART: Required<MultipartSettings> = {
  thresholdBytes: 100 * MiB,
  partSizeBytes: 100 * MiB,
  concurrency: 10,
};

export interface LakeClientOptions {
  /** The lake's data bucket (stack output `dataLake.bucketName`). */
  readonly bucket: string;
  /** The lake's KMS key (stack output `dataLake.kmsKeyArn`): every object written is encrypted with it. */
  readonly kmsKeyId: string;
  /** An S3 client, or the settings of a new one. @default - a client from the environment's AWS settings */
  readonly s3?: S3Client | S3ClientConfig;
  /** @default - the seed's settings, {@link DEFAULT_MULTIPART} */
  readonly multipart?: MultipartSettings;
}

export interface UploadProgress {
  readonly key: string;
  readonly loadedBytes: number;
  readonly totalBytes: number;
  /** The part just sent; absent for a single-request upload. */
  readonly part?: number;
}

export interface UploadRequest {
  readonly zone: LakeZone;
  /** The key's parts inside the zone: `["2024/01/01", "events.json"]`. */
  readonly parts: readonly string[];
  /** A file's path, or the bytes. */
  readonly body: string | Uint8Array;
  /**
   * Spread load across S3 prefixes (seed §8.2): a short hash of the rest of the key goes right after the zone,
   * `raw/3f9a1c/2024/01/01/events.json`. The zone stays first so that lifecycle rules and grants still apply.
   * @default false
   */
  readonly hashPrefix?: boolean;
  readonly contentType?: string;
  readonly onProgress?: (progress: UploadProgress) => void;
}

export interface UploadResult {
  readonly bucket: string;
  readonly key: string;
  readonly uri: string;
  readonly sizeBytes: number;
  /** True when the body went in parts; `parts` is how many. */
  readonly multipart: boolean;
  readonly parts: number;
  readonly etag?: string;
  readonly versionId?: string;
}

export interface LakeObject {
  readonly key: string;
  readonly sizeBytes: number;
  readonly lastModified?: Date;
  readonly etag?: string;
}

/** An S3 failure with the bucket or key named, and a hint when the cause is clear. */
export class LakeError extends Error {
  override readonly name = "LakeError";
  /** The S3 error code (`NoSuchBucket`, `NoSuchKey`, ...) or the network error code. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Length of the hash prefix: 6 hex digits, 16 million prefixes. */
const HASH_CHARS = 6;

/** A key inside a zone, with the seed's hash prefix after the zone: `raw/3f9a1c/2024/01/01/events.json`. */
export function hashedLakeKey(zone: LakeZone, ...parts: string[]): string {
  const rest = lakeKey(zone, ...parts).slice(zone.length + 1);
  const hash = createHash("sha256").update(rest).digest("hex").slice(0, HASH_CHARS);
  return lakeKey(zone, hash, rest);
}

/** The multipart settings with defaults applied; throws a ValidationError listing every bad value. */
export function resolveMultipart(settings: MultipartSettings = {}): Required<MultipartSettings> {
  const resolved = { ...DEFAULT_MULTIPART, ...definedOnly(settings) };
  const issues: ValidationIssue[] = [];
  const { thresholdBytes, partSizeBytes, concurrency } = resolved;
  if (
    !Number.isInteger(partSizeBytes) ||
    partSizeBytes < S3_MIN_PART_BYTES ||
    partSizeBytes > S3_MAX_PART_BYTES
  ) {
    issues.push({
      path: "multipart.partSizeBytes",
      value: partSizeBytes,
      expected: `a whole number of bytes from ${S3_MIN_PART_BYTES} (5 MiB) to ${S3_MAX_PART_BYTES} (5 GiB), S3's part sizes`,
    });
  } else if (!Number.isInteger(thresholdBytes) || thresholdBytes < partSizeBytes) {
    issues.push({
      path: "multipart.thresholdBytes",
      value: thresholdBytes,
      expected: `a whole number of bytes of at least multipart.partSizeBytes (${partSizeBytes}): a body of one part goes in one request`,
    });
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    issues.push({
      path: "multipart.concurrency",
      value: concurrency,
      expected: "a whole number from 1 to 64",
    });
  }
  if (issues.length > 0) throw new ValidationError("lake client", issues);
  return resolved;
}

export class LakeClient {
  readonly bucket: string;
  readonly kmsKeyId: string;
  readonly s3: S3Client;
  readonly multipart: Required<MultipartSettings>;
  /** The S3 endpoint when it is not AWS's (an emulator), for messages. */
  readonly endpoint?: string;

  constructor(options: LakeClientOptions) {
    const issues: ValidationIssue[] = [];
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket)) {
      issues.push({
        path: "bucket",
        value: options.bucket,
        expected: "an S3 bucket name (3-63 lowercase letters, digits, . and -)",
      });
    }
    if (options.kmsKeyId.trim() === "") {
      issues.push({
        path: "kmsKeyId",
        value: options.kmsKeyId,
        expected: "the lake's KMS key ARN, id or alias (stack output dataLake.kmsKeyArn)",
      });
    }
    if (issues.length > 0) throw new ValidationError("lake client", issues);
    this.bucket = options.bucket;
    this.kmsKeyId = options.kmsKeyId;
    this.multipart = resolveMultipart(options.multipart);
    this.s3 = options.s3 instanceof S3Client ? options.s3 : new S3Client(options.s3 ?? {});
    const configured = options.s3 instanceof S3Client ? undefined : options.s3?.endpoint;
    const endpoint =
      typeof configured === "string"
        ? configured
        : (process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);
    if (endpoint) this.endpoint = endpoint;
  }

  /** The key an upload of `parts` into `zone` gets. */
  key(zone: LakeZone, parts: readonly string[], hashPrefix = false): string {
    return hashPrefix ? hashedLakeKey(zone, ...parts) : lakeKey(zone, ...parts);
  }

  /**
   * Uploads a file or bytes into a zone, SSE-KMS with the lake's key. At least `multipart.thresholdBytes` go
   * in parts of `multipart.partSizeBytes`, `multipart.concurrency` at a time; an upload that fails aborts its
   * parts, so none linger.
   */
  async upload(request: UploadRequest): Promise<UploadResult> {
    const key = this.key(request.zone, request.parts, request.hashPrefix ?? false);
    const size = typeof request.body === "string" ? fileSize(request.body) : request.body.byteLength;
    const encryption = {
      ServerSideEncryption: "aws:kms" as const,
      SSEKMSKeyId: this.kmsKeyId,
      BucketKeyEnabled: true,
    };
    const common = {
      Bucket: this.bucket,
      Key: key,
      ...encryption,
      ...(request.contentType ? { ContentType: request.contentType } : {}),
    };
    const done = (fields: {
      multipart: boolean;
      parts: number;
      etag?: string;
      versionId?: string;
    }): UploadResult => ({
      bucket: this.bucket,
      key,
      uri: `s3://${this.bucket}/${key}`,
      sizeBytes: size,
      ...fields,
    });

    if (size < this.multipart.thresholdBytes) {
      const body = typeof request.body === "string" ? fs.readFileSync(request.body) : request.body;
      const result = await this.call(
        () => this.s3.send(new PutObjectCommand({ ...common, Body: body, ContentLength: size })),
        { key },
      );
      request.onProgress?.({ key, loadedBytes: size, totalBytes: size });
      return done({
        multipart: false,
        parts: 1,
        ...(result.ETag ? { etag: result.ETag } : {}),
        ...(result.VersionId ? { versionId: result.VersionId } : {}),
      });
    }

    const body = typeof request.body === "string" ? fs.createReadStream(request.body) : request.body;
    const upload = new Upload({
      client: this.s3,
      params: { ...common, Body: body, ContentLength: size },
      partSize: this.multipart.partSizeBytes,
      queueSize: this.multipart.concurrency,
      leavePartsOnError: false,
    });
    upload.on("httpUploadProgress", (event) => {
      request.onProgress?.({
        key,
        loadedBytes: event.loaded ?? 0,
        totalBytes: event.total ?? size,
        ...(event.part !== undefined ? { part: event.part } : {}),
      });
    });
    const result = await this.call(() => upload.done(), { key });
    const parts = Math.ceil(size / this.multipart.partSizeBytes);
    return done({
      multipart: parts > 1,
      parts,
      ...(result.ETag ? { etag: result.ETag } : {}),
      ...(result.VersionId ? { versionId: result.VersionId } : {}),
    });
  }

  /** Writes the object `key` to the file `destination` (its folder is created). */
  async download(
    key: string,
    destination: string,
  ): Promise<{ key: string; sizeBytes: number; file: string }> {
    const response = await this.call(
      () => this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
      {
        key,
      },
    );
    fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
    await pipeline(response.Body as Readable, fs.createWriteStream(destination));
    return { key, sizeBytes: fs.statSync(destination).size, file: destination };
  }

  /** The object's bytes, for small objects. */
  async read(key: string): Promise<Uint8Array> {
    const response = await this.call(
      () => this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
      {
        key,
      },
    );
    if (!response.Body)
      throw new LakeError(`s3://${this.bucket}/${key}: the response had no body`, "EmptyBody");
    return response.Body.transformToByteArray();
  }

  /** The object's metadata, encryption included. */
  async head(key: string): Promise<{
    sizeBytes: number;
    serverSideEncryption?: string;
    kmsKeyId?: string;
    bucketKeyEnabled?: boolean;
    etag?: string;
  }> {
    const response = await this.call(
      () => this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
      {
        key,
      },
    );
    return {
      sizeBytes: response.ContentLength ?? 0,
      ...(response.ServerSideEncryption ? { serverSideEncryption: response.ServerSideEncryption } : {}),
      ...(response.SSEKMSKeyId ? { kmsKeyId: response.SSEKMSKeyId } : {}),
      ...(response.BucketKeyEnabled !== undefined ? { bucketKeyEnabled: response.BucketKeyEnabled } : {}),
      ...(response.ETag ? { etag: response.ETag } : {}),
    };
  }

  /**
   * The objects under a zone or any key prefix, one page at a time (`pageSize` keys per request), so that a
   * zone of millions of objects never sits in memory.
   */
  async *listPages(prefix: string, pageSize = 1000): AsyncGenerator<LakeObject[]> {
    // A zone or folder is listed as a folder: `raw` lists `raw/...`, not also `raw-archive/...`.
    const folder = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
    const pages = paginateListObjectsV2(
      { client: this.s3, pageSize },
      { Bucket: this.bucket, Prefix: folder },
    );
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.call(() => iterator.next(), { prefix: folder });
      if (next.done) return;
      yield (next.value.Contents ?? []).map((o) => ({
        key: o.Key ?? "",
        sizeBytes: o.Size ?? 0,
        ...(o.LastModified ? { lastModified: o.LastModified } : {}),
        ...(o.ETag ? { etag: o.ETag } : {}),
      }));
    }
  }

  /** Every object under a prefix (all pages). */
  async list(prefix: string, pageSize = 1000): Promise<LakeObject[]> {
    const all: LakeObject[] = [];
    for await (const page of this.listPages(prefix, pageSize)) all.push(...page);
    return all;
  }

  /** Runs an S3 call, turning its failures into errors that name the bucket, the key and what to check. */
  private async call<T>(send: () => Promise<T>, what: { key?: string; prefix?: string }): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw this.explain(err, what);
    }
  }

  private explain(err: unknown, what: { key?: string; prefix?: string }): Error {
    const where =
      what.key !== undefined ? `s3://${this.bucket}/${what.key}` : `s3://${this.bucket}/${what.prefix ?? ""}`;
    const code = errorCode(err);
    const options = { cause: err };
    switch (code) {
      case "NoSuchBucket":
        return new LakeError(
          `bucket ${JSON.stringify(this.bucket)} does not exist (${where}); expected the lake's data bucket, stack output dataLake.bucketName`,
          code,
          options,
        );
      case "NoSuchKey":
      case "NotFound":
        return new LakeError(`${where}: no such object (key ${JSON.stringify(what.key)})`, code, options);
      case "AccessDenied":
      case "KMS.NotFoundException":
      case "KMSInvalidStateException":
        return new LakeError(
          `${where}: ${code}: ${messageOf(err)} (KMS key ${this.kmsKeyId})`,
          code,
          options,
        );
      case "ECONNREFUSED":
      case "ECONNRESET":
      case "ENOTFOUND":
      case "EHOSTUNREACH": {
        const endpoint = this.endpoint;
        return new LakeError(
          `${where}: cannot reach S3${endpoint ? ` at ${endpoint}` : ""} (${code}); if it is a sandbox, is it running? (mlplat sandbox status)`,
          code,
          options,
        );
      }
      default:
        return new LakeError(`${where}: ${code}: ${messageOf(err)}`, code, options);
    }
  }
}

function errorCode(err: unknown): string {
  if (err instanceof S3ServiceException) return err.name;
  const e = err as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown } | undefined;
  if (typeof e?.code === "string") return e.code;
  // Node's fetch and the SDK's http handler wrap the socket error: find the innermost code.
  if (e?.cause !== undefined) {
    const inner = errorCode(e.cause);
    if (inner !== "UnknownError") return inner;
  }
  if (Array.isArray(e?.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  if (typeof e?.name === "string" && e.name !== "Error") return e.name;
  return "UnknownError";
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (err) {
    throw new LakeError(
      `file ${JSON.stringify(file)}: ${messageOf(err)}`,
      (err as NodeJS.ErrnoException).code ?? "ENOENT",
      {
        cause: err,
      },
    );
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
