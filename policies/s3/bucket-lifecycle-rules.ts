import { bucketsOf, describeBucket, isLogTarget, type BucketView } from "../lib/buckets";
import { stackPolicy } from "../lib/define";

/** S3's transition waterfall: an object only moves down this list (colder, cheaper to keep). */
const WATERFALL = [
  "STANDARD_IA",
  "INTELLIGENT_TIERING",
  "ONEZONE_IA",
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
];
/** Classes with a 30-day minimum: S3 refuses a transition to them earlier, or out of them sooner. */
const INFREQUENT_ACCESS = new Set(["STANDARD_IA", "ONEZONE_IA"]);
const MIN_IA_DAYS = 30;

interface Transition {
  readonly days: number;
  readonly storageClass: string;
}

interface Rule {
  readonly id: string;
  readonly enabled: boolean;
  readonly transitions: Transition[];
}

/**
 * Data-lake buckets have lifecycle rules (seed §1.4 and the cost checklist: raw data moves to colder classes,
 * checkpoints expire), and each rule's transitions run down S3's storage-class waterfall in order of days,
 * with the 30 days S3 requires in and after the infrequent-access classes. Rules live in a separate
 * BucketLifecycleConfiguration in @pulumi/aws 7 (legacy inline `lifecycleRules` are read too).
 */
export const s3BucketLifecycleRules = stackPolicy({
  name: "s3-bucket-lifecycle-rules",
  description:
    "S3 data-lake buckets have enabled lifecycle rules whose storage-class transitions are in order.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add an aws.s3.BucketLifecycleConfiguration for the bucket (e.g. raw/ to STANDARD_IA after 30 days and " +
    "GLACIER after 90; artifacts/checkpoints/ expire after 14) and order each rule's transitions from warmer to " +
    "colder classes with increasing days.",
  // CKV2_AWS_61 accepts any lifecycle configuration; this asks for an enabled rule.
  checkov: ["CKV2_AWS_61"],
  config: {
    includeLogTargets: {
      type: "boolean",
      default: false,
      description: "Also require lifecycle rules on buckets that only receive server access logs",
    },
  },
  validate: (args, report) => {
    const { includeLogTargets } = args.getConfig<{ includeLogTargets: boolean }>();
    const buckets = bucketsOf(args.resources).filter((b) => includeLogTargets || !isLogTarget(b));
    if (buckets.length === 0) args.notApplicable("The stack declares no S3 data buckets");
    for (const bucket of buckets) {
      const rules = rulesOf(bucket);
      if (!rules.some((r) => r.enabled)) {
        report(
          `${describeBucket(bucket)} has no enabled lifecycle rules: add a BucketLifecycleConfiguration`,
          bucket.resource.urn,
        );
        continue;
      }
      for (const rule of rules) {
        for (const problem of transitionProblems(rule.transitions)) {
          report(
            `${describeBucket(bucket)} lifecycle rule ${JSON.stringify(rule.id)}: ${problem}`,
            bucket.resource.urn,
          );
        }
      }
    }
  },
});

function rulesOf(bucket: BucketView): Rule[] {
  const rules: Rule[] = [];
  const inline = (bucket.resource.props.lifecycleRules ?? []) as {
    id?: string;
    enabled?: boolean;
    transitions?: { days?: number; storageClass?: string }[];
  }[];
  inline.forEach((r, i) =>
    rules.push({
      id: r.id ?? `lifecycleRules[${i}]`,
      enabled: r.enabled === true,
      transitions: byDays(r.transitions),
    }),
  );
  for (const config of bucket.settings.lifecycle) {
    const own = (config.props.rules ?? []) as {
      id?: string;
      status?: string;
      transitions?: { days?: number; storageClass?: string }[];
    }[];
    own.forEach((r, i) =>
      rules.push({
        id: r.id ?? `rules[${i}]`,
        enabled: r.status === "Enabled",
        transitions: byDays(r.transitions),
      }),
    );
  }
  return rules;
}

/** Transitions by days (S3 ignores their order in the list); transitions by date are not compared. */
function byDays(transitions: { days?: number; storageClass?: string }[] | undefined): Transition[] {
  return (transitions ?? [])
    .filter((t): t is Transition => typeof t.days === "number" && typeof t.storageClass === "string")
    .map((t) => ({ days: t.days, storageClass: t.storageClass }))
    .sort((a, b) => a.days - b.days);
}

export function transitionProblems(transitions: readonly Transition[]): string[] {
  const problems: string[] = [];
  transitions.forEach((t, i) => {
    const rank = WATERFALL.indexOf(t.storageClass);
    if (rank < 0) {
      problems.push(`${t.storageClass} is not a storage class S3 transitions to (${WATERFALL.join(", ")})`);
      return;
    }
    if (INFREQUENT_ACCESS.has(t.storageClass) && t.days < MIN_IA_DAYS) {
      problems.push(`${t.storageClass} after ${t.days} days: S3 requires at least ${MIN_IA_DAYS}`);
    }
    const previous = transitions[i - 1];
    if (previous === undefined) return;
    if (rank <= WATERFALL.indexOf(previous.storageClass) || t.days === previous.days) {
      problems.push(
        `transitions out of order: ${t.storageClass} after ${t.days} days follows ${previous.storageClass} after ${previous.days} days`,
      );
    } else if (INFREQUENT_ACCESS.has(previous.storageClass) && t.days - previous.days < MIN_IA_DAYS) {
      problems.push(
        `${t.storageClass} after ${t.days} days is less than ${MIN_IA_DAYS} days after ${previous.storageClass} (${previous.days})`,
      );
    }
  });
  return problems;
}
