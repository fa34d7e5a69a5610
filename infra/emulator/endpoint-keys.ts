import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The service keys of the installed @pulumi/aws provider's `endpoints` setting, read from the provider itself
 * so that an upgrade that adds a service never leaves a call going to real AWS from an emulator stack.
 *
 * The keys exist only as the fields of `interface ProviderEndpoint` in the package's `types/input.d.ts` (no
 * schema file ships with it). Loading the TypeScript compiler and parsing the interface takes about 0.3 s, so the
 * list is cached per provider version under `node_modules/.cache/mlplat/`, and `mlplat plan --stack local`
 * pays for it once per installed version.
 */

export interface EndpointKeys {
  /** Version of the @pulumi/aws package the keys were read from. */
  readonly version: string;
  /** Field names of `ProviderEndpoint`, in declaration order. */
  readonly keys: readonly string[];
}

interface InstalledProvider {
  readonly version: string;
  readonly typesFile: string;
  readonly cacheFile: string;
}

/** The installed provider's endpoint keys, from the cache when it holds this version's list. */
export function providerEndpointKeys(): EndpointKeys {
  const provider = installedProvider();
  const cached = readCache(provider);
  if (cached) return cached;
  const generated: EndpointKeys = {
    version: provider.version,
    keys: readProviderEndpointKeys(provider.typesFile),
  };
  writeCache(provider.cacheFile, generated);
  return generated;
}

/** Reads the field names of `interface ProviderEndpoint` from a declaration file with the TypeScript compiler. */
export function readProviderEndpointKeys(typesFile: string): string[] {
  // Loaded on use: the compiler is large, and a cached list never needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("typescript") as typeof import("typescript");
  const text = fs.readFileSync(typesFile, "utf8");
  // The compiler parses only the interface's own text when it can be cut out (5 ms instead of 0.8 s for the
  // whole file); the whole file otherwise.
  const start = text.indexOf("export interface ProviderEndpoint {");
  const end = start < 0 ? -1 : text.indexOf("\n}\n", start);
  const declarationText = start >= 0 && end > start ? text.slice(start, end + 3) : text;
  const source = ts.createSourceFile(
    path.basename(typesFile),
    declarationText,
    ts.ScriptTarget.Latest,
    false,
  );
  const declaration = source.statements.find(
    (s): s is import("typescript").InterfaceDeclaration =>
      ts.isInterfaceDeclaration(s) && s.name.text === "ProviderEndpoint",
  );
  if (!declaration) {
    throw new Error(
      `${typesFile}: no interface ProviderEndpoint, so the emulator's endpoint list cannot be built; ` +
        `expected it in @pulumi/aws's types (has the provider's layout changed?)`,
    );
  }
  const keys = declaration.members.flatMap((member) => {
    if (!ts.isPropertySignature(member)) return [];
    const name = member.name;
    return ts.isIdentifier(name) || ts.isStringLiteral(name) ? [name.text] : [];
  });
  if (keys.length === 0) throw new Error(`${typesFile}: interface ProviderEndpoint has no fields`);
  return keys;
}

function installedProvider(): InstalledProvider {
  const manifest = require.resolve("@pulumi/aws/package.json");
  const { version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string };
  const packageDir = path.dirname(manifest);
  // <node_modules>/@pulumi/aws -> <node_modules>/.cache/mlplat
  const cacheDir = path.join(packageDir, "..", "..", ".cache", "mlplat");
  return {
    version,
    typesFile: path.join(packageDir, "types", "input.d.ts"),
    cacheFile: path.join(cacheDir, `aws-provider-endpoint-keys-${version}.json`),
  };
}

function readCache(provider: InstalledProvider): EndpointKeys | undefined {
  try {
    const cached = JSON.parse(fs.readFileSync(provider.cacheFile, "utf8")) as Partial<EndpointKeys>;
    if (
      cached.version === provider.version &&
      Array.isArray(cached.keys) &&
      cached.keys.length > 0 &&
      cached.keys.every((k) => typeof k === "string")
    ) {
      return { version: cached.version, keys: cached.keys };
    }
  } catch {
    // No cache yet, or an unreadable one: generate.
  }
  return undefined;
}

/** Writes atomically, so a concurrent reader sees the old file or the new one. A read-only tree skips it. */
function writeCache(file: string, keys: EndpointKeys): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(keys));
    fs.renameSync(temporary, file);
  } catch {
    // Caching is an optimisation: without it each run parses the provider's types again.
  }
}
