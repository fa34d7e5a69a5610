import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import {
  freePort,
  isPortFree,
  release,
  spawnGroup,
  stopGroup,
  TEMPLATE_ROOT,
  waitHealthy,
  type SpawnedGroup,
} from "./process";

/**
 * The AWS emulators that sandboxes and integration tests run against. moto is the embedded default (a Python
 * server from the project's .venv, no Docker); LocalStack is the second target, as a container when Docker and
 * a LocalStack token are available, otherwise as the last open-source core on the host.
 */

export const EMULATOR_KINDS = ["moto", "localstack"] as const;
export type EmulatorKind = (typeof EMULATOR_KINDS)[number];

/** The region emulator stacks use (Pulumi.local.yaml's aws:region). */
export const EMULATOR_REGION = "us-east-1";
/** The credentials every emulator accepts; they are not secrets. */
export const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

export const MOTO_REQUIREMENTS = path.join(TEMPLATE_ROOT, "scripts", "cli", "emulator", "requirements.txt");
export const LOCALSTACK_REQUIREMENTS = path.join(
  TEMPLATE_ROOT,
  "scripts",
  "cli",
  "emulator",
  "requirements-localstack.txt",
);
const MOTO_SERVER = path.join(TEMPLATE_ROOT, ".venv", "bin", "moto_server");
const LOCALSTACK_PYTHON = path.join(TEMPLATE_ROOT, ".tools", "localstack-venv", "bin", "python");

/** moto's settings, posted before anything is created: Lambda without Docker, Step Functions that execute. */
export const MOTO_CONFIG = { lambda: { use_docker: false }, stepfunctions: { execute_state_machine: true } };

/** A running emulator. */
export interface Emulator {
  readonly kind: EmulatorKind;
  /** How it runs, for people: `moto_server (pid 123)`, `localstack-core on the host`, a container image. */
  readonly runtime: string;
  /** Base URL that serves every AWS service. */
  readonly endpoint: string;
  readonly region: string;
  /** Leader of the emulator's process group, when it runs on the host. */
  readonly pid?: number;
  /** Where its output goes, when it runs on the host. */
  readonly logFile?: string;
  /** From spawning to the first healthy answer, configuration included. */
  readonly readyMs: number;
  /**
   * Clears every resource (moto keeps its configuration). Resolves false when the target has no reset API
   * (the open-source LocalStack core: state reset is a paid feature).
   */
  reset(): Promise<boolean>;
  /** Stops it and everything it started. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** @default from MLPLAT_EMULATOR, else moto */
  readonly kind?: EmulatorKind;
  /** Port on 127.0.0.1. @default a free port */
  readonly port?: number;
  /** Folder for the emulator's log and data. @default a folder under the OS's temp dir */
  readonly workDir?: string;
  /**
   * Keep the emulator running after this process exits (a sandbox). Until it is ready it is still stopped
   * when this process is interrupted. @default false
   */
  readonly detached?: boolean;
  /** Progress lines for people (stderr). */
  readonly onProgress?: (message: string) => void;
}

/** An error in how the emulator was asked for, or a missing installation: says what to do. */
export class EmulatorSetupError extends Error {
  override readonly name = "EmulatorSetupError";
}

/** The target chosen by MLPLAT_EMULATOR (default moto). */
export function emulatorKindFromEnv(env: NodeJS.ProcessEnv = process.env): EmulatorKind {
  const value = env.MLPLAT_EMULATOR?.trim() ?? "";
  if (value === "") return "moto";
  if ((EMULATOR_KINDS as readonly string[]).includes(value)) return value as EmulatorKind;
  // Named as the CLI's usage errors, so a bad value exits 2.
  const error = new Error(
    `MLPLAT_EMULATOR: got ${JSON.stringify(value)}, expected one of ${EMULATOR_KINDS.join(", ")}`,
  );
  error.name = "UsageError";
  throw error;
}

/** Starts an emulator and waits until it is healthy and configured. */
export async function startEmulator(options: StartOptions = {}): Promise<Emulator> {
  const kind = options.kind ?? emulatorKindFromEnv();
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-emulator-"));
  fs.mkdirSync(workDir, { recursive: true });
  const port = options.port ?? (await freePort());
  if (options.port !== undefined && !(await isPortFree(port))) {
    throw new EmulatorSetupError(
      `port ${port} on 127.0.0.1 is in use: choose another, or 0 for any free one`,
    );
  }
  if (kind === "moto") return startMoto(port, workDir, options);
  const { startLocalStack } = await import("./localstack");
  return startLocalStack(port, workDir, options);
}

async function startMoto(port: number, workDir: string, options: StartOptions): Promise<Emulator> {
  if (!fs.existsSync(MOTO_SERVER)) {
    throw new EmulatorSetupError(
      `moto is not installed (no ${path.relative(TEMPLATE_ROOT, MOTO_SERVER)}): scripts/mlplat and npm test ` +
        `create .venv from ${path.relative(TEMPLATE_ROOT, MOTO_REQUIREMENTS)}; by hand: python3 -m venv .venv && ` +
        `.venv/bin/pip install -r ${path.relative(TEMPLATE_ROOT, MOTO_REQUIREMENTS)}`,
    );
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const logFile = path.join(workDir, "moto.log");
  options.onProgress?.(`starting moto on ${endpoint}`);
  const started = Date.now();
  const group = spawnGroup(MOTO_SERVER, ["-H", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
    logFile,
  });
  try {
    await waitHealthy(`${endpoint}/moto-api/config`, group, { what: "moto", logFile, timeoutMs: 20_000 });
    await postJson(`${endpoint}/moto-api/config`, MOTO_CONFIG);
  } catch (err) {
    await stopGroup(group.pid);
    throw err;
  }
  if (options.detached) release(group.pid);
  return hostEmulator({
    kind: "moto",
    runtime: `moto_server (pid ${group.pid})`,
    endpoint,
    group,
    logFile,
    readyMs: Date.now() - started,
  });
}

/** An emulator that runs as a process group on this machine. */
export function hostEmulator(fields: {
  kind: EmulatorKind;
  runtime: string;
  endpoint: string;
  group: SpawnedGroup;
  logFile: string;
  readyMs: number;
}): Emulator {
  return {
    kind: fields.kind,
    runtime: fields.runtime,
    endpoint: fields.endpoint,
    region: EMULATOR_REGION,
    pid: fields.group.pid,
    logFile: fields.logFile,
    readyMs: fields.readyMs,
    reset: () => resetEmulator(fields.kind, fields.endpoint),
    stop: () => stopGroup(fields.group.pid),
  };
}

/**
 * Clears an emulator's resources, from any process that knows its endpoint. Resolves false when the target
 * has no reset API (the open-source LocalStack core answers 404).
 */
export async function resetEmulator(kind: EmulatorKind, endpoint: string): Promise<boolean> {
  if (kind === "moto") {
    await postJson(`${endpoint}/moto-api/reset`, undefined);
    return true;
  }
  const response = await fetch(`${endpoint}/_localstack/state/reset`, {
    method: "POST",
    signal: AbortSignal.timeout(30_000),
  });
  await response.body?.cancel();
  if (response.status === 404) return false;
  if (!response.ok) throw new Error(`POST ${endpoint}/_localstack/state/reset: HTTP ${response.status}`);
  return true;
}

/** True when the emulator at `endpoint` answers its health check. */
export async function isHealthy(kind: EmulatorKind, endpoint: string): Promise<boolean> {
  const url = kind === "moto" ? `${endpoint}/moto-api/config` : `${endpoint}/_localstack/health`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** The environment that points the AWS CLI, boto3 and the SDKs at an emulator, unchanged. */
export function emulatorEnvironment(endpoint: string, region = EMULATOR_REGION): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
  };
}

export async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status}: ${text.slice(0, 200)}`);
}

export { LOCALSTACK_PYTHON };
