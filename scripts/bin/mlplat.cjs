#!/usr/bin/env node
// Launcher of the mlplat CLI: runs the compiled CLI under Node >= 22 (re-executing itself with the project's
// own Node 22 from .tools/node when the machine's is older), rebuilding it first when a source is newer.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const root = path.resolve(__dirname, "..", "..");
const wanted = 22;

if (Number(process.versions.node.split(".")[0]) < wanted) {
  const local = path.join(root, ".tools", "node", "node_modules", ".bin", "node");
  if (!fs.existsSync(local)) {
    process.stderr.write(
      `mlplat: needs Node.js >= ${wanted}, found ${process.version}. Run scripts/mlplat once (it fetches Node ${wanted} ` +
        `from the npm registry into .tools/node), or install Node ${wanted} (e.g. nvm install ${wanted}).\n`,
    );
    process.exit(1);
  }
  const result = spawnSync(local, [__filename, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(result.status ?? 1);
}

require("node:module").enableCompileCache?.(path.join(root, "node_modules", ".cache", "mlplat-compile"));

const entry = path.join(root, "dist", "scripts", "cli", "main.js");
if (isStale(entry)) {
  process.stderr.write("mlplat: compiling the CLI (sources changed since the last build)\n");
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const build = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], {
    stdio: ["ignore", 2, 2],
  });
  if (build.status !== 0) process.exit(1);
}

require(entry)
  .run(process.argv.slice(2))
  .then((code) => {
    // Exit once the report is written, even if a program that `check`, `plan` or `cost` ran left a timer or
    // socket alive: the command is done.
    process.stdout.write("", () => process.exit(code));
  });

/** True when the build is missing or older than a TypeScript source of the CLI and the program. */
function isStale(builtEntry) {
  const stamp = path.join(root, "dist", ".tsbuildinfo");
  if (!fs.existsSync(builtEntry) || !fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  const newer = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return newer(full);
      return entry.name.endsWith(".ts") && fs.statSync(full).mtimeMs > built;
    });
  return ["infra", "components", "policies", path.join("scripts", "cli")].some(
    (d) => fs.existsSync(path.join(root, d)) && newer(path.join(root, d)),
  );
}
