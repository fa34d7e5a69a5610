/**
 * Answers to a program's invokes (data sources) without AWS. Pure functions of their inputs are computed as the
 * provider computes them (a policy document, an ARN's parts, the partition, a service principal). Lookups of
 * existing infrastructure (an AMI, a VPC, an SSM parameter, any other token) cannot be answered offline: they
 * get deterministic placeholders of the shape the provider's result type declares, every string of which is a
 * {@link LOOKUP_PREFIX} marker that the policies read as unknown, and the run lists each such invoke.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import type * as ts from "typescript";

/** The account id that mocked resources and invokes report. */
export const OFFLINE_ACCOUNT_ID = "123456789012";

/** Start of every string an invoke answered by placeholder returns: `[lookup aws:ec2/getAmi:getAmi id]`. */
export const LOOKUP_PREFIX = "[lookup ";

/** True for a placeholder string of an invoke that could not be answered offline. */
export function isLookupPlaceholder(value: unknown): boolean {
  return typeof value === "string" && value.startsWith(LOOKUP_PREFIX) && value.endsWith("]");
}

type Inputs = Record<string, unknown>;

/** Computes the invoke when it is a pure function of its inputs (and the stack's region); undefined otherwise. */
export function pureInvoke(token: string, inputs: Inputs, region: string): Inputs | undefined {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: OFFLINE_ACCOUNT_ID,
        arn: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:user/offline`,
        userId: "AIDAOFFLINE",
        id: OFFLINE_ACCOUNT_ID,
      };
    case "aws:index/getRegion:getRegion": {
      const name = text(inputs.region) ?? text(inputs.name) ?? region;
      return { name, region: name, id: name, description: name, endpoint: `ec2.${name}.amazonaws.com` };
    }
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const names = ["a", "b", "c"].map((s) => `${region}${s}`);
      return {
        names,
        zoneIds: names.map((_, i) => `${region}-az${i + 1}`),
        id: region,
        groupNames: [region],
      };
    }
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
    case "aws:index/getServicePrincipal:getServicePrincipal": {
      const service = text(inputs.serviceName) ?? "";
      const at = text(inputs.region) ?? region;
      return {
        serviceName: service,
        region: at,
        suffix: "amazonaws.com",
        name: `${service}.amazonaws.com`,
        id: `${service}.${at}`,
      };
    }
    case "aws:index/getArn:getArn":
      return arnParts(text(inputs.arn) ?? "");
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return policyDocument(inputs);
    default:
      return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function arnParts(arn: string): Inputs {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") {
    throw new Error(
      `aws.getArn: got ${JSON.stringify(arn)}, expected an ARN (arn:partition:service:region:account:resource)`,
    );
  }
  const [, partition, service, region, account, ...resource] = parts;
  return { arn, id: arn, partition, service, region, account, resource: resource.join(":") };
}

interface Statement {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  notPrincipals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/**
 * `aws.iam.getPolicyDocument`, rendered as the provider renders it: version 2012-10-17, statements in order
 * with Allow by default, a list of one value written as the value, principals and conditions grouped by
 * type and test; `sourcePolicyDocuments` come first and `overridePolicyDocuments` replace statements by Sid.
 */
export function policyDocument(inputs: Inputs): Inputs {
  const statements: Record<string, unknown>[] = [];
  for (const source of (inputs.sourcePolicyDocuments as string[] | undefined) ?? []) {
    statements.push(...statementsOf(source));
  }
  for (const s of (inputs.statements as Statement[] | undefined) ?? []) statements.push(renderStatement(s));
  for (const override of (inputs.overridePolicyDocuments as string[] | undefined) ?? []) {
    for (const s of statementsOf(override)) {
      const at = s.Sid === undefined ? -1 : statements.findIndex((x) => x.Sid === s.Sid);
      if (at >= 0) statements[at] = s;
      else statements.push(s);
    }
  }
  const doc: Record<string, unknown> = {
    Version: text(inputs.version) ?? "2012-10-17",
    ...(text(inputs.policyId) ? { Id: inputs.policyId } : {}),
    Statement: statements,
  };
  const json = JSON.stringify(doc, null, 2);
  return { ...inputs, json, minifiedJson: JSON.stringify(doc), id: String(hash(json)) };
}

function statementsOf(document: string): Record<string, unknown>[] {
  const parsed = JSON.parse(document) as { Statement?: unknown };
  const list = parsed.Statement;
  if (Array.isArray(list)) return list as Record<string, unknown>[];
  return list === undefined ? [] : [list as Record<string, unknown>];
}

function renderStatement(s: Statement): Record<string, unknown> {
  const one = (values: string[] | undefined): unknown =>
    values === undefined || values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  const principals = (list: Statement["principals"]): unknown => {
    if (list === undefined || list.length === 0) return undefined;
    if (list.length === 1 && list[0]?.type === "*" && list[0].identifiers.includes("*")) return "*";
    const grouped: Record<string, string[]> = {};
    for (const p of list) grouped[p.type] = [...(grouped[p.type] ?? []), ...p.identifiers];
    return Object.fromEntries(Object.entries(grouped).map(([k, v]) => [k, one(v)]));
  };
  const conditions = (list: Statement["conditions"]): unknown => {
    if (list === undefined || list.length === 0) return undefined;
    const out: Record<string, Record<string, unknown>> = {};
    for (const c of list) out[c.test] = { ...(out[c.test] ?? {}), [c.variable]: one(c.values) };
    return out;
  };
  const entries: [string, unknown][] = [
    ["Sid", text(s.sid)],
    ["Effect", s.effect ?? "Allow"],
    ["Action", one(s.actions)],
    ["NotAction", one(s.notActions)],
    ["Resource", one(s.resources)],
    ["NotResource", one(s.notResources)],
    ["Principal", principals(s.principals)],
    ["NotPrincipal", principals(s.notPrincipals)],
    ["Condition", conditions(s.conditions)],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

function hash(value: string): number {
  let h = 0;
  for (let i = 0; i < value.length; i++) h = (Math.imul(h, 31) + value.charCodeAt(i)) | 0;
  return h >>> 0;
}

/**
 * A placeholder answer for an invoke that looks up existing infrastructure: the fields of the result type the
 * provider package declares (`GetAmiResult` in @pulumi/aws's `ec2/getAmi.d.ts`), strings as lookup markers,
 * lists of strings with two markers, numbers 0, booleans false, objects and lists of objects empty. Without
 * a declaration, an empty object (so `id` and other fields read undefined).
 */
export function lookupPlaceholder(token: string, programDir: string): Inputs {
  const fields = resultFields(token, programDir);
  const out: Inputs = { id: `${LOOKUP_PREFIX}${token} id]` };
  for (const [name, type] of fields) out[name] = placeholderOf(type, `${LOOKUP_PREFIX}${token} ${name}]`);
  return out;
}

function placeholderOf(type: string, marker: string): unknown {
  const t = type.replace(/\s/g, "");
  if (t === "string") return marker;
  if (t === "number") return 0;
  if (t === "boolean") return false;
  if (t === "string[]") return [`${marker.slice(0, -1)} 0]`, `${marker.slice(0, -1)} 1]`];
  if (t.endsWith("[]")) return [];
  return {};
}

const fieldCache = new Map<string, [string, string][]>();

/** The result type's fields, from the provider package's declaration file (parsed, never type-checked). */
function resultFields(token: string, programDir: string): [string, string][] {
  const key = `${programDir}\0${token}`;
  const cached = fieldCache.get(key);
  if (cached) return cached;
  const fields = readResultFields(token, programDir);
  fieldCache.set(key, fields);
  return fields;
}

function readResultFields(token: string, programDir: string): [string, string][] {
  const [pkg, module = "", fn = ""] = token.split(":");
  if (!pkg || !fn) return [];
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`, { paths: [programDir] }));
  } catch {
    return [];
  }
  const folder = module.split("/")[0] ?? "";
  const file = path.join(packageDir, folder === "index" ? "" : folder, `${fn}.d.ts`);
  if (!fs.existsSync(file)) return [];
  const iface = `${fn[0]?.toUpperCase() ?? ""}${fn.slice(1)}Result`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const typescript = require("typescript") as typeof ts;
  const source = typescript.createSourceFile(
    file,
    fs.readFileSync(file, "utf8"),
    typescript.ScriptTarget.Latest,
  );
  const fields: [string, string][] = [];
  for (const statement of source.statements) {
    if (!typescript.isInterfaceDeclaration(statement) || statement.name.text !== iface) continue;
    for (const member of statement.members) {
      if (!typescript.isPropertySignature(member) || member.type === undefined) continue;
      fields.push([member.name.getText(source), member.type.getText(source)]);
    }
  }
  return fields;
}
