import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * A written, reviewed exception: the resource it covers (logical name, `*` glob, or URN), and why. An exception
 * that lists `actions` excuses only violations about those IAM actions (a policy that reports by action says
 * which): a statement added to the resource later is judged again.
 */
export interface PolicyException {
  /** Stable id to cite in reviews, e.g. `EXC-1`. */
  readonly id: string;
  readonly resource: string;
  readonly reason: string;
  /** IAM actions (case-insensitive, `*` globs) the exception excuses. @default - every violation of the resource */
  readonly actions?: readonly string[];
}

/** What a violation is about, for exceptions scoped to it. */
export interface ViolationScope {
  /** The IAM actions the violation reports. */
  readonly actions?: readonly string[];
}

/**
 * The `exceptions` property every policy of this pack accepts in its pack config. It lives in the pack
 * config, not in code, so that `pulumi preview --policy-pack-config` and `mlplat check` honour the same file.
 */
export const EXCEPTIONS_SCHEMA: PolicyConfigJSONSchema = {
  type: "array",
  description: "Resources this policy does not apply to, each with an id and the reason it is accepted",
  default: [],
  items: {
    type: "object",
    properties: {
      id: { type: "string", pattern: "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]+$" },
      resource: { type: "string", minLength: 1 },
      reason: { type: "string", minLength: 10 },
      actions: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    },
    required: ["id", "resource", "reason"],
    additionalProperties: false,
  },
};

/** True when an exception's `resource` names this resource: its URN, its logical name, or a `*` glob of it. */
export function exceptionCovers(pattern: string, urn: string): boolean {
  if (pattern === urn) return true;
  const name = urn.slice(urn.lastIndexOf("::") + 2);
  if (!pattern.includes("*")) return pattern === name;
  const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
  return re.test(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

interface PolicyMetadata {
  /** Kebab-case id, unique in the pack. */
  readonly name: string;
  /** One sentence: what a compliant stack looks like. */
  readonly description: string;
  readonly severity: Severity;
  /** The level when the pack config does not set one. */
  readonly enforcementLevel: EnforcementLevel;
  /** What to change to comply. */
  readonly remediationSteps: string;
  /** Tunable properties; `exceptions` is added to every policy. @default - no tunable properties */
  readonly config?: PolicyConfigSchema["properties"];
  /**
   * The Checkov checks (`CKV_AWS_*`, `CKV2_AWS_*`) this policy covers: it fails what they fail and passes what
   * they pass, for Pulumi's resources. @default - none
   */
  readonly checkov?: readonly string[];
}

/** Where a policy of this pack keeps the Checkov ids it covers (not part of CrossGuard's policy shape). */
const CHECKOV = "__mlplatCheckov";

/** The Checkov ids a policy of this pack covers. */
export function checkovIdsOf(policy: object): readonly string[] {
  return (policy as { [CHECKOV]?: readonly string[] })[CHECKOV] ?? [];
}

type Report = (message: string, urn?: string, scope?: ViolationScope) => void;

/**
 * Where a validation of this pack lists the types it applies to, so that an offline evaluator can skip other
 * types without calling it (and count them not applicable, as the validation would have said).
 */
export const APPLIES_TO = "__mlplatAppliesTo";

/** A resource policy of this pack: metadata, the types it applies to, and its check. */
export function resourcePolicy(
  def: PolicyMetadata & {
    /** Type tokens the policy applies to; any other type is not applicable. @default - every type */
    readonly types?: readonly string[];
    readonly validate: (args: ResourceValidationArgs, report: Report) => void;
  },
): ResourceValidationPolicy {
  const types = def.types === undefined ? undefined : new Set(def.types);
  const validateResource = (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
    if (types !== undefined && !types.has(args.type)) {
      args.notApplicable(`Policy only applies to resources of type ${[...types].join(", ")}`);
    }
    def.validate(args, withExceptions(args, reportViolation, args.urn));
  };
  // The policy server's fast path (as for validateResourceOfType): a single type skips other resources early.
  if (def.types?.length === 1) Object.assign(validateResource, { __pulumiType: def.types[0] });
  // The same for several types, read by `mlplat check` (the server calls the validation, which says the same).
  if (types !== undefined) Object.assign(validateResource, { [APPLIES_TO]: types });
  return { ...metadata(def), validateResource };
}

/** A stack policy of this pack: metadata and a check over every resource of the stack. */
export function stackPolicy(
  def: PolicyMetadata & { readonly validate: (args: StackValidationArgs, report: Report) => void },
): StackValidationPolicy {
  return {
    ...metadata(def),
    validateStack: (args, reportViolation) => {
      def.validate(args, withExceptions(args, reportViolation, undefined));
    },
  };
}

function metadata(def: PolicyMetadata) {
  return {
    name: def.name,
    description: def.description,
    severity: def.severity,
    enforcementLevel: def.enforcementLevel,
    remediationSteps: def.remediationSteps,
    configSchema: { properties: { ...def.config, exceptions: EXCEPTIONS_SCHEMA } },
    ...(def.checkov !== undefined && def.checkov.length > 0 ? { [CHECKOV]: def.checkov } : {}),
  };
}

/** Drops the violations that a configured exception covers. */
function withExceptions(
  args: ResourceValidationArgs | StackValidationArgs,
  reportViolation: ReportViolation,
  defaultUrn: string | undefined,
): Report {
  const exceptions = args.getConfig<{ exceptions?: PolicyException[] }>().exceptions ?? [];
  return (message, urn, scope) => {
    const target = urn ?? defaultUrn;
    const excused = exceptions.some(
      (e) => target !== undefined && exceptionCovers(e.resource, target) && actionsExcused(e, scope),
    );
    if (!excused) reportViolation(message, urn);
  };
}

/** An exception without `actions` excuses the resource; with them, only a violation about those actions alone. */
function actionsExcused(exception: PolicyException, scope: ViolationScope | undefined): boolean {
  if (exception.actions === undefined) return true;
  const reported = scope?.actions ?? [];
  const patterns = exception.actions.map(
    (a) => new RegExp(`^${a.split("*").map(escapeRegExp).join(".*")}$`, "i"),
  );
  return reported.length > 0 && reported.every((action) => patterns.some((p) => p.test(action)));
}

/** The logical name in a URN. */
export function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}
