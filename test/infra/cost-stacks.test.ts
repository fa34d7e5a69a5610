import { describe, expect, it } from "vitest";

import { estimateCost, RULES } from "../../components/catalog/cost";
import { freeTypes } from "../../components/catalog/pricing";
import { FeaturesSchema } from "../../infra/config/schema";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { runStack, stackConfig } from "../harness";

const configOf = (stack: string, key: string) =>
  JSON.parse(stackConfig(stack).config[`mlplat:${key}`] ?? "{}") as Record<string, unknown>;

/** The resource types of a run that are neither priced by a rule nor listed as free (components aside). */
function unclassified(run: ProgramRun): string[] {
  const free = freeTypes();
  const types = new Set(run.resources.filter((r) => r.custom).map((r) => r.type));
  // Remote components are recorded as one resource: they must be priced like one.
  for (const r of run.resources)
    if (!r.custom && ["eks", "awsx"].includes(r.type.split(":")[0] ?? "")) types.add(r.type);
  return [...types].filter((t) => RULES[t] === undefined && free.reason(t) === undefined).sort();
}

describe("every resource type the project's stacks declare has a price rule or a free entry", () => {
  it.each(["dev", "prod"])("%s: complete estimate, nothing unpriced", async (stack) => {
    const run = await runStack(stack);
    expect(unclassified(run)).toEqual([]);
    const estimate = estimateCost(run.resources, { region: stackConfig(stack).config["aws:region"] ?? "" });
    expect(estimate.unpriced).toEqual([]);
    expect(Number(estimate.totals.fixedUsd)).toBeGreaterThan(0);
  });

  it("with every feature on and the optional parts configured (Karpenter, endpoints, guardrail)", async () => {
    const features = Object.fromEntries(Object.keys(FeaturesSchema.shape).map((k) => [k, true]));
    const runs = [
      await runStack("dev", {
        "mlplat:features": features,
        "mlplat:eks": { ...configOf("dev", "eks"), karpenter: { enabled: true } },
        "mlplat:sagemaker": {
          ...configOf("dev", "sagemaker"),
          endpoint: { name: "churn", modelDataKey: "production/model.tar.gz", mode: "serverless" },
        },
        "mlplat:bedrock": { ...configOf("dev", "bedrock"), guardrail: { filterStrength: "HIGH" } },
      }),
      await runStack("prod", {
        "mlplat:features": features,
        "mlplat:sagemaker": {
          ...configOf("prod", "sagemaker"),
          endpoint: { name: "churn", modelDataKey: "production/model.tar.gz", mode: "instances" },
        },
      }),
    ];
    for (const run of runs)
      expect({ stack: run.stack, unclassified: unclassified(run) }).toEqual({
        stack: run.stack,
        unclassified: [],
      });
  });
});
