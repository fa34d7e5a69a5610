/**
 * The monthly cost estimate of a stack, from what it declares and a usage profile. Pure: no Pulumi, no
 * network. Each resource is priced by the rule of its type (./rules.ts) from the region's price file, or is
 * free (listed in pricing/free.json), or is unpriced: unpriced resources are listed, never counted as zero.
 *
 * FIXED costs run whether the stack is used or not (keys, NAT gateways, endpoints per AZ, control planes,
 * nodes at their desired size, instance endpoints, notebooks, provisioned warehouses, secrets). USAGE costs
 * come from the usage profile only (requests, tokens, GB stored, TB scanned, DPU-hours, job hours).
 * Amounts are exact decimals: prices times quantities, never floating point; a month is 730 hours.
 */
import {
  freeTypes,
  PRICE_KEYS,
  pricingFor,
  type AssumptionKey,
  type PriceKey,
  type PriceKeySpec,
  type PriceSource,
  type RegionPricing,
} from "../pricing";
import {
  add,
  compare,
  fromNumber,
  isZero,
  mul,
  parseDecimal,
  shift,
  sub,
  sum,
  toPlain,
  ZERO,
  type Decimal,
} from "../decimal";
import { RULES, STACK_USAGE } from "./rules";
import {
  globMatches,
  NO_USAGE,
  RESOURCE_SECTIONS,
  type ResourceSection,
  type UsageEntry,
  type UsageProfile,
} from "./usage";

/** Hours in a month, as AWS's pricing pages and calculator count them. */
export const HOURS_PER_MONTH = 730;

/**
 * A resource to price: the fields the offline runner records (scripts/cli/offline/runner.ts), which a policy
 * can also build from a PolicyResource. Inputs are read lazily, only where a price needs them, so that a
 * policy's unknown preview values are read (and reported by CrossGuard) only when they matter.
 */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** URN of the parent; undefined for a resource directly under the stack. */
  readonly parent?: string;
  /** For each input property, the URNs of the resources its value came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** False for component resources. @default - decided from the type: a rule or free entry means a resource */
  readonly custom?: boolean;
  /** True for a remote (multi-language) component, whose children are not visible offline. @default false */
  readonly remote?: boolean;
}

export type Basis = "fixed" | "usage";

/** One priced quantity: what, how much, at which price, for how much a month. */
export interface CostLine {
  readonly basis: Basis;
  readonly description: string;
  /** The quantity in the price's base unit (`730` cluster-hours, `300000` requests), exact. */
  readonly quantity: string;
  readonly quantityUnit: string;
  readonly price: {
    readonly key: string;
    readonly item?: string;
    readonly usd: string;
    readonly unit: string;
    readonly source: string;
    readonly asOf: string;
    readonly method: string;
  };
  /** A discount applied to the price (spot), as a fraction, and where the figure comes from. */
  readonly saving?: { readonly fraction: string; readonly assumption: string };
  /** USD a month, exact. */
  readonly monthlyUsd: string;
}

/** A price the resource needs that the region's file lacks. */
export interface MissingPrice {
  readonly key: string;
  readonly item?: string;
  readonly why: string;
}

export type EstimateStatus = "priced" | "partial" | "unpriced" | "free";

export interface ResourceEstimate {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  /** Key of the top-level component the resource belongs to (see {@link ComponentEstimate}). */
  readonly component: string;
  /** priced: every charge has a price; partial: some do not; unpriced: none; free: AWS does not charge. */
  readonly status: EstimateStatus;
  /** Why it is free, or why it could not be priced. */
  readonly reason?: string;
  readonly fixedUsd: string;
  readonly usageUsd: string;
  readonly lines: readonly CostLine[];
  readonly missing: readonly MissingPrice[];
  readonly notes: readonly string[];
}

/** The roll-up of one top-level component (or of the stack's own resources, or of stack-wide usage). */
export interface ComponentEstimate {
  /** The component's URN, `stack` for resources directly under the stack, `usage:<section>` for usage. */
  readonly key: string;
  readonly name: string;
  readonly type: string;
  readonly fixedUsd: string;
  readonly usageUsd: string;
  readonly totalUsd: string;
  readonly resources: number;
  /** Resources of the component that are unpriced or partly priced. */
  readonly unpriced: number;
}

export interface StackEstimate {
  readonly region: string;
  /** The price file used. */
  readonly pricingFile: string;
  readonly hoursPerMonth: number;
  /** Where the usage profile came from; undefined when none was given (usage costs are then $0). */
  readonly usageProfile?: string;
  readonly totals: { readonly fixedUsd: string; readonly usageUsd: string; readonly totalUsd: string };
  readonly components: readonly ComponentEstimate[];
  /** Every resource that is not a component, and the stack-wide usage items, in URN order. */
  readonly resources: readonly ResourceEstimate[];
  /** Resources that are unpriced or partly priced: their cost is not (fully) in the totals. */
  readonly unpriced: readonly { urn: string; name: string; type: string; reason: string }[];
  /** Free resources by type. */
  readonly free: Readonly<Record<string, number>>;
  /** Usage entries that matched nothing, and similar notes about the inputs. */
  readonly warnings: readonly string[];
  /** The assumptions applied (spot savings), with their sources. */
  readonly assumptions: readonly { key: string; value: string; source: string; note?: string }[];
  /** The sources of every price used. */
  readonly sources: readonly PriceSource[];
}

export interface EstimateOptions {
  /** The AWS region whose prices apply (the stack's `aws:region`). */
  readonly region: string;
  /** @default no usage: only fixed costs */
  readonly usage?: UsageProfile;
  /** Where the usage profile came from, for the report. @default - none */
  readonly usageSource?: string;
  /** Price files to use instead of the catalog's. @default the catalog's file for the region */
  readonly pricing?: RegionPricing;
}

/** What a rule sees and how it records charges. */
export interface RuleContext {
  readonly resource: PlannedResource;
  readonly pricing: RegionPricing;
  /** Every resource of the stack (to follow references, e.g. an endpoint's configuration). */
  readonly resources: ReadonlyMap<string, PlannedResource>;
  /** The resources whose parent chain includes `urn`. */
  descendants(urn: string): PlannedResource[];
  /** The usage profile entry for this resource in `section`, if one matches it. */
  usage<S extends ResourceSection>(section: S): UsageEntry<S> | undefined;
  /** Records `quantity` (in the price's base unit) at the price `key`/`item`, or the missing price. */
  charge(
    basis: Basis,
    description: string,
    key: PriceKey,
    item: string | undefined,
    quantity: Decimal,
    quantityUnit: string,
    saving?: AssumptionKey,
  ): void;
  note(text: string): void;
  /** Records a charge this estimate cannot price (the resource becomes partial or unpriced). */
  missing(key: string, why: string, item?: string): void;
  /** Marks the resource as a component after all (a remote component whose children are in the stack). */
  asComponent(): void;
}

export type Rule = (ctx: RuleContext) => void;

/** Estimates the stack's monthly cost. Throws for a region without prices (PricingNotFoundError). */
export function estimateCost(resources: readonly PlannedResource[], options: EstimateOptions): StackEstimate {
  const pricing = options.pricing ?? pricingFor(options.region);
  const usage = options.usage ?? NO_USAGE;
  const free = freeTypes();
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, PlannedResource[]>();
  for (const r of resources) {
    if (r.parent === undefined) continue;
    children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  }
  const descendants = (urn: string): PlannedResource[] =>
    (children.get(urn) ?? []).flatMap((c) => [c, ...descendants(c.urn)]);
  const matcher = usageMatcher(usage, resources);
  const sourcesUsed = new Map<string, PriceSource>();
  const assumptionsUsed = new Map<string, StackEstimate["assumptions"][number]>();
  const components = new Set<string>();
  const estimates: ResourceEstimate[] = [];

  for (const r of resources) {
    const rule = RULES[r.type];
    if (rule === undefined) {
      // Every resource is priced, free for a listed reason, or unpriced; only containers are left out, and
      // their children are priced.
      const freeReason = free.reason(r.type);
      const kind = kindOf(r, children);
      if (freeReason !== undefined) estimates.push(base(r, "free", freeReason));
      else if (kind === "container") components.add(r.urn);
      else estimates.push(base(r, "unpriced", unpricedReason(r, kind)));
      continue;
    }
    const recorder = new Recorder(r, pricing, sourcesUsed, assumptionsUsed);
    const outcome = { component: false };
    rule({
      resource: r,
      pricing,
      resources: byUrn,
      descendants,
      usage: (section) => matcher.entryFor(section, r),
      charge: (...args) => {
        recorder.charge(...args);
      },
      note: (text) => {
        recorder.notes.push(text);
      },
      missing: (key, why, item) => recorder.missingPrices.push({ key, why, ...(item ? { item } : {}) }),
      asComponent: () => {
        outcome.component = true;
      },
    });
    if (outcome.component) {
      components.add(r.urn);
      continue;
    }
    estimates.push(recorder.result());
  }

  // Work that is not a declared resource: Bedrock tokens, SageMaker jobs, nodes launched on demand.
  for (const [section, price] of Object.entries(STACK_USAGE)) {
    const entries = (usage as Record<string, unknown[] | undefined>)[section] ?? [];
    entries.forEach((entry, index) => {
      const pseudo: PlannedResource = {
        type: `usage:${section}`,
        name: price.name(entry as never, index),
        urn: `usage:${section}[${index}]`,
        inputs: {},
      };
      const recorder = new Recorder(pseudo, pricing, sourcesUsed, assumptionsUsed);
      price.estimate(
        entry as never,
        (...args) => {
          recorder.charge(...args);
        },
        (t) => {
          recorder.notes.push(t);
        },
      );
      estimates.push({ ...recorder.result(), component: `usage:${section}` });
    });
  }

  const withComponents = estimates.map((e) =>
    e.component.startsWith("usage:") ? e : { ...e, component: topComponent(e.urn, byUrn) },
  );
  withComponents.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const fixed = sum(withComponents.map((e) => parseDecimal(e.fixedUsd)));
  const usageTotal = sum(withComponents.map((e) => parseDecimal(e.usageUsd)));
  const freeCounts: Record<string, number> = {};
  for (const e of withComponents) if (e.status === "free") freeCounts[e.type] = (freeCounts[e.type] ?? 0) + 1;

  return {
    region: pricing.region,
    pricingFile: pricing.file,
    hoursPerMonth: HOURS_PER_MONTH,
    ...(options.usageSource === undefined ? {} : { usageProfile: options.usageSource }),
    totals: {
      fixedUsd: toPlain(fixed),
      usageUsd: toPlain(usageTotal),
      totalUsd: toPlain(add(fixed, usageTotal)),
    },
    components: rollUp(withComponents, byUrn),
    resources: withComponents,
    unpriced: withComponents
      .filter((e) => e.status === "unpriced" || e.status === "partial")
      .map((e) => ({ urn: e.urn, name: e.name, type: e.type, reason: e.reason ?? "" })),
    free: freeCounts,
    warnings: matcher.warnings(),
    assumptions: [...assumptionsUsed.values()],
    sources: [...sourcesUsed.values()].sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** Records one resource's lines, missing prices and notes. */
class Recorder {
  readonly lines: CostLine[] = [];
  readonly missingPrices: MissingPrice[] = [];
  readonly notes: string[] = [];

  constructor(
    private readonly resource: PlannedResource,
    private readonly pricing: RegionPricing,
    private readonly sources: Map<string, PriceSource>,
    private readonly assumptions: Map<string, StackEstimate["assumptions"][number]>,
  ) {}

  charge(
    basis: Basis,
    description: string,
    key: PriceKey,
    item: string | undefined,
    quantity: Decimal,
    quantityUnit: string,
    saving?: AssumptionKey,
  ): void {
    const spec: PriceKeySpec = PRICE_KEYS[key];
    const price = this.pricing.price(key, item);
    if (price === undefined) {
      this.missingPrices.push({
        key,
        ...(item === undefined ? {} : { item }),
        why: `no ${spec.what} price${item === undefined ? "" : ` for ${item}`} in ${this.pricing.region}`,
      });
      return;
    }
    this.sources.set(price.source.id, price.source);
    let monthly = shift(mul(quantity, price.amount), spec.per ?? 0);
    let applied: CostLine["saving"];
    if (saving !== undefined) {
      const assumption = this.pricing.assumption(saving);
      if (assumption === undefined) {
        this.notes.push(
          `no ${saving} assumption for ${this.pricing.region}: priced at the full on-demand rate`,
        );
      } else {
        this.sources.set(assumption.source.id, assumption.source);
        this.assumptions.set(assumption.key, {
          key: assumption.key,
          value: assumption.value,
          source: assumption.source.title,
          ...(assumption.note ? { note: assumption.note } : {}),
        });
        monthly = mul(monthly, sub(parseDecimal("1"), assumption.amount));
        applied = { fraction: assumption.value, assumption: assumption.key };
      }
    }
    this.lines.push({
      basis,
      description,
      quantity: toPlain(quantity),
      quantityUnit,
      price: {
        key,
        ...(item === undefined ? {} : { item }),
        usd: price.usd,
        unit: price.unit,
        source: price.source.id,
        asOf: price.source.asOf,
        method: price.source.method,
      },
      ...(applied ? { saving: applied } : {}),
      monthlyUsd: toPlain(monthly),
    });
  }

  result(): ResourceEstimate {
    const total = (basis: Basis) =>
      toPlain(sum(this.lines.filter((l) => l.basis === basis).map((l) => parseDecimal(l.monthlyUsd))));
    const status: EstimateStatus =
      this.missingPrices.length === 0 ? "priced" : this.lines.length > 0 ? "partial" : "unpriced";
    return {
      ...base(
        this.resource,
        status,
        status === "priced" ? undefined : this.missingPrices.map((m) => m.why).join("; "),
      ),
      fixedUsd: total("fixed"),
      usageUsd: total("usage"),
      lines: this.lines,
      missing: this.missingPrices,
      notes: this.notes,
    };
  }
}

function base(r: PlannedResource, status: EstimateStatus, reason: string | undefined): ResourceEstimate {
  return {
    urn: r.urn,
    name: r.name,
    type: r.type,
    component: "stack",
    status,
    ...(reason === undefined ? {} : { reason }),
    fixedUsd: "0",
    usageUsd: "0",
    lines: [],
    missing: [],
    notes: [],
  };
}

/** Packages whose resources are cloud resources; any other package's types are components. */
const RESOURCE_PACKAGES = new Set(["aws", "kubernetes", "pulumi", "random", "tls", "command", "docker"]);
/**
 * Packages of remote (multi-language) components, for resources that do not say (a policy's view of a
 * preview): offline each is one resource with no children.
 */
const REMOTE_COMPONENT_PACKAGES = new Set([
  "eks",
  "awsx",
  "aws-apigateway",
  "aws-static-website",
  "kubernetes-cert-manager",
  "kubernetes-coredns",
  "kubernetes-ingress-nginx",
]);

function packageOf(type: string): string {
  return type.split(":")[0] ?? "";
}

/**
 * What a resource without a price rule is: a cloud resource; a container whose children are priced (a local
 * component, or a remote one whose children a real preview shows); or a remote component seen offline, one
 * resource whose children are not visible.
 */
function kindOf(
  r: PlannedResource,
  children: ReadonlyMap<string, PlannedResource[]>,
): "resource" | "container" | "opaque" {
  const hasChildren = (children.get(r.urn)?.length ?? 0) > 0;
  const remote = r.remote === true || (r.custom !== true && REMOTE_COMPONENT_PACKAGES.has(packageOf(r.type)));
  if (remote) return hasChildren ? "container" : "opaque";
  const component = r.custom !== undefined ? !r.custom : !RESOURCE_PACKAGES.has(packageOf(r.type));
  return component ? "container" : "resource";
}

function unpricedReason(r: PlannedResource, kind: "resource" | "opaque"): string {
  if (kind === "opaque") {
    return (
      `a remote component whose children are not visible offline, so what it creates is not priced ` +
      `(no price rule for ${r.type} in components/catalog/cost/rules.ts)`
    );
  }
  return `no price rule for ${r.type} (components/catalog/cost/rules.ts) and not listed as free (components/catalog/pricing/free.json)`;
}

/** The top-level component a resource belongs to: its outermost ancestor, or `stack`. */
function topComponent(urn: string, byUrn: ReadonlyMap<string, PlannedResource>): string {
  let current = byUrn.get(urn);
  if (current?.parent === undefined) return "stack";
  let top = current.parent;
  while (current?.parent !== undefined) {
    top = current.parent;
    current = byUrn.get(current.parent);
  }
  return top;
}

function rollUp(
  estimates: readonly ResourceEstimate[],
  byUrn: ReadonlyMap<string, PlannedResource>,
): ComponentEstimate[] {
  const groups = new Map<string, ResourceEstimate[]>();
  for (const e of estimates) groups.set(e.component, [...(groups.get(e.component) ?? []), e]);
  const rows = [...groups.entries()].map(([key, members]): ComponentEstimate => {
    const fixed = sum(members.map((m) => parseDecimal(m.fixedUsd)));
    const usage = sum(members.map((m) => parseDecimal(m.usageUsd)));
    const owner = byUrn.get(key);
    const label = key.startsWith("usage:")
      ? { name: USAGE_LABELS[key.slice("usage:".length)] ?? key, type: "usage profile" }
      : key === "stack"
        ? { name: "(stack)", type: "resources directly under the stack" }
        : {
            name: owner?.name ?? key.slice(key.lastIndexOf("::") + 2),
            type: owner?.type ?? key.split("::")[2]?.split("$").pop() ?? "",
          };
    return {
      key,
      ...label,
      fixedUsd: toPlain(fixed),
      usageUsd: toPlain(usage),
      totalUsd: toPlain(add(fixed, usage)),
      resources: members.length,
      unpriced: members.filter((m) => m.status === "unpriced" || m.status === "partial").length,
    };
  });
  // Most expensive first; ties by name, so that reports are stable.
  return rows.sort(
    (a, b) => compare(parseDecimal(b.totalUsd), parseDecimal(a.totalUsd)) || a.name.localeCompare(b.name),
  );
}

const USAGE_LABELS: Record<string, string> = {
  bedrock: "Bedrock on-demand tokens",
  sagemakerTraining: "SageMaker training jobs",
  sagemakerProcessing: "SageMaker processing jobs",
  eksNodes: "EKS nodes launched on demand",
};

/** Assigns each resource the first usage entry of a section whose glob matches its name. */
function usageMatcher(usage: UsageProfile, resources: readonly PlannedResource[]) {
  const used = new Set<string>();
  const entryFor = <S extends ResourceSection>(section: S, r: PlannedResource): UsageEntry<S> | undefined => {
    const types: readonly string[] = RESOURCE_SECTIONS[section];
    if (!types.includes(r.type)) return undefined;
    const entries = (usage[section] ?? []) as (UsageEntry<S> & { resource?: string })[];
    const index = entries.findIndex((e) => globMatches(e.resource ?? "*", r.name));
    if (index === -1) return undefined;
    used.add(`${section}[${index}]`);
    return entries[index];
  };
  return {
    entryFor,
    warnings(): string[] {
      const out: string[] = [];
      for (const section of Object.keys(RESOURCE_SECTIONS) as ResourceSection[]) {
        const entries = (usage[section] ?? []) as { resource?: string }[];
        const types: readonly string[] = RESOURCE_SECTIONS[section];
        entries.forEach((e, i) => {
          if (used.has(`${section}[${i}]`)) return;
          const pattern = e.resource ?? "*";
          const matches = resources.some((r) => types.includes(r.type) && globMatches(pattern, r.name));
          out.push(
            matches
              ? `usage ${section}[${i}]: every ${types.join(" or ")} that "${pattern}" matches is taken by an earlier entry; not counted`
              : `usage ${section}[${i}]: "${pattern}" matches no ${types.join(" or ")} of this stack; not counted`,
          );
        });
      }
      return out;
    },
  };
}

/** A non-negative number from a usage profile or an input, as an exact decimal. */
export function decimal(value: number): Decimal {
  return fromNumber(value);
}

export { isZero, ZERO };
