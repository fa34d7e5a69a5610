/**
 * Starts the integration suite's emulator once per run (MLPLAT_EMULATOR: moto by default, or localstack) and
 * hands its endpoint to the test files; stops it after the run, and on failure or Ctrl-C (the emulator module
 * kills the process groups it owns when this process ends).
 */
import type { TestProject } from "vitest/node";

import { startEmulator, type EmulatorKind } from "../../scripts/cli/emulator";

export interface EmulatorInfo {
  readonly kind: EmulatorKind;
  readonly runtime: string;
  readonly endpoint: string;
  readonly region: string;
  readonly readyMs: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    emulator: EmulatorInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulator = await startEmulator({
    onProgress: (message) => process.stderr.write(`[integration] ${message}\n`),
  });
  process.stderr.write(
    `[integration] ${emulator.runtime} ready at ${emulator.endpoint} in ${emulator.readyMs} ms\n`,
  );
  project.provide("emulator", {
    kind: emulator.kind,
    runtime: emulator.runtime,
    endpoint: emulator.endpoint,
    region: emulator.region,
    readyMs: emulator.readyMs,
  });
  return () => emulator.stop();
}
