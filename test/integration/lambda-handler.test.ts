import { spawnSync } from "node:child_process";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { emulator } from "./support";

const ROOT = path.resolve(__dirname, "..", "..");
const PYTHON = path.join(ROOT, ".venv", "bin", "python");
const TESTS = path.join("components", "lambda-inference", "tests");

/**
 * The Python handler's own tests (pytest), run against this run's emulator: the handler reads a real model file
 * from the emulator's S3, cold and warm, answers 400 to bad input and 503 when the model is missing, and the
 * zipped handler deploys to the emulator's Lambda service.
 */
describe("Lambda inference handler (pytest against the emulator)", () => {
  it.skipIf(emulator().kind !== "moto")(
    `passes every handler test against the emulator's S3 and Lambda${emulator().kind === "moto" ? "" : " (skipped: the handler tests configure moto's Lambda service)"}`,
    () => {
      const info = emulator();
      const run = spawnSync(PYTHON, ["-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", TESTS], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 120_000,
        env: {
          ...process.env,
          MLPLAT_TEST_ENDPOINT: info.endpoint,
          MLPLAT_TEST_REGION: info.region,
          PYTHONDONTWRITEBYTECODE: "1",
        },
      });
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.status, output).toBe(0);
      const passed = /(\d+) passed/.exec(output);
      expect(Number(passed?.[1] ?? 0), output).toBeGreaterThanOrEqual(8);
    },
    150_000,
  );
});
