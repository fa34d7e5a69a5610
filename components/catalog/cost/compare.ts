/**
 * The difference between two estimates, per component: what a change to the stack (another commit) or
 * another stack costs more or less, for a PR comment.
 */
import { compare as compareDecimals, parseDecimal, sub, toPlain } from "../decimal";
import type { ComponentEstimate, StackEstimate } from "./estimate";

export interface ComponentDelta {
  /** The component's name with the stack's name replaced by `<stack>`, so that dev and prod line up. */
  readonly component: string;
  readonly type: string;
  /** Undefined when the component is not in that estimate. */
  readonly base?: { readonly fixedUsd: string; readonly usageUsd: string; readonly totalUsd: string };
  readonly head?: { readonly fixedUsd: string; readonly usageUsd: string; readonly totalUsd: string };
  /** head - base, total. */
  readonly deltaUsd: string;
  readonly deltaFixedUsd: string;
}

export interface EstimateComparison {
  readonly base: { readonly label: string; readonly estimate: StackEstimate };
  readonly head: { readonly label: string; readonly estimate: StackEstimate };
  readonly components: readonly ComponentDelta[];
  readonly delta: { readonly fixedUsd: string; readonly usageUsd: string; readonly totalUsd: string };
}

/**
 * Compares `head` with `base` component by component. Components match by type and by name, with each
 * stack's name taken out of the names (`mlplat-dev-ml` and `mlplat-prod-ml` are both `mlplat-<stack>-ml`).
 */
export function compareEstimates(
  base: { label: string; stack: string; estimate: StackEstimate },
  head: { label: string; stack: string; estimate: StackEstimate },
): EstimateComparison {
  const keyed = (side: { stack: string; estimate: StackEstimate }) =>
    new Map(side.estimate.components.map((c) => [keyOf(c, side.stack), c]));
  const before = keyed(base);
  const after = keyed(head);
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const amounts = (c: ComponentEstimate | undefined) =>
    c === undefined ? undefined : { fixedUsd: c.fixedUsd, usageUsd: c.usageUsd, totalUsd: c.totalUsd };
  const rows = keys.map((key): ComponentDelta => {
    const b = before.get(key);
    const h = after.get(key);
    const [type = "", component = key] = key.split("|");
    const b0 = amounts(b);
    const h0 = amounts(h);
    return {
      component,
      type,
      ...(b0 ? { base: b0 } : {}),
      ...(h0 ? { head: h0 } : {}),
      deltaUsd: difference(h?.totalUsd, b?.totalUsd),
      deltaFixedUsd: difference(h?.fixedUsd, b?.fixedUsd),
    };
  });
  // Largest change first, then by name.
  rows.sort(
    (x, y) =>
      compareDecimals(abs(parseDecimal(y.deltaUsd)), abs(parseDecimal(x.deltaUsd))) ||
      x.component.localeCompare(y.component),
  );
  const totals = (field: "fixedUsd" | "usageUsd" | "totalUsd") =>
    difference(head.estimate.totals[field], base.estimate.totals[field]);
  return {
    base: { label: base.label, estimate: base.estimate },
    head: { label: head.label, estimate: head.estimate },
    components: rows,
    delta: { fixedUsd: totals("fixedUsd"), usageUsd: totals("usageUsd"), totalUsd: totals("totalUsd") },
  };
}

function keyOf(c: ComponentEstimate, stack: string): string {
  const name = stack === "" ? c.name : c.name.split(stack).join("<stack>");
  return `${c.type}|${name}`;
}

function difference(after: string | undefined, before: string | undefined): string {
  return toPlain(sub(parseDecimal(after ?? "0"), parseDecimal(before ?? "0")));
}

function abs(d: ReturnType<typeof parseDecimal>) {
  return d.units < 0n ? { units: -d.units, scale: d.scale } : d;
}
