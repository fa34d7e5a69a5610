import * as fs from "node:fs";
import { register } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

import { parse } from "yaml";

import { UsageError } from "../errors";
import { runProgram, type ProgramRun, type RunFailure } from "./runner";
import { typeCheck, typeCheckWanted, type TypeCheckResult } from "./typecheck";
import { findProjectRoot, readStackConfig, type StackFileConfig } from "./stack-file";

/** A Pulumi program found from a `--program` path: its project folder, entry file and SDK copy. */
export interface ProgramLocation {
  /** Folder holding Pulumi.yaml and the stack files. */
  readonly projectDir: string;
  /** The file Pulumi would run. */
  readonly entry: string;
  /** Folder of the @pulumi/pulumi package the program resolves: the copy the mocks must be set on. */
  readonly sdkDir: string;
}

/** A `--program` path that is not a runnable Pulumi program. */
export class ProgramLocationError extends Error {
  override readonly name = "ProgramLocationError";
}

const ENTRY_CANDIDATES = ["index.ts", "index.js", "index.mts", "index.mjs"];

/**
 * Finds the program at `target`: a project folder (with Pulumi.yaml, whose `main` names the entry, or
 * package.json `main`, or index.ts/index.js, as the Pulumi Node.js host does) or an entry file inside one.
 */
export function locateProgram(target: string): ProgramLocation {
  const resolved = path.resolve(target);
  if (!fs.existsSync(resolved)) {
    throw new ProgramLocationError(
      `--program: got ${JSON.stringify(target)}, which does not exist; expected a Pulumi project folder or its entry file`,
    );
  }
  const isDir = fs.statSync(resolved).isDirectory();
  const projectDir = findProjectRoot(isDir ? resolved : path.dirname(resolved));
  if (projectDir === undefined) {
    throw new ProgramLocationError(
      `--program: got ${JSON.stringify(target)}, expected a folder with Pulumi.yaml (or a file inside one)`,
    );
  }
  const entry = isDir ? entryOf(resolved === projectDir ? projectDir : resolved, projectDir) : resolved;
  let sdkDir: string;
  try {
    sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [path.dirname(entry)] }));
  } catch {
    throw new ProgramLocationError(
      `--program: ${entry} cannot resolve @pulumi/pulumi; run npm install in ${projectDir} first`,
    );
  }
  return { projectDir, entry, sdkDir };
}

function entryOf(dir: string, projectDir: string): string {
  const project = parse(
    fs.readFileSync(
      path.join(
        projectDir,
        fs.existsSync(path.join(projectDir, "Pulumi.yaml")) ? "Pulumi.yaml" : "Pulumi.yml",
      ),
      "utf8",
    ),
  ) as { main?: unknown } | null;
  const main =
    dir === projectDir && typeof project?.main === "string" ? path.resolve(projectDir, project.main) : dir;
  if (fs.existsSync(main) && fs.statSync(main).isFile()) return main;
  const pkgFile = path.join(main, "package.json");
  if (fs.existsSync(pkgFile)) {
    const pkgMain = (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: unknown }).main;
    if (typeof pkgMain === "string" && fs.existsSync(path.resolve(main, pkgMain)))
      return path.resolve(main, pkgMain);
  }
  const found = ENTRY_CANDIDATES.map((f) => path.join(main, f)).find((f) => fs.existsSync(f));
  if (found === undefined) {
    throw new ProgramLocationError(
      `--program: no entry file in ${main} (expected Pulumi.yaml main, package.json main, or ${ENTRY_CANDIDATES.join(" or ")})`,
    );
  }
  return found;
}

interface TsNodeOptions {
  compiler: string;
  transpileOnly: boolean;
  project: string;
  skipProject: boolean;
  compilerOptions: Record<string, unknown>;
}

interface SdkTsUtils {
  loadTypeScriptCompilerOptions(tsConfigPath: string): Record<string, unknown>;
  typeScriptRequireStrings(): { typescriptRequire: string; tsnodeRequire: string };
}

/** How Pulumi's Node.js host compiles a TypeScript program: its ts-node, TypeScript and compiler options. */
export interface HostTypeScript {
  readonly tsnode: string;
  /**
   * The SDK's ES module hooks (ts-node/esm) when the host would run the program as an ES module: a
   * `"type": "module"` package, TypeScript >= 4.7 and a ts-node that has `ts-node/esm`.
   */
  readonly esmHooks?: string;
  readonly typescript: string;
  readonly tsConfigPath: string;
  readonly hasTsConfig: boolean;
  /** The host's defaults under the program's own tsconfig.json compilerOptions. */
  readonly compilerOptions: Record<string, unknown>;
  /** The program's own compilerOptions (whether it opts out of the type check: `noCheck`). */
  readonly programOptions: Record<string, unknown>;
}

/**
 * What Pulumi's Node.js language host would compile the program with (@pulumi/pulumi cmd/run/run.js, read
 * through the program's own copy of the SDK): ts-node and TypeScript from the program's node_modules, else the
 * copies the SDK vendors, the program's `tsconfig.json`; CommonJS output, or ES modules through ts-node/esm for a
 * `"type": "module"` package.
 */
export function hostTypeScript(location: ProgramLocation): HostTypeScript {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const tsutils = require(path.join(location.sdkDir, "tsutils")) as SdkTsUtils;
  const tsConfigPath = path.join(location.projectDir, "tsconfig.json");
  const programOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  // Bare names ("typescript", "ts-node") are the program's copies, as the SDK resolves them from its folder.
  const strings = tsutils.typeScriptRequireStrings();
  const typescriptRequire = require.resolve(strings.typescriptRequire, { paths: [location.sdkDir] });
  const tsnodeRequire = require.resolve(strings.tsnodeRequire, { paths: [location.sdkDir] });
  const ts = require(typescriptRequire) as { version: string };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const [major = 0, minor = 0] = ts.version.split(".").map(Number);
  const nodeNext = major > 4 || (major === 4 && minor >= 7);
  const esmHooks = path.join(location.sdkDir, "cmd", "run", "hooks.js");
  const esm =
    nodeNext &&
    isModulePackage(location) &&
    resolves("ts-node/esm", location.sdkDir) &&
    fs.existsSync(esmHooks);
  return {
    tsnode: tsnodeRequire,
    ...(esm ? { esmHooks } : {}),
    typescript: typescriptRequire,
    tsConfigPath,
    hasTsConfig: fs.existsSync(tsConfigPath),
    programOptions,
    compilerOptions: {
      target: esm ? "ES2022" : "ES2020",
      module: nodeNext ? "nodenext" : "commonjs",
      moduleResolution: nodeNext ? "nodenext" : "node",
      sourceMap: true,
      ...programOptions,
    },
  };
}

/** Whether the nearest package.json above the entry says `"type": "module"` (the host then imports it). */
function isModulePackage(location: ProgramLocation): boolean {
  for (let dir = path.dirname(location.entry); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file))
      return (JSON.parse(fs.readFileSync(file, "utf8")) as { type?: unknown }).type === "module";
    if (dir === path.dirname(dir)) return false;
  }
}

function resolves(request: string, from: string): boolean {
  try {
    require.resolve(request, { paths: [from] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Registers TypeScript the way Pulumi's Node.js language host does, so that closure serialisation
 * (`aws.lambda.CallbackFunction`, event subscriptions) sees the functions V8 created. Evaluation is
 * transpile-only: the type check runs beside it (./typecheck).
 */
function registerTypeScript(host: HostTypeScript): void {
  const options: TsNodeOptions = {
    compiler: host.typescript,
    transpileOnly: true,
    project: host.tsConfigPath,
    skipProject: !host.hasTsConfig,
    compilerOptions: { ...host.compilerOptions, sourceMap: "true" },
  };
  if (host.esmHooks !== undefined) {
    // The host's own module hooks, given the options it gives them.
    register(pathToFileURL(host.esmHooks), { data: options });
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsNode = require(host.tsnode) as { register(options: TsNodeOptions): unknown };
  tsNode.register(options);
}

/** `import()` kept as such: this CLI is compiled to CommonJS, where TypeScript would turn it into `require`. */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<Record<string, unknown>>;

/**
 * The program as a function, run the way Pulumi's Node.js host runs it: from the project's folder (relative
 * paths in the program resolve there), TypeScript compiled as the host compiles it, the entry module loaded, a
 * function it exports (or its default export) called and awaited; what is left is the stack's outputs.
 */
export function programOf(location: ProgramLocation, host?: HostTypeScript): () => Promise<unknown> {
  return async () => {
    process.chdir(location.projectDir);
    if (isTypeScript(location)) registerTypeScript(host ?? hostTypeScript(location));
    let exported: unknown;
    if (isModulePackage(location)) {
      // As the host imports an ES module: its default export if it has one (and then nothing else).
      const namespace = await importModule(pathToFileURL(fs.realpathSync(location.entry)).href);
      if (Object.getOwnPropertyDescriptor(namespace, "default") !== undefined) {
        if (Object.keys(namespace).length !== 1) {
          throw new Error(
            `${location.entry} has both a default export and named exports; Pulumi expects one or the other`,
          );
        }
        exported = namespace["default"];
      } else {
        exported = namespace;
      }
    } else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      exported = require(location.entry) as unknown;
      const defaultExport = (exported as { default?: unknown } | null)?.default;
      if (typeof exported !== "function" && typeof defaultExport === "function") exported = defaultExport;
    }
    if (typeof exported === "function") exported = await (exported as () => unknown)();
    return exported;
  };
}

/** Where type-check results are cached: this CLI's own node_modules/.cache. */
const TYPECHECK_CACHE = path.join(
  path.dirname(require.resolve("@pulumi/pulumi/package.json")),
  "..",
  "..",
  ".cache",
  "mlplat-typecheck",
);

function isTypeScript(location: ProgramLocation): boolean {
  return /\.[cm]?tsx?$/.test(location.entry);
}

export interface ProgramRunOptions {
  /** The program: a Pulumi project folder or its entry file (`--program`). */
  readonly program: string;
  readonly stack: string;
  /** `key=value` overrides of the stack's config (`--config`); a key without a namespace is the project's. */
  readonly config?: readonly string[];
  /** How long the program may run, in milliseconds. @default 120000 */
  readonly timeoutMs?: number;
  /**
   * Type-check a TypeScript program as the host does (unless it opts out). Off for this template's own program
   * at another commit (`cost --compare`), which its own build type-checks.
   * @default true
   */
  readonly typeCheck?: boolean;
}

/**
 * Runs any Pulumi TypeScript or JavaScript program offline, as its own Pulumi.yaml and
 * `Pulumi.<stack>.yaml` (with `config` overrides) describe it: the function behind `check`, `plan` and `cost`
 * with `--program`. A required config key the program reads and nobody set is a usage error that says how to
 * pass it.
 */
export async function runProgramAt(options: ProgramRunOptions): Promise<ProgramRun & { entry: string }> {
  const location = locateProgram(options.program);
  const stackConfig = withOverrides(
    readStackConfig(location.projectDir, options.stack),
    options.config ?? [],
  );
  const host = isTypeScript(location) ? hostTypeScript(location) : undefined;
  // The host type-checks before it runs the program; here the check runs beside the evaluation.
  const typed =
    host !== undefined && options.typeCheck !== false && typeCheckWanted(host.programOptions)
      ? typeCheck({
          projectDir: location.projectDir,
          cacheDir: TYPECHECK_CACHE,
          entry: location.entry,
          typescript: host.typescript,
          compilerOptions: host.compilerOptions,
        }).catch((err: unknown): TypeCheckResult => ({
          errors: [
            {
              file: location.entry,
              line: 1,
              column: 1,
              code: 0,
              message: `the type check could not run: ${err instanceof Error ? err.message : String(err)}`,
            },
          ],
          cached: false,
        }))
      : undefined;
  const evaluated = await runProgram({
    project: stackConfig.project,
    stack: stackConfig.stack,
    config: stackConfig.config,
    secretKeys: stackConfig.secretKeys,
    program: programOf(location, host),
    sdkDir: location.sdkDir,
    programDir: location.projectDir,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const typeErrors = (await typed)?.errors ?? [];
  const run: ProgramRun =
    typeErrors.length === 0
      ? evaluated
      : {
          ...evaluated,
          complete: false,
          failures: [
            ...typeErrors.map((e): RunFailure => ({
              kind: "typecheck",
              message: e.code > 0 ? `error TS${e.code}: ${e.message}` : e.message,
              location: { file: e.file, line: e.line, column: e.column },
            })),
            ...evaluated.failures,
          ],
        };
  for (const failure of run.failures) {
    // A value the program rejects through the SDK's typed getters (requireNumber, requireObject, allowedValues...).
    const invalid = /^Configuration '([^']+)' value '([\s\S]*)' ((?:is|does) [\s\S]+)$/.exec(failure.message);
    if (invalid !== null) {
      throw new UsageError(
        `the program reads the config key ${invalid[1]} and got ${JSON.stringify(invalid[2])}, which ${invalid[3]}: ` +
          `fix it in ${path.basename(stackConfig.file)} or pass a valid one with --config`,
      );
    }
    const missing = /^Missing required configuration variable '([^']+)'/.exec(failure.message)?.[1];
    if (missing !== undefined) {
      const key = missing.startsWith(`${stackConfig.project}:`)
        ? missing.slice(stackConfig.project.length + 1)
        : missing;
      throw new UsageError(
        `the program requires the config key ${missing}, which ${path.basename(stackConfig.file)} does not set: ` +
          `add it there (pulumi config set ${key} <value> --stack ${options.stack}) or pass --config ${key}=<value>`,
      );
    }
  }
  return { ...run, entry: location.entry };
}

/** The stack config with `key=value` overrides applied, each checked. */
export function withOverrides(config: StackFileConfig, overrides: readonly string[]): StackFileConfig {
  if (overrides.length === 0) return config;
  const merged = { ...config.config };
  for (const pair of overrides) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      throw new UsageError(
        `--config: got ${JSON.stringify(pair)}, expected key=value (e.g. --config aws:region=us-west-2)`,
      );
    }
    const key = pair.slice(0, at);
    merged[key.includes(":") ? key : `${config.project}:${key}`] = pair.slice(at + 1);
  }
  return { ...config, config: merged };
}
