import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import ts from "typescript";
import { describe, expect, it } from "vitest";

import { providerEndpointKeys, readProviderEndpointKeys } from "../../infra/emulator/endpoint-keys";
import { resource, runStack } from "../harness";

const PROVIDER = "pulumi:providers:aws";
const awsPackage = path.dirname(require.resolve("@pulumi/aws/package.json"));

describe("the emulator provider's endpoint list", () => {
  it("is every field of the installed provider's ProviderEndpoint, cached per provider version", () => {
    const fresh = readProviderEndpointKeys(path.join(awsPackage, "types", "input.d.ts"));
    const cached = providerEndpointKeys();
    const { version } = JSON.parse(fs.readFileSync(path.join(awsPackage, "package.json"), "utf8")) as {
      version: string;
    };
    expect(cached).toEqual({ version, keys: fresh });
    expect(fresh).toEqual(expect.arrayContaining(["s3", "kms", "iam", "sts", "sagemaker", "sfn", "glue"]));
    expect(new Set(fresh).size).toBe(fresh.length);
    expect(fresh.length).toBeGreaterThan(300);
  });

  it("reads the same keys as a parse of the whole declaration file", () => {
    const file = path.join(awsPackage, "types", "input.d.ts");
    const source = ts.createSourceFile(
      "input.d.ts",
      fs.readFileSync(file, "utf8"),
      ts.ScriptTarget.Latest,
      false,
    );
    const declaration = source.statements.find(
      (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "ProviderEndpoint",
    );
    const whole = (declaration?.members ?? []).flatMap((m) =>
      ts.isPropertySignature(m) && ts.isIdentifier(m.name) ? [m.name.text] : [],
    );
    expect(readProviderEndpointKeys(file)).toEqual(whole);
  });

  it("fails with the file named when the interface is missing", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-")), "input.d.ts");
    fs.writeFileSync(file, "export interface Other { a?: string }\n");
    expect(() => readProviderEndpointKeys(file)).toThrow(`${file}: no interface ProviderEndpoint`);
  });
});

describe("the local stack", () => {
  it("declares one explicit aws provider pointed at the emulator, with every endpoint", async () => {
    const run = await runStack("local", { "mlplat:emulator": { endpoint: "http://127.0.0.1:4599/" } });
    const provider = resource(run, PROVIDER, "mlplat-local-emulator");
    const inputs = provider.inputs;
    expect(inputs).toMatchObject({
      region: "us-east-1",
      accessKey: "[secret]", // the provider marks its credentials secret
      s3UsePathStyle: "true",
      skipCredentialsValidation: "true",
      skipRequestingAccountId: "true",
      skipMetadataApiCheck: "true",
    });
    const endpoints = JSON.parse(String(inputs.endpoints)) as Record<string, string>[];
    expect(endpoints).toHaveLength(1);
    expect(Object.keys(endpoints[0] ?? {})).toEqual(providerEndpointKeys().keys);
    expect(new Set(Object.values(endpoints[0] ?? {}))).toEqual(new Set(["http://127.0.0.1:4599"]));
    expect(run.outputs.emulatorEndpoint).toBe("http://127.0.0.1:4599");
  });

  it("uses LocalStack's customary port when the stack file names no endpoint", async () => {
    const run = await runStack("local");
    expect(run.outputs.emulatorEndpoint).toBe("http://127.0.0.1:4566");
  });

  it("adds no provider to the other stacks", async () => {
    const run = await runStack("dev");
    expect(run.resources.filter((r) => r.type === PROVIDER)).toEqual([]);
    expect(run.outputs.emulatorEndpoint).toBeUndefined();
  });
});
