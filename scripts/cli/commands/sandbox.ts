import { Option, type Command } from "commander";

import { EMULATOR_KINDS, emulatorEnvironment, type EmulatorKind } from "../emulator";
import type { SandboxState } from "../emulator/sandbox";

type Format = "env" | "json";

export function registerSandboxCommand(program: Command): void {
  const sandbox = program
    .command("sandbox")
    .description("A local AWS sandbox: an emulator (moto by default) with the local stack deployed to it");

  sandbox
    .command("up")
    .description(
      "Start the emulator (or keep the running one), deploy the local stack when the Pulumi CLI is installed, " +
        "and print the environment that points AWS tools at it",
    )
    .addOption(
      new Option("-e, --emulator <kind>", "emulator (default: MLPLAT_EMULATOR, else moto)").choices(
        EMULATOR_KINDS,
      ),
    )
    .option("-p, --port <port>", "port on 127.0.0.1 (default 4566 when free; 0 for any free port)", parsePort)
    .option("--no-deploy", "start the emulator only")
    .addOption(
      new Option("-f, --format <format>", "env: shell exports (eval them); json: one document")
        .choices(["env", "json"])
        .default("env"),
    )
    .action(async (opts: { emulator?: EmulatorKind; port?: number; deploy: boolean; format: Format }) => {
      const { sandboxUp } = await import("../emulator/sandbox");
      const { emulatorKindFromEnv } = await import("../emulator");
      const result = await sandboxUp({
        kind: opts.emulator ?? emulatorKindFromEnv(),
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        deploy: opts.deploy,
        onProgress: progress,
        onPulumiOutput: (text) => process.stderr.write(text),
      });
      if (result.notDeployed && opts.deploy) progress(`not deployed: ${result.notDeployed}`);
      if (opts.format === "json") {
        process.stdout.write(`${JSON.stringify({ ...result, running: true }, null, 2)}\n`);
        return;
      }
      process.stdout.write(renderEnv(result.state, result.notDeployed));
      progress(
        `point AWS tools at it with: eval "$(scripts/mlplat sandbox up)"; stop it with: mlplat sandbox down`,
      );
    });

  sandbox
    .command("status")
    .description(
      "Show the sandbox: emulator, endpoint, health, the local stack's outputs (exit 1 if it died)",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: { format: "text" | "json" }) => {
      const { readSandboxState, sandboxHealth, sandboxDir } = await import("../emulator/sandbox");
      const state = readSandboxState();
      if (!state) {
        if (opts.format === "json") process.stdout.write(`${JSON.stringify({ running: false })}\n`);
        else process.stdout.write(`no sandbox in ${sandboxDir()} (start one with mlplat sandbox up)\n`);
        return;
      }
      const health = await sandboxHealth(state);
      if (opts.format === "json") {
        const env = emulatorEnvironment(state.endpoint, state.region);
        process.stdout.write(
          `${JSON.stringify({ running: health === "running", health, state, environment: env }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(renderStatus(state, health));
      }
      if (health !== "running") {
        process.stderr.write(
          `mlplat: the sandbox's emulator (${state.runtime}, ${state.endpoint}) is ${health === "gone" ? "no longer running: it was stopped outside mlplat" : "running but does not answer"}; ` +
            `its log is ${state.logFile}. Run mlplat sandbox down, then mlplat sandbox up\n`,
        );
        process.exitCode = 1;
      }
    });

  sandbox
    .command("down")
    .description("Destroy the local stack (when deployed), stop the emulator and forget the sandbox")
    .action(async () => {
      const { sandboxDown } = await import("../emulator/sandbox");
      const result = await sandboxDown({ onProgress: progress });
      progress(result.stopped ? `sandbox stopped (${result.stopped.runtime})` : "no sandbox was running");
    });
}

function progress(message: string): void {
  process.stderr.write(`[mlplat] ${message}\n`);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    const err = new Error(`--port: got ${JSON.stringify(value)}, expected a port number from 0 to 65535`);
    err.name = "UsageError";
    throw err;
  }
  return port;
}

/** Shell exports for `eval`, with what people need to know as comments (which eval ignores). */
function renderEnv(state: SandboxState, notDeployed: string | undefined): string {
  const lines = [`# mlplat sandbox: ${state.runtime} at ${state.endpoint}`];
  if (state.stack) {
    lines.push("# local stack outputs:");
    for (const [key, value] of flatten(state.stack.outputs)) lines.push(`#   ${key}: ${value}`);
  } else if (notDeployed) {
    lines.push(`# local stack not deployed: ${notDeployed}`);
  }
  for (const [key, value] of Object.entries(emulatorEnvironment(state.endpoint, state.region))) {
    lines.push(`export ${key}=${value}`);
  }
  return `${lines.join("\n")}\n`;
}

function renderStatus(state: SandboxState, health: string): string {
  const lines = [
    `sandbox: ${health}`,
    `emulator: ${state.runtime}`,
    `endpoint: ${state.endpoint}`,
    `region: ${state.region}`,
    `started: ${state.startedAt} (ready in ${(state.readyMs / 1000).toFixed(1)} s)`,
    `log: ${state.logFile}`,
  ];
  if (state.stack) {
    lines.push(`local stack: deployed ${state.stack.deployedAt}`);
    for (const [key, value] of flatten(state.stack.outputs)) lines.push(`  ${key}: ${value}`);
  } else {
    lines.push("local stack: not deployed");
  }
  lines.push("environment:");
  for (const [key, value] of Object.entries(emulatorEnvironment(state.endpoint, state.region))) {
    lines.push(`  export ${key}=${value}`);
  }
  return `${lines.join("\n")}\n`;
}

function flatten(value: unknown, prefix = ""): [string, string][] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      flatten(v, prefix ? `${prefix}.${k}` : k),
    );
  }
  return [[prefix, typeof value === "string" ? value : JSON.stringify(value)]];
}
