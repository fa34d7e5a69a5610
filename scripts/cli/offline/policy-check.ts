import * as fs from "node:fs";
import * as path from "node:path";

import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, POLICIES } from "../../../policies/pack";
import {
  evaluatePolicies,
  resolvePolicies,
  type PackConfig,
  type PolicyEvaluation,
  type PolicyPackDefinition,
} from "./policy-engine";
import { runProgramAt } from "./program";
import { runTemplateStack, TEMPLATE_ROOT } from "./project";
import type { ProgramRun } from "./runner";
import { StackFileError } from "./stack-file";

export interface CheckOptions {
  readonly stack: string;
  /** A Pulumi program to check instead of the template's stack program. @default the template's program */
  readonly program?: string;
  /** Pack config file. @default policies/config/<stack>.json when it exists, else the policies' own levels */
  readonly policyConfig?: string;
  /** Folder of the template project (ignored with `program`). @default the nearest folder with Pulumi.yaml */
  readonly cwd?: string;
  /** `key=value` overrides of the program's stack config (with `program`). */
  readonly config?: readonly string[];
  /** How long the program may run, in milliseconds. @default 120000 */
  readonly timeoutMs?: number;
}

export interface CheckResult {
  readonly run: ProgramRun;
  readonly evaluation: PolicyEvaluation;
  /** The pack config file applied, if any. */
  readonly policyConfigFile?: string;
  /** The program's entry file, the place violations point to when a resource's position is unknown. */
  readonly entry: string;
}

/** The folder of the template's CrossGuard pack. */
export const POLICY_PACK_DIR = path.join(TEMPLATE_ROOT, "policies");

/** The template's pack: the same policy objects `pulumi preview --policy-pack policies` serves. */
export function templatePolicyPack(): PolicyPackDefinition {
  const manifest = JSON.parse(fs.readFileSync(path.join(POLICY_PACK_DIR, "package.json"), "utf8")) as {
    version: string;
  };
  return {
    name: PACK_NAME,
    version: manifest.version,
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    policies: POLICIES,
  };
}

/** Reads a pack config file (JSON, as for `pulumi preview --policy-pack-config`). */
export function readPackConfig(file: string): PackConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new StackFileError(`--policy-config: ${file}: ${reason}; expected a JSON pack config`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new StackFileError(
      `--policy-config: ${file}: got ${JSON.stringify(doc)}, expected an object keyed by policy name`,
    );
  }
  return doc as PackConfig;
}

/**
 * The function behind `mlplat check`: runs the template's stack program (or any Pulumi TypeScript program)
 * offline under mocks, then evaluates the template's policy pack over what it declares, with the stack's
 * pack config.
 */
export async function checkStack(options: CheckOptions): Promise<CheckResult> {
  const pack = templatePolicyPack();
  const policyConfigFile =
    options.policyConfig !== undefined
      ? path.resolve(options.policyConfig)
      : [path.join(POLICY_PACK_DIR, "config", `${options.stack}.json`)].find((f) => fs.existsSync(f));
  const config = policyConfigFile === undefined ? {} : readPackConfig(policyConfigFile);
  // Checked before the program runs: a bad pack config is a usage error, whatever the program declares.
  const policies = resolvePolicies(pack, config, policyConfigFile ?? "pack defaults");

  let run: ProgramRun;
  let entry: string;
  if (options.program !== undefined) {
    const { entry: programEntry, ...programRun } = await runProgramAt({
      program: options.program,
      stack: options.stack,
      ...(options.config ? { config: options.config } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    run = programRun;
    entry = programEntry;
  } else {
    run = await runTemplateStack({ stack: options.stack, ...(options.cwd ? { cwd: options.cwd } : {}) });
    entry = path.join(TEMPLATE_ROOT, "infra", "index.ts");
  }
  const evaluation = await evaluatePolicies(run, pack, policies);
  return { run, evaluation, entry, ...(policyConfigFile ? { policyConfigFile } : {}) };
}
