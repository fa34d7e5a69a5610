import { defineConfig } from "vitest/config";

// The Pulumi runtime keeps process-wide state: every test file gets its own process, in both projects.
const isolation = { pool: "forks", isolate: true } as const;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/integration/**"],
          ...isolation,
        },
      },
      {
        // Against a real AWS emulator (MLPLAT_EMULATOR: moto by default, or localstack), started once for the
        // run by the global setup and reset before each file; the files share it, so they run one at a time.
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          ...isolation,
        },
      },
    ],
  },
});
