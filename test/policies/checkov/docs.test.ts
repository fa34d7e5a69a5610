/**
 * docs/checkov.md, the table of which policy covers each Checkov check and why the others do not apply, is
 * rendered from the policies' metadata and the cases: it cannot drift from them. After a change, rewrite it with
 * `MLPLAT_UPDATE_DOCS=1 npx vitest run test/policies/checkov/docs.test.ts`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { expect, it } from "vitest";

import { checkovIdsOf } from "../../../policies/lib/define";
import { templatePolicyPack } from "../../../scripts/cli/offline/policy-check";
import { REPO_ROOT } from "../../harness";
import { SERVICES } from "./cases";
import { CHECKOV_CHECKS } from "./checks";

const DOC = path.join(REPO_ROOT, "docs", "checkov.md");

function render(): string {
  const policies = templatePolicyPack().policies;
  const coveredBy = (id: string) =>
    policies
      .filter((p) => checkovIdsOf(p).includes(id))
      .map((p) => `\`${p.name}\``)
      .join(", ");
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    "# Checkov coverage",
    "",
    "Which policy of the pack covers each Checkov check (bridgecrewio/checkov at commit 03d5fdad) for the resource",
    "types an ML/data platform declares, and why the others do not apply. Rendered from the policies' `checkov`",
    "metadata and `test/policies/checkov/cases/`, where each covered check has a fail case and its pass twin that",
    "`test/policies/checkov/coverage.test.ts` runs through the whole pack.",
    "",
    "| service | checks | covered | not applicable |",
    "| --- | --- | --- | --- |",
  ];
  const services = Object.keys(SERVICES).sort();
  let all = 0;
  let covered = 0;
  let notApplicable = 0;
  for (const service of services) {
    const s = SERVICES[service];
    const checks = CHECKOV_CHECKS.filter((c) => c.service === service).length;
    all += checks;
    covered += s?.covered.length ?? 0;
    notApplicable += s?.notApplicable.length ?? 0;
    lines.push(`| ${service} | ${checks} | ${s?.covered.length ?? 0} | ${s?.notApplicable.length ?? 0} |`);
  }
  lines.push(`| **all** | ${all} | ${covered} of ${all - notApplicable} that apply | ${notApplicable} |`, "");
  for (const service of services) {
    const s = SERVICES[service];
    lines.push(
      `## ${service}`,
      "",
      "| Checkov | check | policy, or why it does not apply |",
      "| --- | --- | --- |",
    );
    for (const check of CHECKOV_CHECKS.filter((c) => c.service === service)) {
      const na = s?.notApplicable.find((n) => n.id === check.id);
      const by = s?.covered.includes(check.id) ? coveredBy(check.id) : "";
      const verdict = na ? `not applicable: ${cell(na.reason)}` : by || "not covered yet";
      lines.push(`| ${check.id} | ${cell(check.name)} | ${verdict} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

it("docs/checkov.md is rendered from the policies and the cases", () => {
  const rendered = render();
  if (process.env.MLPLAT_UPDATE_DOCS === "1") {
    fs.mkdirSync(path.dirname(DOC), { recursive: true });
    fs.writeFileSync(DOC, rendered);
  }
  expect(fs.existsSync(DOC) ? fs.readFileSync(DOC, "utf8") : "(missing)").toBe(rendered);
});
