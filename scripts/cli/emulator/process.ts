import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/**
 * Emulator processes: each runs in its own process group, so that stopping it stops whatever it started, and
 * every group this process still owns is killed when it exits, fails or is interrupted (Ctrl-C, SIGTERM).
 */

/** The folder of this template (the package holding the CLI), from the sources or from dist/. */
export const TEMPLATE_ROOT = findTemplateRoot(__dirname);

function findTemplateRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml")) && fs.existsSync(path.join(dir, "package.json"))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no Pulumi.yaml above ${start}: is the template complete?`);
    dir = parent;
  }
}

export interface SpawnedGroup {
  readonly pid: number;
  /** Resolves with the exit code (or signal) once the group's leader has exited. */
  readonly exited: Promise<string>;
  /** True once the leader has exited. */
  hasExited(): boolean;
}

/** Process groups to kill when this process ends, by leader pid. */
const owned = new Set<number>();
let handlersInstalled = false;

/**
 * Starts `command` as the leader of a new process group with its output in `logFile`. Unless `keep` is set,
 * the group is killed when this process exits or is interrupted; `release` hands it over later (a sandbox
 * keeps running after the CLI exits).
 */
export function spawnGroup(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string; keep?: boolean },
): SpawnedGroup {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, "w");
  const child = spawn(command, [...args], {
    cwd: options.cwd ?? TEMPLATE_ROOT,
    env: options.env,
    detached: true,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}: no process id (is it executable?)`);
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      done = true;
      owned.delete(pid);
      resolve(signal ?? `exit code ${code ?? "?"}`);
    });
    child.once("error", (err) => {
      done = true;
      owned.delete(pid);
      resolve(err.message);
    });
  });
  child.unref();
  if (!options.keep) own(pid);
  return { pid, exited, hasExited: () => done };
}

/** Makes this process responsible for killing the group led by `pid` when it ends. */
export function own(pid: number): void {
  installHandlers();
  owned.add(pid);
}

/** Hands the group over: it keeps running after this process exits. */
export function release(pid: number): void {
  owned.delete(pid);
}

/**
 * Stops the process group led by `pid`: SIGTERM, then SIGKILL after `graceMs`. Resolves once the leader is
 * gone. Safe to call for a group that has already exited.
 */
export async function stopGroup(pid: number, graceMs = 3000): Promise<void> {
  owned.delete(pid);
  if (!signalGroup(pid, "SIGTERM")) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) break;
    await sleep(50);
  }
  // Whatever the leader left behind in its group goes too.
  signalGroup(pid, "SIGKILL");
  while (isAlive(pid)) await sleep(20);
}

/** True while a process with this pid exists (and is not a zombie we could reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // A zombie still answers signal 0; its state in /proc says Z.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return true; // no /proc (macOS): signal 0 is the best answer
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

function killOwnedNow(): void {
  for (const pid of owned) signalGroup(pid, "SIGKILL");
  owned.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once("exit", killOwnedNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killOwnedNow();
      // Then end as the signal would have: 128 + its number, as shells report it.
      process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
    });
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not find a free port on 127.0.0.1"));
      });
    });
  });
}

/** True when `port` on 127.0.0.1 can be bound now. */
export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => {
      resolve(false);
    });
    server.listen(port, "127.0.0.1", () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** The last lines of a log file, for error messages. */
export function logTail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export async function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `url` until it answers 200, the process exits, or `timeoutMs` passes. Errors say which, with the
 * process's log.
 */
export async function waitHealthy(
  url: string,
  group: SpawnedGroup,
  options: { what: string; logFile: string; timeoutMs: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (group.hasExited()) {
      throw new Error(
        `${options.what} exited while starting (${await group.exited}); its log ${options.logFile} ends:\n${logTail(options.logFile)}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${options.what} did not answer ${url} within ${options.timeoutMs / 1000} s; its log ${options.logFile} ends:\n${logTail(options.logFile)}`,
      );
    }
    await sleep(50);
  }
}
