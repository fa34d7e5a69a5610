/**
 * The type check Pulumi's Node.js host does before it runs a TypeScript program (ts-node without
 * `transpileOnly`): a program that does not type-check against its installed SDK fails `pulumi preview`, so it
 * makes an offline run incomplete too. It runs beside the evaluation, in a worker thread, with the program's own
 * TypeScript and tsconfig.json, and its result is cached (in this CLI's node_modules/.cache, one file per
 * program folder) until a source file, the config or the installed packages change.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

import type * as ts from "typescript";

/** One type error, as the host prints it: `index.ts(12,5): error TS2353: ...`. */
export interface TypeError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: number;
  readonly message: string;
}

export interface TypeCheckInput {
  readonly projectDir: string;
  /** The folder the cache files live in. */
  readonly cacheDir: string;
  readonly entry: string;
  /** The module the program's TypeScript is loaded from (the SDK's choice: the program's own, else vendored). */
  readonly typescript: string;
  /** The compiler options the host uses: its defaults under the program's tsconfig.json. */
  readonly compilerOptions: Record<string, unknown>;
}

export interface TypeCheckResult {
  readonly errors: TypeError[];
  /** True when the result came from the cache. */
  readonly cached: boolean;
}

/** Diagnostics ts-node ignores by default (no input files, JSON modules, implicit-any JS): so do we. */
const IGNORED = new Set([6059, 18002, 18003]);

/** Whether the host would type-check: not when the program opts out, as `pulumi preview` reads it. */
export function typeCheckWanted(compilerOptions: Record<string, unknown>): boolean {
  const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
  if (env !== undefined && env !== "") return env !== "true";
  return compilerOptions.noCheck !== true;
}

/**
 * Type-checks the program in a worker thread (inline when running from TypeScript sources, as under vitest),
 * answering from the cache when nothing it depends on changed.
 */
export function typeCheck(input: TypeCheckInput): Promise<TypeCheckResult> {
  const cacheFile = path.join(
    input.cacheDir,
    `${createHash("sha256").update(input.projectDir).digest("hex").slice(0, 16)}.json`,
  );
  const cached = readCache(cacheFile, input);
  if (cached !== undefined) return Promise.resolve({ errors: cached, cached: true });
  const store = (result: { errors: TypeError[]; files: string[] }): TypeCheckResult => {
    writeCache(cacheFile, input, result);
    return { errors: result.errors, cached: false };
  };
  if (!__filename.endsWith(".js")) return Promise.resolve(store(check(input)));
  return new Promise((resolve, reject) => {
    // Not unref'd: the run awaits its answer. It exits by itself once it has posted it.
    const worker = new Worker(__filename, { workerData: input });
    worker.once("message", (result: { errors: TypeError[]; files: string[] }) => {
      resolve(store(result));
    });
    worker.once("error", reject);
  });
}

/**
 * The type check itself, as ts-node does it: the program's files are checked one by one (syntactic and
 * semantic diagnostics of each file of the program's own, not of its packages), resolving from its folder.
 */
function check(input: TypeCheckInput): { errors: TypeError[]; files: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const typescript = require(input.typescript) as typeof ts;
  const converted = typescript.convertCompilerOptionsFromJson(input.compilerOptions, input.projectDir);
  const options: ts.CompilerOptions = { ...converted.options, noEmit: true };
  const host = typescript.createCompilerHost(options);
  host.getCurrentDirectory = () => input.projectDir;
  const program = typescript.createProgram({ rootNames: [input.entry], options, host });
  const own = program
    .getSourceFiles()
    .filter(
      (f) =>
        f.fileName.startsWith(input.projectDir + path.sep) &&
        !f.fileName.includes(`${path.sep}node_modules${path.sep}`) &&
        !f.isDeclarationFile,
    );
  const errors = own
    .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
    .filter((d) => d.category === typescript.DiagnosticCategory.Error && !IGNORED.has(d.code))
    .map((d): TypeError => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return {
        file: d.file?.fileName ?? input.entry,
        line: (at?.line ?? 0) + 1,
        column: (at?.character ?? 0) + 1,
        code: d.code,
        message: typescript.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0] ?? "",
      };
    });
  return { errors, files: own.map((f) => f.fileName) };
}

interface CacheEntry {
  readonly key: string;
  readonly files: string[];
  readonly errors: TypeError[];
}

/** What the result depends on: the options, the TypeScript, the installed packages and each source file. */
function keyOf(input: TypeCheckInput, files: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([input.typescript, input.compilerOptions, input.entry]));
  const stamp = (file: string): void => {
    try {
      hash.update(`${file}\0`);
      hash.update(fs.readFileSync(file));
    } catch {
      hash.update("missing");
    }
  };
  stamp(path.join(input.projectDir, "tsconfig.json"));
  // Packages may be installed above the project (workspaces, a monorepo): every folder up to the root counts.
  for (let dir = input.projectDir; ; dir = path.dirname(dir)) {
    for (const lock of ["package-lock.json", "yarn.lock", "pnpm-lock.yaml", "package.json"]) {
      if (fs.existsSync(path.join(dir, lock))) stamp(path.join(dir, lock));
    }
    const installed = path.join(dir, "node_modules", ".package-lock.json");
    if (fs.existsSync(installed)) stamp(installed);
    if (dir === path.dirname(dir)) break;
  }
  for (const file of [...files].sort()) stamp(file);
  return hash.digest("hex");
}

function readCache(file: string, input: TypeCheckInput): TypeError[] | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(file, "utf8")) as CacheEntry;
    return entry.key === keyOf(input, entry.files) ? entry.errors : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(
  file: string,
  input: TypeCheckInput,
  result: { errors: TypeError[]; files: string[] },
): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const entry: CacheEntry = { key: keyOf(input, result.files), files: result.files, errors: result.errors };
    fs.writeFileSync(file, JSON.stringify(entry));
  } catch {
    // A read-only node_modules only costs the next run a fresh check.
  }
}

if (!isMainThread && parentPort !== null) {
  parentPort.postMessage(check(workerData as TypeCheckInput));
}
