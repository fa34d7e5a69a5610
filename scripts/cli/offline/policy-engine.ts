import type {
  EnforcementLevel,
  Policies,
  Policy,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { z } from "zod";

import { APPLIES_TO } from "../../../policies/lib/define";
import { policyProxy } from "../../../policies/lib/unknown";
import { isLookupPlaceholder } from "./invokes";
import { UNKNOWN_PLACEHOLDER, type DeclaredResource, type ProgramRun } from "./runner";
import { SECRET_PLACEHOLDER } from "./stack-file";

/** A policy pack as `new PolicyPack(name, { policies, enforcementLevel })` receives it, plus its version. */
export interface PolicyPackDefinition {
  readonly name: string;
  /** The pack's package.json version, as the policy server reports it. */
  readonly version: string;
  /** Level of a policy that sets none. @default "advisory" (the SDK's default) */
  readonly enforcementLevel?: EnforcementLevel;
  readonly policies: Policies;
}

/** Pack config as `pulumi preview --policy-pack-config` reads it: a level, or a level and properties. */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** A policy's effective settings after the pack config: level and properties with schema defaults. */
export interface ResolvedPolicy {
  readonly policy: ResourceValidationPolicy | StackValidationPolicy;
  readonly kind: "resource" | "stack";
  readonly level: EnforcementLevel;
  readonly config: Record<string, unknown>;
}

/** One violation, or an advisory note that a policy could not run on an unknown preview value. */
export interface Violation {
  readonly policy: string;
  readonly level: "mandatory" | "advisory";
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly message: string;
}

export interface PolicyEvaluation {
  readonly pack: { readonly name: string; readonly version: string };
  readonly policies: ResolvedPolicy[];
  readonly violations: Violation[];
  /** How often each policy reported itself not applicable (a resource of another type, no buckets...). */
  readonly notApplicable: Record<string, number>;
}

/** A pack config that does not fit the pack: unknown policy, bad level, property against its schema. */
export class PolicyConfigError extends Error {
  override readonly name = "PolicyConfigError";
  constructor(
    where: string,
    readonly problems: string[],
  ) {
    super(
      `${where}: invalid policy pack config: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n  - ${problems.join("\n  - ")}`,
    );
  }
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Applies a pack config to the pack's policies the way the Pulumi CLI does before it configures the policy
 * server: `all` sets every policy's level, a policy's own entry overrides it, and a policy without either
 * keeps its own level (or the pack's). Properties are checked against the policy's `configSchema` and get
 * its defaults. Every problem is reported at once.
 */
export function resolvePolicies(
  pack: PolicyPackDefinition,
  config: PackConfig,
  where: string,
): ResolvedPolicy[] {
  const problems: string[] = [];
  const names = new Set(pack.policies.map((p) => p.name));
  for (const key of Object.keys(config)) {
    if (key !== "all" && !names.has(key)) {
      problems.push(
        `${key}: got a policy this pack does not have; its policies are ${[...names].join(", ")}`,
      );
    }
  }
  const levelOf = (key: string): EnforcementLevel | undefined => {
    const entry = config[key];
    const level = typeof entry === "string" ? entry : entry?.enforcementLevel;
    if (level !== undefined && !LEVELS.includes(level)) {
      problems.push(
        `${key}.enforcementLevel: got ${JSON.stringify(level)}, expected one of ${LEVELS.join(", ")}`,
      );
      return undefined;
    }
    return level;
  };
  const allLevel = levelOf("all");
  const resolved = pack.policies.map((policy): ResolvedPolicy => {
    const entry = config[policy.name];
    const level = levelOf(policy.name);
    const { enforcementLevel: _level, ...properties } = typeof entry === "object" ? entry : {};
    const known = Object.keys(policy.configSchema?.properties ?? {});
    const schema = z.fromJSONSchema({
      type: "object",
      properties: policy.configSchema?.properties ?? {},
      required: policy.configSchema?.required ?? [],
      additionalProperties: false,
    } as Parameters<typeof z.fromJSONSchema>[0]);
    const parsed = schema.safeParse(properties);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const at = [policy.name, ...issue.path.map(String)].join(".");
        const given = JSON.stringify(
          issue.path.reduce<unknown>(
            (v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k],
            properties,
          ),
        );
        problems.push(
          issue.code === "unrecognized_keys"
            ? `${at}: got the properties ${issue.keys.join(", ")}, expected only ${known.join(", ")}`
            : issue.code === "invalid_type"
              ? `${at}: got ${given}, expected ${issue.expected}`
              : `${at}: got ${given}: ${issue.message}`,
        );
      }
    }
    return {
      policy,
      kind: isStackPolicy(policy) ? "stack" : "resource",
      level: level ?? allLevel ?? policy.enforcementLevel ?? pack.enforcementLevel ?? "advisory",
      config: parsed.success ? (parsed.data as Record<string, unknown>) : {},
    };
  });
  if (problems.length > 0) throw new PolicyConfigError(where, problems);
  return resolved;
}

/**
 * Evaluates a pack's resource and stack policies over a program run, with the policy server's semantics
 * (@pulumi/policy 1.21 server.js): disabled policies are skipped, `remediate` reports as mandatory, a policy
 * whose single validation is typed skips other types as not applicable, `notApplicable()` is counted, and a
 * policy that reads a value unknown during preview is reported as an advisory note instead of failing.
 * Resource policies see each resource's inputs; stack policies see every resource with its parent,
 * dependencies and property dependencies resolved to resources, as in a preview.
 */
export async function evaluatePolicies(
  run: Pick<ProgramRun, "project" | "stack" | "resources">,
  pack: PolicyPackDefinition,
  policies: readonly ResolvedPolicy[],
): Promise<PolicyEvaluation> {
  const violations: Violation[] = [];
  const notApplicable: Record<string, number> = {};
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const stackUrn = `urn:pulumi:${run.stack}::${run.project}::pulumi:pulumi:Stack::${run.project}-${run.stack}`;
  const packRef = `'${pack.name}@v${pack.version}'`;
  const stackTags: ReadonlyMap<string, string> = new Map();

  const violation = (
    policy: string,
    level: EnforcementLevel,
    message: string,
    urn: string | undefined,
  ): Violation => {
    const target = urn ?? stackUrn;
    const r = byUrn.get(target);
    return {
      policy,
      level: level === "advisory" ? "advisory" : "mandatory",
      urn: target,
      type:
        r?.type ??
        (target === stackUrn ? "pulumi:pulumi:Stack" : (target.split("::")[2]?.split("$").pop() ?? "")),
      name: r?.name ?? target.slice(target.lastIndexOf("::") + 2),
      message,
    };
  };
  // Mirrors the server's handling of what a validation throws. A note about a resource policy is the resource's.
  const settle = async (
    policy: ResolvedPolicy,
    urn: string | undefined,
    work: () => unknown,
  ): Promise<void> => {
    try {
      await work();
    } catch (err) {
      if (err instanceof NotApplicableError) {
        notApplicable[policy.policy.name] = (notApplicable[policy.policy.name] ?? 0) + 1;
      } else if (err instanceof policyProxy.UnknownValueError) {
        violations.push(
          violation(
            policy.policy.name,
            "advisory",
            `can't run policy '${policy.policy.name}' from policy pack ${packRef} during preview: ${err.message}`,
            urn,
          ),
        );
      } else {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(`policy '${policy.policy.name}' from policy pack ${packRef} failed: ${message}`, {
          cause: err,
        });
      }
    }
  };

  for (const resolved of policies) {
    const p = resolved.policy;
    if (resolved.level === "disabled") continue;
    const level: EnforcementLevel = resolved.level === "remediate" ? "mandatory" : resolved.level;
    const getConfig = (() => resolved.config) as StackValidationArgs["getConfig"];

    if (resolved.kind === "resource") {
      const validations = validationsOf(p);
      if (validations.length === 0) {
        notApplicable[p.name] = (notApplicable[p.name] ?? 0) + run.resources.length;
        continue;
      }
      const onlyType = validations.length === 1 ? pulumiTypeOf(validations[0]) : undefined;
      const onlyTypes = validations.length === 1 ? appliesTo(validations[0]) : undefined;
      for (const r of run.resources) {
        if (
          (onlyType !== undefined && r.type !== onlyType) ||
          (onlyTypes !== undefined && !onlyTypes.has(r.type))
        ) {
          notApplicable[p.name] = (notApplicable[p.name] ?? 0) + 1;
          continue;
        }
        for (const validate of validations) {
          const args: ResourceValidationArgs = {
            type: r.type,
            props: propsOf(r),
            urn: r.urn,
            name: r.name,
            opts: optionsOf(r),
            stackTags,
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) =>
              isTypeOf(r.type, cls) ? args.props : undefined) as ResourceValidationArgs["asType"],
            getConfig,
            notApplicable: throwNotApplicable,
          };
          await settle(resolved, r.urn, () =>
            validate(args, (message) => violations.push(violation(p.name, level, message, r.urn))),
          );
        }
      }
    } else {
      const stack = p as StackValidationPolicy;
      const onlyType = pulumiTypeOf(stack.validateStack);
      if (onlyType !== undefined && !run.resources.some((r) => r.type === onlyType)) {
        notApplicable[p.name] = (notApplicable[p.name] ?? 0) + 1;
        continue;
      }
      const args: StackValidationArgs = {
        resources: policyResources(run.resources),
        stackTags,
        getConfig,
        notApplicable: throwNotApplicable,
      };
      await settle(resolved, undefined, () =>
        stack.validateStack(args, (message, urn) => violations.push(violation(p.name, level, message, urn))),
      );
    }
  }

  const order = new Map(policies.map((p, i) => [p.policy.name, i]));
  violations.sort(
    (a, b) =>
      (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1) ||
      (order.get(a.policy) ?? 0) - (order.get(b.policy) ?? 0) ||
      (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0),
  );
  return {
    pack: { name: pack.name, version: pack.version },
    policies: [...policies],
    violations,
    notApplicable,
  };
}

class NotApplicableError extends Error {
  override readonly name = "NotApplicableError";
  constructor(reason: string) {
    // Thrown for most resource-policy pairs: no stack trace to capture, nobody reads one.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(reason);
    Error.stackTraceLimit = limit;
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason ?? "Policy does not apply");
}

function isStackPolicy(p: Policy): p is StackValidationPolicy {
  return typeof (p as Partial<StackValidationPolicy>).validateStack === "function";
}

function validationsOf(p: ResourceValidationPolicy): ResourceValidation[] {
  if (p.validateResource === undefined) return [];
  return Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
}

/** The types a validation of this template's pack declares it applies to (see policies/lib/define.ts). */
function appliesTo(validation: unknown): ReadonlySet<string> | undefined {
  const types = (validation as Record<string, unknown> | undefined)?.[APPLIES_TO];
  return types instanceof Set ? (types as ReadonlySet<string>) : undefined;
}

/** The type token a validation or resource class carries (`__pulumiType`), as the server reads it. */
function pulumiTypeOf(value: unknown): string | undefined {
  const t = (value as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const token = pulumiTypeOf(resourceClass);
  if (token !== undefined) return type === token;
  const isInstance = (resourceClass as { isInstance?: unknown }).isInstance;
  return (
    typeof isInstance === "function" &&
    (isInstance as (o: unknown) => unknown)({ __pulumiType: type }) === true
  );
}

function optionsOf(r: DeclaredResource): PolicyResourceOptions {
  return {
    protect: r.protect === true,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent === undefined ? {} : { parent: r.parent }),
  };
}

/** The stack's resources as stack policies see them, parents and dependencies linked to resource objects. */
function policyResources(resources: readonly DeclaredResource[]): PolicyResource[] {
  const out = new Map<string, PolicyResource>();
  for (const r of resources) {
    const props = propsOf(r);
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
    };
    out.set(r.urn, resource);
  }
  const lookUp = (urns: readonly string[]): PolicyResource[] =>
    urns.map((u) => out.get(u)).filter((x): x is PolicyResource => x !== undefined);
  for (const r of resources) {
    const resource = out.get(r.urn) as PolicyResource;
    const parent = r.parent === undefined ? undefined : out.get(r.parent);
    if (parent) resource.parent = parent;
    resource.dependencies = lookUp(r.dependencies);
    for (const [key, urns] of Object.entries(r.propertyDependencies))
      resource.propertyDependencies[key] = lookUp(urns);
  }
  return [...out.values()];
}

/**
 * A resource's inputs as a policy sees them, behind the SDK's unknown-checking proxy. Offline, secret values
 * are placeholders (nothing is decrypted), values the preview does not know yet are recorded as `[unknown]`,
 * and lookups answered offline are placeholders too: all of them read as unknown, so a policy that needs one
 * reports that it could not run instead of judging the placeholder.
 */
function propsOf(r: DeclaredResource): Record<string, unknown> {
  let inputs = withoutSecrets.get(r);
  if (inputs === undefined) {
    inputs = secretsUnknown(r.inputs) as Record<string, unknown>;
    withoutSecrets.set(r, inputs);
  }
  return policyProxy.unknownCheckingProxy(inputs);
}

const withoutSecrets = new WeakMap<DeclaredResource, Record<string, unknown>>();

/** A recorded value the policies must read as unknown. */
function isPlaceholder(value: unknown): boolean {
  return value === SECRET_PLACEHOLDER || value === UNKNOWN_PLACEHOLDER || isLookupPlaceholder(value);
}

function secretsUnknown(value: unknown): unknown {
  if (isPlaceholder(value)) return policyProxy.unknownStringValue;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.some(holdsSecret) ? value.map(secretsUnknown) : value;
  const record = value as Record<string, unknown>;
  if (!Object.values(record).some(holdsSecret)) return value;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, secretsUnknown(v)]));
}

function holdsSecret(value: unknown): boolean {
  if (isPlaceholder(value)) return true;
  if (value === null || typeof value !== "object") return false;
  return (Array.isArray(value) ? value : Object.values(value as Record<string, unknown>)).some(holdsSecret);
}
