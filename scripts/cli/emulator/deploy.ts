import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { readStackConfig } from "../offline/stack-file";
import { TEMPLATE_ROOT } from "./process";

/**
 * Deploys the `local` stack to an emulator with the Pulumi Automation API: the template's program inline,
 * Pulumi.local.yaml's settings plus the emulator's endpoint, state in a file backend under the sandbox's folder
 * and passphrase secrets, so nothing leaves the machine and the repository's files stay untouched.
 */

export const LOCAL_STACK = "local";
/** Used when PULUMI_CONFIG_PASSPHRASE is unset: the sandbox's state holds no real secret. */
export const SANDBOX_PASSPHRASE = "mlplat-sandbox";

/** The Pulumi CLI binary, or undefined when it is not installed (on PATH or in ~/.pulumi/bin). */
export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? "").split(path.delimiter).filter(Boolean);
  dirs.push(path.join(env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi"), "bin"));
  for (const dir of dirs) {
    const candidate = path.join(dir, "pulumi");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** What to tell people when the Pulumi CLI is missing. */
export const PULUMI_CLI_MISSING =
  "the Pulumi CLI is not installed (no `pulumi` on PATH or in ~/.pulumi/bin), so the local stack was not " +
  "deployed. Install it with `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi/tap/pulumi`), " +
  "then run `mlplat sandbox up` again; the Automation API drives that CLI.";

export interface DeployOptions {
  readonly endpoint: string;
  /** The sandbox's folder: the workspace and the file backend live under it. */
  readonly stateDir: string;
  readonly pulumiCli: string;
  /** Pulumi's progress output. */
  readonly onOutput?: (text: string) => void;
}

interface Workspace {
  readonly stack: import("@pulumi/pulumi/automation").Stack;
  readonly env: Record<string, string>;
}

async function localStack(options: DeployOptions): Promise<Workspace> {
  const automation = await import("@pulumi/pulumi/automation");
  const file = readStackConfig(TEMPLATE_ROOT, LOCAL_STACK);
  if (file.secretKeys.length > 0) {
    throw new Error(
      `${file.file}: ${file.secretKeys.join(", ")}: got secret values, expected plain values: the sandbox's ` +
        `passphrase cannot decrypt secrets encrypted for another stack`,
    );
  }
  const workDir = path.join(options.stateDir, "workspace");
  const backendDir = path.join(options.stateDir, "state");
  fs.mkdirSync(workDir, { recursive: true });
  fs.mkdirSync(backendDir, { recursive: true });
  const backend = `file://${backendDir}`;
  const env = {
    PULUMI_BACKEND_URL: backend,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? SANDBOX_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const pulumiCommand = await automation.PulumiCommand.get({
    root: path.dirname(path.dirname(options.pulumiCli)),
    skipVersionCheck: true,
  });
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    {
      stackName: LOCAL_STACK,
      projectName: file.project,
      program: () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { main } = require("../../../infra/program") as typeof import("../../../infra/program");
        return Promise.resolve(main() as unknown as Record<string, unknown>);
      },
    },
    {
      workDir,
      envVars: env,
      secretsProvider: "passphrase",
      pulumiCommand,
      projectSettings: { name: file.project, runtime: "nodejs", backend: { url: backend } },
    },
  );
  return { stack, env };
}

/** `pulumi up` of the local stack against `endpoint`; resolves to the stack's outputs. */
export async function deployLocalStack(options: DeployOptions): Promise<Record<string, unknown>> {
  const { stack } = await localStack(options);
  const file = readStackConfig(TEMPLATE_ROOT, LOCAL_STACK);
  const config: Record<string, { value: string }> = {};
  for (const [key, value] of Object.entries(file.config)) config[key] = { value };
  config["mlplat:emulator"] = { value: JSON.stringify({ endpoint: options.endpoint }) };
  await stack.setAllConfig(config);
  const awsVersion = (
    JSON.parse(fs.readFileSync(require.resolve("@pulumi/aws/package.json"), "utf8")) as { version: string }
  ).version;
  options.onOutput?.(`installing the aws provider plugin v${awsVersion} (once)\n`);
  await stack.workspace.installPlugin("aws", `v${awsVersion}`);
  const result = await stack.up({ ...(options.onOutput ? { onOutput: options.onOutput } : {}) });
  return Object.fromEntries(Object.entries(result.outputs).map(([key, output]) => [key, output.value]));
}

/**
 * `pulumi destroy` of the local stack (when the emulator still runs), then removes it from the file backend,
 * so that the next sandbox starts from nothing.
 */
export async function destroyLocalStack(options: DeployOptions & { emulatorAlive: boolean }): Promise<void> {
  const { stack } = await localStack(options);
  if (options.emulatorAlive) {
    await stack.destroy({ ...(options.onOutput ? { onOutput: options.onOutput } : {}) });
  }
  await stack.workspace.removeStack(LOCAL_STACK, { force: true });
}
