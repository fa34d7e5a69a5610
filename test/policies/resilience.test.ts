import { describe, expect, it } from "vitest";

import { declared, evaluateOne, messagesOf, T } from "./helpers";

const policy = "stateful-resources-protected";

describe("stateful-resources-protected", () => {
  it("passes protected buckets, keys and tables", async () => {
    const resources = [T.bucket, T.key, T.table].map((t, i) => declared(t, `r${i}`, {}, { protect: true }));
    expect(await messagesOf(policy, resources)).toEqual([]);
  });

  it("fails an unprotected store, also when it is only retained", async () => {
    expect(await messagesOf(policy, [declared(T.bucket, "b", {}, { retainOnDelete: true })])).toEqual([
      `Bucket "b" holds data and is not protected: set protect (and retainOnDelete)`,
    ]);
  });

  it("is not applicable to stateless types, unless the pack config lists them", async () => {
    const fn = [declared("aws:lambda/function:Function", "fn", {})];
    expect((await evaluateOne(policy, fn)).notApplicable).toEqual({ [policy]: 1 });
    expect(await messagesOf(policy, fn, { additionalTypes: ["aws:lambda/function:Function"] })).toEqual([
      `Function "fn" holds data and is not protected: set protect (and retainOnDelete)`,
    ]);
  });
});
