import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { findProjectRoot } from "./stack-file";

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

const ENTRY_CANDIDATES = ["index.ts", "index.js"];

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

interface TsxCjsApi {
  register(options?: { namespace?: string }): () => void;
}

/**
 * The program as a function, run the way Pulumi's Node.js host runs it: the entry module is loaded
 * (TypeScript through tsx), a function it exports (or its default export) is called and awaited, and what
 * is left is the stack's outputs.
 */
export function programOf(location: ProgramLocation): () => Promise<unknown> {
  return async () => {
    if (/\.[cm]?tsx?$/.test(location.entry)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require("tsx/cjs/api") as TsxCjsApi).register();
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    let exported = require(location.entry) as unknown;
    const defaultExport = (exported as { default?: unknown } | null)?.default;
    if (typeof exported !== "function" && typeof defaultExport === "function") exported = defaultExport;
    if (typeof exported === "function") exported = await (exported as () => unknown)();
    return exported;
  };
}
