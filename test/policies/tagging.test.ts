import type { ResourceValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";

import { requiredTags } from "../../policies/tagging/required-tags";
import { declared, evaluateOne, messagesOf, T, TAGS } from "./helpers";

const policy = "required-tags";

describe("required-tags", () => {
  it("passes taggable resources that carry every required tag", async () => {
    expect(
      await messagesOf(policy, [
        declared(T.bucket, "b", { tags: TAGS }),
        declared(T.key, "k", { tags: TAGS }),
      ]),
    ).toEqual([]);
  });

  it("fails a missing and an empty tag", async () => {
    const { Owner: _owner, ...noOwner } = TAGS;
    expect(await messagesOf(policy, [declared(T.bucket, "b", { tags: noOwner })])).toEqual([
      `Bucket "b" lacks the tags Owner`,
    ]);
    expect(await messagesOf(policy, [declared(T.table, "t", { tags: { ...TAGS, CostCenter: "" } })])).toEqual(
      [`Table "t" lacks the tags CostCenter`],
    );
    expect(await messagesOf(policy, [declared(T.key, "k", {})])).toEqual([
      `Key "k" lacks the tags Project, Environment, CostCenter, Owner`,
    ]);
  });

  it("reads an Auto Scaling group's tags from its list of key, value and propagateAtLaunch", async () => {
    const asg = "aws:autoscaling/group:Group";
    const list = (tags: Record<string, string>) =>
      Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
    expect(await messagesOf(policy, [declared(asg, "g", { tags: list(TAGS) })])).toEqual([]);
    const { Owner: _owner, ...noOwner } = TAGS;
    expect(await messagesOf(policy, [declared(asg, "g", { tags: list(noOwner) })])).toEqual([
      `Group "g" lacks the tags Owner`,
    ]);
  });

  it("takes the required keys from the pack config", async () => {
    expect(
      await messagesOf(policy, [declared(T.bucket, "b", { tags: TAGS })], { requiredTags: ["DataClass"] }),
    ).toEqual([`Bucket "b" lacks the tags DataClass`]);
  });

  it("reads taggability from the installed SDK: settings resources, components and unknown packages are not applicable", async () => {
    const { violations, notApplicable } = await evaluateOne(policy, [
      declared(T.policy, "bucket-policy", { policy: "{}" }),
      declared("mlplat:data-lake:DataLake", "lake", {}, { custom: false }),
      declared("nosuchprovider:index/thing:Thing", "thing", {}),
    ]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 3 });
  });

  it("counts the provider's defaultTags", () => {
    const reported: string[] = [];
    const args = {
      type: T.bucket,
      name: "b",
      urn: "urn:pulumi:test::fx::aws:s3/bucket:Bucket::b",
      props: { tags: { Project: "fx" } },
      provider: {
        type: "pulumi:providers:aws",
        name: "p",
        urn: "u",
        props: { defaultTags: JSON.stringify({ tags: TAGS }) },
      },
      getConfig: () => ({ requiredTags: ["Project", "Owner"], exceptions: [] }),
      notApplicable: (reason?: string) => {
        throw new Error(reason);
      },
    } as unknown as ResourceValidationArgs;
    const validate = requiredTags.validateResource as (
      a: ResourceValidationArgs,
      r: (m: string) => void,
    ) => void;
    validate(args, (m) => reported.push(m));
    expect(reported).toEqual([]);
    const { provider: _provider, ...withoutProvider } = args;
    validate(withoutProvider, (m) => reported.push(m));
    expect(reported).toEqual([`Bucket "b" lacks the tags Owner`]);
  });
});
