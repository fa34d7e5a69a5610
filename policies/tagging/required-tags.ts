import { resourcePolicy } from "../lib/define";
import { isTaggable } from "../lib/taggable";
import { peek } from "../lib/unknown";

/**
 * Every taggable resource carries the tags that cost reports and owners are found by (seed §6.2 filters
 * costs by Project). Tags set on the provider (`defaultTags`) count. Whether a type is taggable is read
 * from the installed provider SDK; a type whose SDK is not installed is not applicable.
 */
export const requiredTags = resourcePolicy({
  name: "required-tags",
  description: "Every taggable resource carries the tags Project, Environment, CostCenter and Owner.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set the tags on the resource (components pass the stack's mlplat:tags) or as defaultTags on the aws provider.",
  config: {
    requiredTags: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: ["Project", "Environment", "CostCenter", "Owner"],
      description: "Tag keys every taggable resource must carry with a non-empty value",
    },
  },
  validate: (args, report) => {
    const taggable = isTaggable(args.type);
    if (taggable === undefined)
      args.notApplicable(`Cannot tell whether ${args.type} takes tags: its SDK is not installed`);
    if (!taggable) args.notApplicable(`${args.type} does not take tags`);
    const { requiredTags: required } = args.getConfig<{ requiredTags: string[] }>();
    const own = ownTags(args.props.tags);
    const defaults = providerDefaultTags(args.provider?.props);
    // Read tag by tag: a tag whose value is unknown during preview is set all the same.
    const missing = required.filter((key) => {
      const value = peek(() => own[key]) ?? defaults[key];
      return value === undefined || value === null || value === "";
    });
    if (missing.length > 0) {
      report(
        `${args.type.slice(args.type.lastIndexOf(":") + 1)} ${JSON.stringify(args.name)} lacks the tags ${missing.join(", ")}`,
      );
    }
  },
});

/**
 * A resource's own tags as a map. Most types take a map; Auto Scaling groups take a list of
 * `{ key, value, propagateAtLaunch }`.
 */
function ownTags(tags: unknown): Record<string, unknown> {
  if (!Array.isArray(tags)) return (tags ?? {}) as Record<string, unknown>;
  const entries = (tags as unknown[]).flatMap((t) => {
    const { key, value } = (t ?? {}) as { key?: unknown; value?: unknown };
    return typeof key === "string" ? [[key, value] as const] : [];
  });
  return Object.fromEntries(entries);
}

/** The provider's `defaultTags.tags`: an object, or JSON text as provider config arrives. */
function providerDefaultTags(props: Record<string, unknown> | undefined): Record<string, unknown> {
  let defaults = props?.defaultTags;
  if (typeof defaults === "string") {
    try {
      defaults = JSON.parse(defaults) as unknown;
    } catch {
      return {};
    }
  }
  const tags = (defaults as { tags?: unknown } | undefined)?.tags;
  return tags !== null && typeof tags === "object" ? (tags as Record<string, unknown>) : {};
}
