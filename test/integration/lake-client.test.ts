import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import {
  DEFAULT_MULTIPART,
  LakeClient,
  LakeError,
  type UploadProgress,
} from "../../components/data-lake/client";
import { isValidationError } from "../../components/validation";
import { clientConfig, createLakeBucket, emulator, resetBetweenSuites, s3Client, unique } from "./support";

const MiB = 1024 * 1024;
const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

let bucket: string;
let kmsKeyArn: string;
let scratch: string;

beforeAll(async () => {
  await resetBetweenSuites();
  ({ bucket, kmsKeyArn } = await createLakeBucket(`lake-client-${unique()}`));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-lake-"));
});

function client(multipart = {}): LakeClient {
  return new LakeClient({ bucket, kmsKeyId: kmsKeyArn, s3: s3Client(), multipart });
}

function scratchFile(name: string, bytes: number): { file: string; digest: string } {
  const data = randomBytes(bytes);
  const file = path.join(scratch, name);
  fs.writeFileSync(file, data);
  return { file, digest: sha256(data) };
}

describe(`the lake client against ${emulator().kind}`, () => {
  it("uploads a small file in one request under SSE-KMS with the lake's key, and downloads it intact", async () => {
    const { file, digest } = scratchFile("events.json", 64 * 1024);
    const lake = client();
    const progress: UploadProgress[] = [];
    const result = await lake.upload({
      zone: "raw",
      parts: ["2024/01/01", "events.json"],
      body: file,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({
      key: "raw/2024/01/01/events.json",
      uri: `s3://${bucket}/raw/2024/01/01/events.json`,
      sizeBytes: 64 * 1024,
      multipart: false,
      parts: 1,
    });
    expect(progress.at(-1)).toEqual({ key: result.key, loadedBytes: 64 * 1024, totalBytes: 64 * 1024 });

    const head = await lake.head(result.key);
    expect(head.serverSideEncryption).toBe("aws:kms");
    expect(head.kmsKeyId).toBe(kmsKeyArn);

    const target = path.join(scratch, "out", "events.json");
    await lake.download(result.key, target);
    expect(sha256(fs.readFileSync(target))).toBe(digest);
  });

  it("uploads in parts above the threshold, reporting progress per part, under SSE-KMS", async () => {
    const { file, digest } = scratchFile("shard.bin", 12 * MiB);
    const lake = client({ thresholdBytes: 5 * MiB, partSizeBytes: 5 * MiB, concurrency: 10 });
    const progress: UploadProgress[] = [];
    const result = await lake.upload({
      zone: "processed/train",
      parts: ["shard.bin"],
      body: file,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ key: "processed/train/shard.bin", multipart: true, parts: 3 });
    // S3 (and the emulators) give a multipart object the ETag "<md5 of part md5s>-<parts>".
    expect(result.etag).toMatch(/-3"?$/);
    expect(progress.map((p) => p.part).sort()).toEqual([1, 2, 3]);
    expect(Math.max(...progress.map((p) => p.loadedBytes))).toBe(12 * MiB);

    const head = await lake.head(result.key);
    expect(head.sizeBytes).toBe(12 * MiB);
    expect(head.serverSideEncryption).toBe("aws:kms");
    expect(head.kmsKeyId).toBe(kmsKeyArn);
    expect(sha256(await lake.read(result.key))).toBe(digest);
  });

  it("uses the seed's transfer settings by default: a 101 MiB file goes in two 100 MiB-or-less parts", async () => {
    expect(DEFAULT_MULTIPART).toEqual({
      thresholdBytes: 100 * MiB,
      partSizeBytes: 100 * MiB,
      concurrency: 10,
    });
    const { file } = scratchFile("model.tar.gz", 101 * MiB);
    const lake = client();
    const result = await lake.upload({ zone: "models/production", parts: ["model.tar.gz"], body: file });
    expect(result).toMatchObject({ multipart: true, parts: 2, sizeBytes: 101 * MiB });
    expect(result.etag).toMatch(/-2"?$/);
    expect((await lake.head(result.key)).sizeBytes).toBe(101 * MiB);
  });

  it("puts a deterministic hash prefix after the zone when asked (seed §8.2)", async () => {
    const lake = client();
    const first = await lake.upload({
      zone: "raw",
      parts: ["2024/01/01", "file1.csv"],
      body: new TextEncoder().encode("a,b\n1,2\n"),
      hashPrefix: true,
    });
    expect(first.key).toMatch(/^raw\/[0-9a-f]{6}\/2024\/01\/01\/file1\.csv$/);
    expect(lake.key("raw", ["2024/01/01", "file1.csv"], true)).toBe(first.key);
    expect(lake.key("raw", ["2024/01/02", "file1.csv"], true)).not.toBe(first.key);
    expect(new TextDecoder().decode(await lake.read(first.key))).toBe("a,b\n1,2\n");
  });

  it("lists a zone across pages", async () => {
    const lake = client();
    const body = new TextEncoder().encode("x");
    for (let i = 0; i < 25; i++) {
      await lake.upload({ zone: "features", parts: [`f-${String(i).padStart(2, "0")}.parquet`], body });
    }
    const pages: number[] = [];
    const keys: string[] = [];
    for await (const page of lake.listPages("features", 10)) {
      pages.push(page.length);
      keys.push(...page.map((o) => o.key));
    }
    expect(pages).toEqual([10, 10, 5]);
    expect(keys).toHaveLength(25);
    expect(new Set(keys).size).toBe(25);
    expect(keys[0]).toBe("features/f-00.parquet");
    expect((await lake.list("features/", 7)).length).toBe(25);
  });

  it("names the bucket when it does not exist", async () => {
    const lake = new LakeClient({ bucket: "no-such-lake-bucket", kmsKeyId: kmsKeyArn, s3: s3Client() });
    const error = await lake
      .upload({ zone: "raw", parts: ["x"], body: new Uint8Array(1) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeError);
    expect((error as LakeError).code).toBe("NoSuchBucket");
    expect((error as LakeError).message).toBe(
      'bucket "no-such-lake-bucket" does not exist (s3://no-such-lake-bucket/raw/x); expected the lake\'s data bucket, stack output dataLake.bucketName',
    );
    await expect(lake.list("raw")).rejects.toThrow('bucket "no-such-lake-bucket" does not exist');
  });

  it("names the key when the object does not exist", async () => {
    const lake = client();
    await expect(lake.download("raw/missing.csv", path.join(scratch, "missing.csv"))).rejects.toThrow(
      `s3://${bucket}/raw/missing.csv: no such object (key "raw/missing.csv")`,
    );
    expect(fs.existsSync(path.join(scratch, "missing.csv"))).toBe(false);
  });

  it("says the endpoint cannot be reached when nothing listens there", async () => {
    const lake = new LakeClient({
      bucket,
      kmsKeyId: kmsKeyArn,
      s3: { ...clientConfig(), endpoint: "http://127.0.0.1:9", maxAttempts: 1 },
    });
    await expect(lake.list("raw")).rejects.toThrow(
      `s3://${bucket}/raw/: cannot reach S3 at http://127.0.0.1:9 (ECONNREFUSED); if it is a sandbox, is it running? (mlplat sandbox status)`,
    );
  });

  it("refuses zones outside the layout and part sizes S3 would refuse, before any call", () => {
    const lake = client();
    expect(() => lake.key("scratch" as never, ["x"])).toThrow('zone: got "scratch", expected one of raw');
    try {
      client({ partSizeBytes: 1 * MiB, concurrency: 0 });
      expect.unreachable();
    } catch (err) {
      expect(isValidationError(err)).toBe(true);
      expect((err as Error).message).toContain(
        "multipart.partSizeBytes: got 1048576, expected a whole number of bytes from 5242880 (5 MiB) to 5368709120 (5 GiB), S3's part sizes",
      );
      expect((err as Error).message).toContain(
        "multipart.concurrency: got 0, expected a whole number from 1 to 64",
      );
    }
    expect(() => client({ thresholdBytes: 5 * MiB, partSizeBytes: 8 * MiB })).toThrow(
      "multipart.thresholdBytes: got 5242880, expected a whole number of bytes of at least multipart.partSizeBytes (8388608)",
    );
  });
});
