/**
 * Validation results shared by components and the stack config: every problem names the property path, the
 * value given and what is expected, and all problems are reported together.
 */
export interface ValidationIssue {
  /** Dotted path of the offending property, e.g. `lifecycle.rawToGlacierDays`. */
  readonly path: string;
  /** The value that was given (`undefined` when the property is missing). */
  readonly value: unknown;
  /** What would have been accepted, phrased to follow "expected", e.g. `an integer >= 30`. */
  readonly expected: string;
}

/** Renders a value for an error message: strings quoted, objects as compact JSON, missing values named. */
export function renderValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

export function formatIssue(issue: ValidationIssue): string {
  return `${issue.path}: got ${renderValue(issue.value)}, expected ${issue.expected}`;
}

/** Thrown when input fails validation; `issues` lists every problem found, not just the first. */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`${subject}: ${count}\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`);
    this.issues = issues;
  }
}

/** True for a ValidationError, also one thrown by another copy of this module (a program loaded separately). */
export function isValidationError(err: unknown): err is Error & { issues: readonly ValidationIssue[] } {
  return (
    err instanceof Error &&
    err.name === "ValidationError" &&
    Array.isArray((err as { issues?: unknown }).issues)
  );
}

/**
 * A checker for whole numbers in a range that records what it finds in `issues`: `whole(path, value, min,
 * max, unit?, why?)` is true when the value is fine, and otherwise adds "a whole number [of <unit>] from <min>
 * to <max><why>" for `path`.
 */
export function wholeNumbers(
  issues: ValidationIssue[],
): (path: string, value: unknown, min: number, max: number, unit?: string, why?: string) => boolean {
  return (path, value, min, max, unit, why = "") => {
    if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return true;
    issues.push({
      path,
      value,
      expected: `a whole number ${unit ? `of ${unit} ` : ""}from ${min} to ${max}${why}`,
    });
    return false;
  };
}

/** Prefixes the paths of issues found in a nested structure: `prefixIssues("mlplat:dataLake", issues)`. */
export function prefixIssues(prefix: string, issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((i) => ({ ...i, path: i.path ? `${prefix}.${i.path}` : prefix }));
}

/** The closest candidate by edit distance, when it is close enough to be a likely typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
  // A truncated key (`capacity` for `capacityType`) is a likely typo too.
  const lower = word.toLowerCase();
  return word.length >= 4 ? candidates.find((c) => c.toLowerCase().startsWith(lower)) : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
