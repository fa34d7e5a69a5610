/**
 * docs/policies.md, the pack's policy table, is rendered from the policies' metadata and the stacks' pack
 * configs: it cannot drift from them. After a change, rewrite it with
 * `MLPLAT_UPDATE_DOCS=1 npx vitest run test/policies/policy-table.test.ts`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { expect, it } from "vitest";

import { checkovIdsOf } from "../../policies/lib/define";
import { POLICY_PACK_DIR, readPackConfig, templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import { resolvePolicies } from "../../scripts/cli/offline/policy-engine";
import { REPO_ROOT } from "../harness";

const DOC = path.join(REPO_ROOT, "docs", "policies.md");
const STACKS = ["dev", "prod", "local"] as const;

function render(): string {
  const pack = templatePolicyPack();
  const levels = Object.fromEntries(
    STACKS.map((stack) => {
      const resolved = resolvePolicies(
        pack,
        readPackConfig(path.join(POLICY_PACK_DIR, "config", `${stack}.json`)),
        stack,
      );
      return [
        stack,
        new Map(
          resolved.map((r) => {
            const exceptions = (r.config.exceptions as unknown[] | undefined)?.length ?? 0;
            return [
              r.policy.name,
              exceptions > 0 ? `${r.level} (${exceptions} exception${exceptions > 1 ? "s" : ""})` : r.level,
            ];
          }),
        ),
      ];
    }),
  ) as Record<(typeof STACKS)[number], Map<string, string>>;
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    "# Policies",
    "",
    `The ${pack.policies.length} policies of the \`${pack.name}\` pack (\`policies/pack.ts\`), in the pack's order, with their`,
    "level in each stack's pack config (`policies/config/<stack>.json`) and the Checkov checks each covers",
    "([docs/checkov.md](checkov.md)). Rendered from the policies' metadata and the configs.",
    "",
    "| policy | what a compliant stack looks like | severity | dev | prod | local | Checkov |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const policy of pack.policies) {
    const ids = checkovIdsOf(policy).join(", ");
    lines.push(
      `| \`${policy.name}\` | ${cell(policy.description)} | ${policy.severity ?? ""} | ` +
        `${STACKS.map((s) => levels[s].get(policy.name) ?? "").join(" | ")} | ${ids} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

it("docs/policies.md is rendered from the policies and the pack configs", () => {
  const rendered = render();
  if (process.env.MLPLAT_UPDATE_DOCS === "1") {
    fs.mkdirSync(path.dirname(DOC), { recursive: true });
    fs.writeFileSync(DOC, rendered);
  }
  expect(fs.existsSync(DOC) ? fs.readFileSync(DOC, "utf8") : "(missing)").toBe(rendered);
});
