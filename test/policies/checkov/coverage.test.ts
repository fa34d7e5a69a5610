/**
 * How much of Checkov the pack covers, measured: each Checkov check for the types an ML/data platform declares
 * (./checks.ts) is a fail case and its pass twin (./cases/<service>.ts), or is not applicable with a reason. A
 * check is covered when a policy whose metadata names its id fails the fail case (at the prod stack's level,
 * mandatory or advisory) and reports nothing on the pass twin. The covered ids are pinned per service (`covered`
 * in each case file): a change that loses one fails here.
 */
import * as path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { checkovIdsOf } from "../../../policies/lib/define";
import { readPackConfig, templatePolicyPack } from "../../../scripts/cli/offline/policy-check";
import { evaluatePolicies, resolvePolicies } from "../../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../../scripts/cli/offline/runner";
import { REPO_ROOT } from "../../harness";
import { runOf } from "../helpers";
import type { CheckovCase } from "./case";
import { SERVICES } from "./cases";
import { CHECKOV_CHECKS } from "./checks";

const pack = templatePolicyPack();
const levels = resolvePolicies(
  pack,
  readPackConfig(path.join(REPO_ROOT, "policies", "config", "prod.json")),
  "prod",
);
/** Policy name -> the Checkov ids it names. */
const namedBy = new Map(pack.policies.map((p) => [p.name, checkovIdsOf(p)] as const));
const policiesNaming = (id: string): string[] =>
  [...namedBy].filter(([, ids]) => ids.includes(id)).map(([name]) => name);

const cases: (CheckovCase & { service: string })[] = Object.entries(SERVICES).flatMap(([service, s]) =>
  s.cases.map((c) => ({ ...c, service })),
);

/** The messages of the policies naming `id` over the resources. */
async function findings(id: string, resources: readonly DeclaredResource[]): Promise<string[]> {
  const policies = new Set(policiesNaming(id));
  const { violations } = await evaluatePolicies(runOf(resources), pack, levels);
  return violations.filter((v) => policies.has(v.policy)).map((v) => `${v.policy}: ${v.message}`);
}

describe("the Checkov checks the pack is measured against", () => {
  it("are each a case or not applicable with a reason, in their own service, once", () => {
    const placed = Object.entries(SERVICES).flatMap(([service, s]) => [
      ...s.cases.map((c) => `${service} ${c.id}`),
      ...s.notApplicable.map((n) => `${service} ${n.id}`),
    ]);
    expect([...placed].sort()).toEqual(CHECKOV_CHECKS.map((c) => `${c.service} ${c.id}`).sort());
    for (const s of Object.values(SERVICES)) {
      for (const n of s.notApplicable) expect(n.reason.length, n.id).toBeGreaterThan(30);
    }
  });

  it("are named only by policies that have a case for them", () => {
    const withCase = new Set(cases.map((c) => c.id));
    const named = [...namedBy.values()].flat();
    expect(named.filter((id) => !withCase.has(id))).toEqual([]);
    expect(cases.filter((c) => policiesNaming(c.id).length === 0).map((c) => c.id)).toEqual([]);
  });
});

describe("Checkov coverage", () => {
  const caught = new Map<string, { fail: string[]; pass: string[] }>();
  beforeAll(async () => {
    for (const c of cases)
      caught.set(c.id, { fail: await findings(c.id, c.fail), pass: await findings(c.id, c.pass) });
  });

  it.each(cases.map((c) => [c.id, c] as const))(
    "%s: the fail case is reported, its pass twin is not",
    (id, c) => {
      const result = caught.get(id);
      expect(
        result?.fail.length,
        `${id} (${c.title}) is not reported by ${policiesNaming(id).join(", ")}`,
      ).toBeGreaterThan(0);
      expect(result?.pass, `${id}: the pass twin is reported`).toEqual([]);
    },
  );

  it("covers the pinned checks, and at least 90% of those that apply", () => {
    const covered: Record<string, string[]> = Object.fromEntries(
      Object.keys(SERVICES)
        .sort()
        .map((s) => [s, []]),
    );
    for (const c of cases) {
      const result = caught.get(c.id);
      if (result && result.fail.length > 0 && result.pass.length === 0) covered[c.service]?.push(c.id);
    }
    for (const ids of Object.values(covered)) ids.sort();
    expect(covered).toEqual(
      Object.fromEntries(
        Object.keys(SERVICES)
          .sort()
          .map((s) => [s, [...(SERVICES[s]?.covered ?? [])].sort()]),
      ),
    );
    const applicable = CHECKOV_CHECKS.length - Object.values(SERVICES).flatMap((s) => s.notApplicable).length;
    const count = Object.values(covered).flat().length;
    expect(count / applicable).toBeGreaterThanOrEqual(0.9);
  });
});
