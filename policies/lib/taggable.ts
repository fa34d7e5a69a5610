import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Whether a resource type takes `tags`, read from the installed provider SDK rather than a hard-coded list:
 * a generated resource class of `@pulumi/<package>` copies each input from its args, so a type is taggable
 * when its module copies `args.tags`. Works for any Pulumi package installed next to the program or this
 * pack (aws, awsx, eks, ...), and follows provider upgrades.
 */
export function isTaggable(type: string): boolean | undefined {
  const known = cache.get(type);
  if (known !== undefined || cache.has(type)) return known;
  const answer = lookUp(type);
  cache.set(type, answer);
  return answer;
}

const cache = new Map<string, boolean | undefined>();
/** Module folders already scanned whole, by folder: type token -> taggable. */
const scanned = new Map<string, Map<string, boolean>>();

const TYPE_TOKEN = /__pulumiType = ['"]([^'"]+)['"]/;
const TAKES_TAGS = /resourceInputs\["tags"\] = (?:args\?\.tags|args \? args\.tags)/;

function lookUp(type: string): boolean | undefined {
  const [pkg, module] = type.split(":");
  if (!pkg || !module || pkg === "pulumi") return undefined;
  const root = packageDir(pkg);
  if (root === undefined) return undefined;
  const [folder = "", file] = module.split("/");
  const dir = folder === "index" ? root : path.join(root, folder);
  // The file is usually named after the token's second part: aws:s3/bucket:Bucket -> s3/bucket.js.
  if (file !== undefined) {
    const verdict = readModule(path.join(dir, `${file}.js`));
    if (verdict?.type === type) return verdict.taggable;
  }
  return scanFolder(dir).get(type);
}

function packageDir(pkg: string): string | undefined {
  try {
    const manifest = require.resolve(`@pulumi/${pkg}/package.json`, { paths: [process.cwd(), __dirname] });
    return path.dirname(manifest);
  } catch {
    return undefined;
  }
}

function readModule(file: string): { type: string; taggable: boolean } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const token = TYPE_TOKEN.exec(text)?.[1];
  return token === undefined ? undefined : { type: token, taggable: TAKES_TAGS.test(text) };
}

function scanFolder(dir: string): Map<string, boolean> {
  let found = scanned.get(dir);
  if (found) return found;
  found = new Map();
  scanned.set(dir, found);
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).filter((f) => f.endsWith(".js"));
  } catch {
    return found;
  }
  for (const entry of entries) {
    const verdict = readModule(path.join(dir, entry));
    if (verdict) found.set(verdict.type, verdict.taggable);
  }
  return found;
}
