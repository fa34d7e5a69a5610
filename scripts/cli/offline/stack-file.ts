import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

/** A stack's config as Pulumi would hand it to the program: namespaced keys, objects as JSON text. */
export interface StackFileConfig {
  readonly project: string;
  readonly stack: string;
  /** The stack file read, for messages. */
  readonly file: string;
  readonly config: Record<string, string>;
  /** Keys whose values are secrets. Offline, their values are placeholders: nothing is decrypted. */
  readonly secretKeys: string[];
}

/** Placeholder for `secure:` values, which cannot be decrypted without the stack's secrets provider. */
export const SECRET_PLACEHOLDER = "[secret]";

export class StackFileError extends Error {
  override readonly name = "StackFileError";
}

/** The folder holding `Pulumi.yaml`: `start` or its nearest ancestor. */
export function findProjectRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml")) || fs.existsSync(path.join(dir, "Pulumi.yml")))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` from a project folder, the way the Pulumi CLI merges them:
 * project-level config defaults first, stack values over them, unnamespaced keys in the project's namespace.
 */
export function readStackConfig(projectDir: string, stack: string): StackFileConfig {
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"]
    .map((f) => path.join(projectDir, f))
    .find((f) => fs.existsSync(f));
  if (!projectFile) throw new StackFileError(`no Pulumi.yaml in ${projectDir}`);
  const project = readYaml(projectFile);
  const projectName = project.name;
  if (typeof projectName !== "string" || projectName === "") {
    throw new StackFileError(`${projectFile}: name: expected the project's name`);
  }

  const stackFile = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`]
    .map((f) => path.join(projectDir, f))
    .find((f) => fs.existsSync(f));
  if (!stackFile) {
    const known = fs
      .readdirSync(projectDir)
      .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined);
    throw new StackFileError(
      `stack ${JSON.stringify(stack)}: no Pulumi.${stack}.yaml in ${projectDir} (stacks here: ${known.join(", ") || "none"})`,
    );
  }
  const stackDoc = readYaml(stackFile);

  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const put = (rawKey: string, value: unknown, file: string): void => {
    const key = rawKey.includes(":") ? rawKey : `${projectName}:${rawKey}`;
    const { text, secret } = configText(value, `${file}: config.${rawKey}`);
    config[key] = text;
    if (secret) secretKeys.add(key);
  };

  for (const [key, spec] of Object.entries(asMap(project.config, `${projectFile}: config`))) {
    // Project-level config: either a plain value or `{ type, default, ... }`; only defaults carry a value.
    const value = isMap(spec) && ("default" in spec || "type" in spec) ? spec.default : spec;
    if (value !== undefined) put(key, value, projectFile);
  }
  for (const [key, value] of Object.entries(asMap(stackDoc.config, `${stackFile}: config`))) {
    put(key, value, stackFile);
  }
  return { project: projectName, stack, file: stackFile, config, secretKeys: [...secretKeys] };
}

function readYaml(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new StackFileError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  return asMap(doc, file);
}

function asMap(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isMap(value)) throw new StackFileError(`${where}: expected a map, got ${JSON.stringify(value)}`);
  return value;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A config value as Pulumi passes it: strings as they are, other scalars as text, maps and lists as JSON. */
function configText(value: unknown, where: string): { text: string; secret: boolean } {
  if (isSecure(value)) return { text: SECRET_PLACEHOLDER, secret: true };
  if (typeof value === "string") return { text: value, secret: false };
  if (typeof value === "number" || typeof value === "boolean") return { text: String(value), secret: false };
  if (value === null) return { text: "", secret: false };
  if (typeof value === "object") {
    let secret = false;
    const json = JSON.stringify(value, (_k, v: unknown) => {
      if (isSecure(v)) {
        secret = true;
        return SECRET_PLACEHOLDER;
      }
      return v;
    });
    return { text: json, secret };
  }
  throw new StackFileError(`${where}: unsupported value of type ${typeof value}`);
}

function isSecure(value: unknown): boolean {
  return isMap(value) && Object.keys(value).length === 1 && typeof value.secure === "string";
}
