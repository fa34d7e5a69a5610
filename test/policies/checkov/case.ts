/**
 * A Checkov check turned into Pulumi resources: a program Checkov would fail, and its twin that differs only in
 * the checked property, which Checkov would pass. The pack covers the check when a policy that names the id fails
 * the first and is silent on the second.
 */
import type { DeclaredResource } from "../../../scripts/cli/offline/runner";

export interface CheckovCase {
  readonly id: string;
  /** What the fail case changes, in a few words (shown when the case is not caught). */
  readonly title: string;
  /** The resources Checkov fails, as the offline runner records them (test/policies/helpers `declared`). */
  readonly fail: readonly DeclaredResource[];
  /** The same resources with the checked property set as Checkov passes it. */
  readonly pass: readonly DeclaredResource[];
}

/** A Checkov check the pack does not implement, and why: it does not apply to Pulumi's resources, or is wrong. */
export interface NotApplicable {
  readonly id: string;
  readonly reason: string;
}

/** One service's cases, the checks of it that do not apply, and the ids the pack covers (pinned, sorted). */
export interface ServiceCases {
  readonly cases: readonly CheckovCase[];
  readonly notApplicable: readonly NotApplicable[];
  /** The ids whose fail case a policy reports and whose pass twin it does not: raise it, never lower it silently. */
  readonly covered: readonly string[];
}
