import * as fs from "node:fs";
import * as path from "node:path";

import { deployLocalStack, destroyLocalStack, findPulumiCli, PULUMI_CLI_MISSING } from "./deploy";
import { EMULATOR_KINDS, emulatorEnvironment, isHealthy, startEmulator, type EmulatorKind } from "./index";
import { isAlive, isPortFree, stopGroup, TEMPLATE_ROOT } from "./process";

/**
 * A sandbox: an emulator that outlives the command that started it, with the local stack deployed to it when
 * the Pulumi CLI is installed. Its state is a file in the sandbox folder (`.mlplat/` by default), so `status` and
 * `down` work from any other process.
 */

/** The port a sandbox prefers, when free: LocalStack's customary edge port, the local stack's default. */
export const SANDBOX_PORT = 4566;

export interface SandboxState {
  readonly kind: EmulatorKind;
  readonly runtime: string;
  readonly endpoint: string;
  readonly region: string;
  /** Leader of the emulator's process group. */
  readonly pid: number;
  readonly logFile: string;
  readonly startedAt: string;
  readonly readyMs: number;
  /** The local stack's outputs, once deployed. */
  readonly stack?: { readonly outputs: Record<string, unknown>; readonly deployedAt: string };
}

/** The sandbox folder: MLPLAT_STATE_DIR, or `.mlplat/` in the template. */
export function sandboxDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.MLPLAT_STATE_DIR ?? path.join(TEMPLATE_ROOT, ".mlplat"));
}

function stateFile(dir: string): string {
  return path.join(dir, "sandbox.json");
}

export function readSandboxState(dir = sandboxDir()): SandboxState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(stateFile(dir), "utf8");
  } catch {
    return undefined;
  }
  const state = JSON.parse(text) as Partial<SandboxState>;
  if (
    typeof state.endpoint !== "string" ||
    typeof state.pid !== "number" ||
    !(EMULATOR_KINDS as readonly (string | undefined)[]).includes(state.kind)
  ) {
    throw new Error(`${stateFile(dir)}: not a sandbox state file; remove it and run mlplat sandbox up`);
  }
  return state as SandboxState;
}

function writeSandboxState(dir: string, state: SandboxState): void {
  fs.mkdirSync(dir, { recursive: true });
  const temporary = `${stateFile(dir)}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(temporary, stateFile(dir));
}

export type Health = "running" | "unresponsive" | "gone";

/** Whether the recorded emulator still runs and answers (and is the process we started, not a reused pid). */
export async function sandboxHealth(state: SandboxState): Promise<Health> {
  if (!isAlive(state.pid) || !isOurEmulator(state)) return "gone";
  return (await isHealthy(state.kind, state.endpoint)) ? "running" : "unresponsive";
}

function isOurEmulator(state: SandboxState): boolean {
  try {
    const command = fs.readFileSync(`/proc/${state.pid}/cmdline`, "utf8");
    return state.kind === "moto" ? command.includes("moto_server") : command.includes("localstack");
  } catch {
    return true; // no /proc: trust the pid
  }
}

export interface UpOptions {
  readonly kind?: EmulatorKind;
  /** @default 4566 when free, else any free port; 0 for any free port */
  readonly port?: number;
  /** Deploy the local stack when the Pulumi CLI is installed. @default true */
  readonly deploy?: boolean;
  readonly dir?: string;
  readonly onProgress?: (message: string) => void;
  /** Pulumi's own output during the deployment. */
  readonly onPulumiOutput?: (text: string) => void;
}

export interface UpResult {
  readonly state: SandboxState;
  /** True when a running sandbox was found and kept. */
  readonly reused: boolean;
  /** Why the local stack was not deployed, when it was not. */
  readonly notDeployed?: string;
  readonly environment: Record<string, string>;
}

/** Starts the sandbox, or keeps the one that runs; then deploys the local stack when it can. */
export async function sandboxUp(options: UpOptions = {}): Promise<UpResult> {
  const dir = options.dir ?? sandboxDir();
  const progress = options.onProgress ?? (() => undefined);
  let state = readSandboxState(dir);
  let reused = false;

  if (state) {
    const health = await sandboxHealth(state);
    if (health === "running" && (options.kind === undefined || options.kind === state.kind)) {
      progress(`the sandbox already runs: ${state.runtime} at ${state.endpoint}`);
      reused = true;
    } else {
      if (health === "running") {
        throw new Error(
          `a ${state.kind} sandbox already runs at ${state.endpoint}; expected --emulator ${state.kind}, or run mlplat sandbox down first`,
        );
      }
      progress(`the previous sandbox (${state.runtime}) is ${health}: starting a new one`);
      await stopGroup(state.pid, 1000).catch(() => undefined);
      await forgetStack(dir, state, false, progress);
      state = undefined;
    }
  }

  if (!state) {
    const port =
      options.port === 0
        ? undefined
        : (options.port ?? ((await isPortFree(SANDBOX_PORT)) ? SANDBOX_PORT : undefined));
    const emulator = await startEmulator({
      ...(options.kind ? { kind: options.kind } : {}),
      ...(port !== undefined ? { port } : {}),
      workDir: dir,
      detached: true,
      onProgress: progress,
    });
    if (emulator.pid === undefined || emulator.logFile === undefined) {
      await emulator.stop();
      throw new Error(`${emulator.runtime} cannot run as a sandbox: it has no process on this machine`);
    }
    state = {
      kind: emulator.kind,
      runtime: emulator.runtime,
      endpoint: emulator.endpoint,
      region: emulator.region,
      pid: emulator.pid,
      logFile: emulator.logFile,
      startedAt: new Date().toISOString(),
      readyMs: emulator.readyMs,
    };
    writeSandboxState(dir, state);
    progress(`${state.runtime} ready at ${state.endpoint} in ${(emulator.readyMs / 1000).toFixed(1)} s`);
  }

  let notDeployed: string | undefined;
  if (options.deploy === false) {
    notDeployed = "--no-deploy was given";
  } else {
    const pulumiCli = findPulumiCli();
    if (!pulumiCli) {
      notDeployed = PULUMI_CLI_MISSING;
    } else {
      progress(`deploying the local stack with the Automation API (${pulumiCli})`);
      const outputs = await deployLocalStack({
        endpoint: state.endpoint,
        stateDir: dir,
        pulumiCli,
        ...(options.onPulumiOutput ? { onOutput: options.onPulumiOutput } : {}),
      });
      state = { ...state, stack: { outputs, deployedAt: new Date().toISOString() } };
      writeSandboxState(dir, state);
    }
  }
  return {
    state,
    reused,
    ...(notDeployed ? { notDeployed } : {}),
    environment: emulatorEnvironment(state.endpoint, state.region),
  };
}

export interface DownResult {
  /** The sandbox that was stopped, if one was recorded. */
  readonly stopped?: SandboxState;
}

/** Destroys the local stack (when deployed and the CLI is here), stops the emulator and forgets the sandbox. */
export async function sandboxDown(
  options: { dir?: string; onProgress?: (m: string) => void } = {},
): Promise<DownResult> {
  const dir = options.dir ?? sandboxDir();
  const progress = options.onProgress ?? (() => undefined);
  const state = readSandboxState(dir);
  if (!state) return {};
  const health = await sandboxHealth(state);
  await forgetStack(dir, state, health === "running", progress);
  if (health !== "gone") {
    progress(`stopping ${state.runtime}`);
    await stopGroup(state.pid);
  }
  fs.rmSync(stateFile(dir), { force: true });
  return { stopped: state };
}

/** Removes the deployed local stack's state: destroyed first when the emulator still holds its resources. */
async function forgetStack(
  dir: string,
  state: SandboxState,
  emulatorAlive: boolean,
  progress: (m: string) => void,
): Promise<void> {
  if (!state.stack) return;
  const pulumiCli = findPulumiCli();
  if (!pulumiCli) {
    // Without the CLI the file backend cannot be edited through Pulumi; its stack is stale with the emulator.
    fs.rmSync(path.join(dir, "state"), { recursive: true, force: true });
    return;
  }
  progress(emulatorAlive ? "destroying the local stack" : "removing the stale local stack's state");
  await destroyLocalStack({ endpoint: state.endpoint, stateDir: dir, pulumiCli, emulatorAlive });
}
