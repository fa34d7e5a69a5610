/** One statement of an IAM policy document, with its single-or-list fields normalised to lists. */
export interface Statement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: string[];
  /** True for `NotAction`: the statement covers every action except `actions`. */
  readonly notAction: boolean;
  readonly resources: string[];
  /** True for `NotResource`: the statement covers every resource except `resources`. */
  readonly notResource: boolean;
  readonly principal: unknown;
  readonly condition: Record<string, Record<string, unknown>>;
}

/** A document that is not JSON, or not shaped like a policy document. */
export class PolicyDocumentError extends Error {
  override readonly name = "PolicyDocumentError";
}

/** The statements of a policy document given as JSON text (as Pulumi sends it) or as an object. */
export function statementsOf(document: unknown): Statement[] {
  let doc = document;
  if (typeof document === "string") {
    try {
      doc = JSON.parse(document) as unknown;
    } catch {
      throw new PolicyDocumentError(`not valid JSON: ${document.slice(0, 60)}`);
    }
  }
  if (doc === null || typeof doc !== "object") throw new PolicyDocumentError("not a policy document");
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? (raw as unknown[]) : raw === undefined ? [] : [raw];
  return list.map((s) => {
    const st = (s ?? {}) as Record<string, unknown>;
    return {
      ...(typeof st.Sid === "string" ? { sid: st.Sid } : {}),
      effect: typeof st.Effect === "string" ? st.Effect : "Allow",
      actions: strings(st.Action ?? st.NotAction),
      notAction: st.Action === undefined && st.NotAction !== undefined,
      resources: strings(st.Resource ?? st.NotResource),
      notResource: st.Resource === undefined && st.NotResource !== undefined,
      principal: st.Principal,
      condition: (st.Condition ?? {}) as Record<string, Record<string, unknown>>,
    };
  });
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `Sid "x"` or `statement 2`, for messages. */
export function describeStatement(s: Statement, index: number): string {
  return s.sid === undefined ? `statement ${index + 1}` : `statement ${JSON.stringify(s.sid)}`;
}
