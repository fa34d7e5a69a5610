import * as fs from "node:fs";
import * as path from "node:path";

import {
  EMULATOR_REGION,
  EmulatorSetupError,
  hostEmulator,
  LOCALSTACK_PYTHON,
  LOCALSTACK_REQUIREMENTS,
  resetEmulator,
  type Emulator,
  type StartOptions,
} from "./index";
import { release, spawnGroup, stopGroup, TEMPLATE_ROOT, waitHealthy } from "./process";

/**
 * LocalStack, two ways. With Docker and `LOCALSTACK_AUTH_TOKEN` (the image has required a token since the
 * open-source repository was archived in March 2026): the image named by `MLPLAT_LOCALSTACK_IMAGE` through
 * testcontainers' LocalStack module. Otherwise the last open-source core, `localstack-core`, on the host from
 * its own virtualenv (.tools/localstack-venv; it needs Python >= 3.13).
 */

/** The image used when MLPLAT_LOCALSTACK_IMAGE is not set. */
export const DEFAULT_LOCALSTACK_IMAGE = "localstack/localstack-pro:latest";

export async function startLocalStack(
  port: number,
  workDir: string,
  options: StartOptions,
): Promise<Emulator> {
  const token = process.env.LOCALSTACK_AUTH_TOKEN?.trim();
  if (token) {
    if (options.detached) {
      throw new EmulatorSetupError(
        "a sandbox runs LocalStack on the host (localstack-core); the container target is for the test suite, " +
          "which stops it with the run. Unset LOCALSTACK_AUTH_TOKEN to use the host core, or run the image yourself",
      );
    }
    const docker = await dockerProblem();
    if (docker === undefined) return startContainer(token, options);
    options.onProgress?.(`LOCALSTACK_AUTH_TOKEN is set but ${docker}: trying localstack-core on the host`);
  }
  return startHost(port, workDir, options);
}

/** Why containers cannot run here, or undefined when they can. */
async function dockerProblem(): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return undefined;
  } catch (err) {
    return `no container runtime answers (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
  }
}

async function startContainer(token: string, options: StartOptions): Promise<Emulator> {
  const image = process.env.MLPLAT_LOCALSTACK_IMAGE?.trim() || DEFAULT_LOCALSTACK_IMAGE;
  options.onProgress?.(`starting the LocalStack container ${image}`);
  const started = Date.now();
  const { LocalstackContainer } = await import("@testcontainers/localstack");
  const container = await new LocalstackContainer(image)
    .withEnvironment({ LOCALSTACK_AUTH_TOKEN: token, AWS_DEFAULT_REGION: EMULATOR_REGION })
    .start();
  const endpoint = container.getConnectionUri().replace(/\/+$/, "");
  let stopped = false;
  return {
    kind: "localstack",
    runtime: `LocalStack container ${image}`,
    endpoint,
    region: EMULATOR_REGION,
    readyMs: Date.now() - started,
    reset: () => resetEmulator("localstack", endpoint),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await container.stop();
    },
  };
}

async function startHost(port: number, workDir: string, options: StartOptions): Promise<Emulator> {
  if (!fs.existsSync(LOCALSTACK_PYTHON)) {
    const requirements = path.relative(TEMPLATE_ROOT, LOCALSTACK_REQUIREMENTS);
    throw new EmulatorSetupError(
      `LocalStack is not installed: set LOCALSTACK_AUTH_TOKEN (and have Docker) to run its image, or install ` +
        `the open-source core on the host (Python >= 3.13): python3.13 -m venv .tools/localstack-venv && ` +
        `.tools/localstack-venv/bin/pip install -r ${requirements}`,
    );
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const logFile = path.join(workDir, "localstack.log");
  const dataDir = path.join(workDir, "localstack");
  fs.mkdirSync(dataDir, { recursive: true });
  options.onProgress?.(`starting localstack-core on ${endpoint}`);
  const started = Date.now();
  const group = spawnGroup(LOCALSTACK_PYTHON, ["-m", "localstack.runtime.main"], {
    env: {
      ...process.env,
      GATEWAY_LISTEN: `127.0.0.1:${port}`,
      LOCALSTACK_HOST: `127.0.0.1:${port}`,
      // The host run keeps its files in the work folder, not in /var/lib/localstack or /tmp/localstack.
      LOCALSTACK_VOLUME_DIR: path.join(dataDir, "volume"),
      FILESYSTEM_ROOT: path.join(dataDir, "filesystem"),
      DISABLE_EVENTS: "1",
      SKIP_SSL_CERT_DOWNLOAD: "1",
      AWS_DEFAULT_REGION: EMULATOR_REGION,
    },
    cwd: dataDir,
    logFile,
  });
  try {
    await waitHealthy(`${endpoint}/_localstack/health`, group, {
      what: "localstack-core",
      logFile,
      timeoutMs: 60_000,
    });
  } catch (err) {
    await stopGroup(group.pid);
    throw err;
  }
  if (options.detached) release(group.pid);
  return hostEmulator({
    kind: "localstack",
    runtime: `localstack-core on the host (pid ${group.pid})`,
    endpoint,
    group,
    logFile,
    readyMs: Date.now() - started,
  });
}
