import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";

import { runInline } from "../harness";

// Its own file: it runs the program in a fresh process, as the Pulumi runtime's state is process-wide.
it("sends every AWS resource of the program through the emulator provider", async () => {
  const seen: pulumi.Resource[] = [];
  const { main } = await import("../../infra/program");
  await runInline("local", () => {
    pulumi.runtime.registerStackTransformation((args) => {
      seen.push(args.resource);
      return undefined;
    });
    return main();
  });
  // ProviderResource has no brand of its own: a provider is told apart by its type token.
  const typeOf = (r: pulumi.Resource): string => (r as unknown as { __pulumiType: string }).__pulumiType;
  const custom = seen.filter((r) => pulumi.CustomResource.isInstance(r));
  const providers = custom.filter((r) => typeOf(r).startsWith("pulumi:providers:"));
  const awsResources = custom.filter((r) => !providers.includes(r));
  expect(awsResources.length).toBeGreaterThan(10);
  expect(providers).toHaveLength(1);
  for (const r of awsResources) {
    const token = typeOf(r);
    expect(token.startsWith("aws:"), token).toBe(true);
    expect(r.getProvider(token), token).toBe(providers[0]);
  }
});
