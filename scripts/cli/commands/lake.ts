import * as path from "node:path";

import { Option, type Command } from "commander";

import type { LakeClient } from "../../../components/data-lake/client";

/** Where the lake is: flags first, then the sandbox's stack outputs. */
interface TargetFlags {
  bucket?: string;
  kmsKey?: string;
  endpoint?: string;
}

export function registerLakeCommand(program: Command): void {
  const lake = program
    .command("lake")
    .description(
      "Put, list and get objects in the data lake's zones (SSE-KMS; the sandbox's lake unless --bucket is given)",
    );

  withTarget(
    lake
      .command("upload")
      .description("Upload a file into a zone; files of 100 MB or more go in 100 MB parts, 10 at a time")
      .argument("<file>", "file to upload")
      .requiredOption("-z, --zone <zone>", "zone: raw, processed/train, models/experiment-<id>, ...")
      .option("-k, --key <path>", "key inside the zone (default: the file's name)")
      .option("--hash-prefix", "put a short hash of the key after the zone, to spread load (seed §8.2)")
      .option("--part-size-mb <n>", "part size in MiB (default 100)", positive("--part-size-mb"))
      .option(
        "--threshold-mb <n>",
        "upload in parts from this size in MiB (default 100)",
        positive("--threshold-mb"),
      )
      .option("--concurrency <n>", "parts in flight (default 10)", positive("--concurrency")),
  ).action(
    async (
      file: string,
      opts: TargetFlags & {
        zone: string;
        key?: string;
        hashPrefix?: boolean;
        partSizeMb?: number;
        thresholdMb?: number;
        concurrency?: number;
      },
    ) => {
      const { isLakeZone } = await import("../../../components/data-lake/layout");
      if (!isLakeZone(opts.zone)) {
        throw usage(
          `--zone: got ${JSON.stringify(opts.zone)}, expected a zone of the lake layout such as raw, processed/train or models/experiment-001`,
        );
      }
      const partSize = opts.partSizeMb !== undefined ? opts.partSizeMb * 1024 * 1024 : undefined;
      const client = await lakeClient(opts, {
        ...(partSize !== undefined ? { partSizeBytes: partSize } : {}),
        ...(opts.thresholdMb !== undefined ? { thresholdBytes: opts.thresholdMb * 1024 * 1024 } : {}),
        ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      });
      let lastPercent = -1;
      const result = await client.upload({
        zone: opts.zone,
        parts: [opts.key ?? path.basename(file)],
        body: file,
        hashPrefix: opts.hashPrefix ?? false,
        onProgress: (p) => {
          const percent = p.totalBytes > 0 ? Math.floor((100 * p.loadedBytes) / p.totalBytes) : 100;
          if (percent !== lastPercent) {
            lastPercent = percent;
            process.stderr.write(`[mlplat] ${p.key}: ${percent}% of ${p.totalBytes} bytes\n`);
          }
        },
      });
      process.stdout.write(
        `${result.uri}  ${result.sizeBytes} bytes, ${result.multipart ? `${result.parts} parts` : "one request"}, SSE-KMS\n`,
      );
    },
  );

  withTarget(
    lake
      .command("ls")
      .description("List objects under a zone or key prefix, page by page")
      .argument("[prefix]", "zone or key prefix (default: the whole lake)", "")
      .option("--page-size <n>", "keys per request (default 1000)", positive("--page-size"))
      .addOption(
        new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"),
      ),
  ).action(async (prefix: string, opts: TargetFlags & { pageSize?: number; format: "text" | "json" }) => {
    const client = await lakeClient(opts);
    const json: unknown[] = [];
    for await (const page of client.listPages(prefix, opts.pageSize ?? 1000)) {
      for (const o of page) {
        if (opts.format === "json") json.push(o);
        else process.stdout.write(`${String(o.sizeBytes).padStart(12)}  ${o.key}\n`);
      }
    }
    if (opts.format === "json") process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  });

  withTarget(
    lake
      .command("download")
      .description("Download an object to a file")
      .argument("<key>", "object key, e.g. processed/train/part-0001.parquet")
      .argument("[destination]", "file to write (default: the key's last part, here)"),
  ).action(async (key: string, destination: string | undefined, opts: TargetFlags) => {
    const client = await lakeClient(opts);
    const result = await client.download(key, destination ?? path.basename(key));
    process.stdout.write(`${result.file}  ${result.sizeBytes} bytes\n`);
  });
}

function withTarget(command: Command): Command {
  return command
    .option("-b, --bucket <name>", "the lake's data bucket (default: the sandbox's stack output)")
    .option("--kms-key <arn>", "the lake's KMS key (default: the sandbox's stack output)")
    .option("--endpoint <url>", "S3 endpoint (default: the sandbox's when one runs, else AWS)");
}

/** A client for the lake named by the flags, or by the running sandbox's stack outputs. */
async function lakeClient(
  flags: TargetFlags,
  multipart: import("../../../components/data-lake/client").MultipartSettings = {},
): Promise<LakeClient> {
  const { LakeClient } = await import("../../../components/data-lake/client");
  const { readSandboxState } = await import("../emulator/sandbox");
  const { EMULATOR_CREDENTIALS } = await import("../emulator");
  const sandbox = readSandboxState();
  const lakeOutputs = (sandbox?.stack?.outputs.dataLake ?? {}) as { bucketName?: string; kmsKeyArn?: string };
  const from = sandbox?.stack ? "the sandbox's stack outputs" : undefined;
  const bucket = flags.bucket ?? lakeOutputs.bucketName;
  const kmsKeyId = flags.kmsKey ?? lakeOutputs.kmsKeyArn;
  const missing = [
    bucket === undefined ? "--bucket (the lake's data bucket, stack output dataLake.bucketName)" : "",
    kmsKeyId === undefined ? "--kms-key (the lake's KMS key, stack output dataLake.kmsKeyArn)" : "",
  ].filter(Boolean);
  if (missing.length > 0 || bucket === undefined || kmsKeyId === undefined) {
    throw usage(
      `${missing.join(" and ")}: got nothing, expected the flag${missing.length > 1 ? "s" : ""}, or a sandbox ` +
        `whose local stack is deployed (mlplat sandbox up, with the Pulumi CLI installed)` +
        (from ? "" : sandbox ? "; the running sandbox has no deployed stack" : ""),
    );
  }
  const endpoint = flags.endpoint ?? (process.env.AWS_ENDPOINT_URL ? undefined : sandbox?.endpoint);
  const useSandbox = endpoint !== undefined && endpoint === sandbox?.endpoint;
  if (useSandbox) process.stderr.write(`[mlplat] using the sandbox at ${endpoint}\n`);
  return new LakeClient({
    bucket,
    kmsKeyId,
    s3: {
      ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}),
      ...(useSandbox ? { region: sandbox.region, credentials: EMULATOR_CREDENTIALS } : {}),
      // An emulator answers an unimplemented call with a 500: fail fast rather than retry.
      maxAttempts: endpoint !== undefined ? 2 : 3,
    },
    multipart,
  });
}

function positive(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw usage(`${flag}: got ${JSON.stringify(value)}, expected a whole number >= 1`);
    return n;
  };
}

function usage(message: string): Error {
  const err = new Error(message);
  err.name = "UsageError";
  return err;
}
