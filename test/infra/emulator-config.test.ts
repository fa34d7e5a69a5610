import { describe, expect, it } from "vitest";

import { loadStackConfig } from "../../infra/config";
import { stackConfig, type ConfigOverrides, configProblems } from "../harness";

function load(stack: string, overrides: ConfigOverrides = {}) {
  return loadStackConfig(stack, stackConfig(stack, overrides).config);
}

describe("mlplat:emulator.endpoint", () => {
  it("defaults to LocalStack's customary port on local stacks", () => {
    expect(load("local").emulator).toEqual({ endpoint: "http://127.0.0.1:4566" });
  });

  it("takes the sandbox's endpoint, without a trailing slash", () => {
    const config = load("local", { "mlplat:emulator": { endpoint: "http://127.0.0.1:41234/" } });
    expect(config.emulator).toEqual({ endpoint: "http://127.0.0.1:41234" });
  });

  it("is absent on every other environment", () => {
    expect(load("dev").emulator).toBeUndefined();
    expect(load("prod").emulator).toBeUndefined();
  });

  it("is refused outside local stacks, naming the environment", () => {
    expect(configProblems("dev", { "mlplat:emulator": { endpoint: "http://127.0.0.1:4566" } })).toEqual([
      'mlplat:emulator.endpoint: got "http://127.0.0.1:4566", expected no emulator in a dev environment: only local stacks deploy to an AWS emulator',
    ]);
    expect(configProblems("prod", { "mlplat:emulator": {} })).toEqual([
      "mlplat:emulator: got {}, expected no emulator in a prod environment: only local stacks deploy to an AWS emulator",
    ]);
  });

  it("must be an http(s) origin", () => {
    for (const endpoint of ["127.0.0.1:4566", "ftp://localhost:21", "http://localhost:4566/s3", "http://"]) {
      expect(configProblems("local", { "mlplat:emulator": { endpoint } })).toEqual([
        `mlplat:emulator.endpoint: got ${JSON.stringify(endpoint)}, expected an http:// or https:// URL with a host and no path, such as http://127.0.0.1:4566`,
      ]);
    }
  });

  it("rejects a wrongly typed endpoint and unknown emulator keys", () => {
    expect(configProblems("local", { "mlplat:emulator": { endpoint: 4566, port: 1 } })).toEqual([
      "mlplat:emulator.endpoint: got 4566, expected the emulator's URL, such as http://127.0.0.1:4566",
      "mlplat:emulator.port: got 1, expected no such key: known keys here are endpoint",
    ]);
  });
});
