import { allowStatements, describeResource, IAM_POLICY_TYPES } from "../iam/identity-policies";
import { resourcePolicy } from "../lib/define";

/** The Bedrock actions that run a model. */
const INVOKE_ACTIONS = ["bedrock:invokemodel", "bedrock:invokemodelwithresponsestream"];

/** A model ARN without wildcards: a foundation model, an inference profile or provisioned throughput. */
const MODEL_ARN =
  /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:(\d{12})?:(foundation-model|inference-profile|application-inference-profile|provisioned-model)\/[^*?]+$/;

/**
 * True when a Bedrock action names a model invocation, or a wildcard of it covers one. The all-actions `*` is
 * left to iam-no-wildcard-action, which reports it on its own.
 */
export function coversInvoke(action: string): boolean {
  const a = action.toLowerCase();
  if (!a.startsWith("bedrock:")) return false;
  if (a === "bedrock:*") return true;
  if (!a.includes("*") && !a.includes("?")) return INVOKE_ACTIONS.includes(a);
  const re = new RegExp(
    `^${a
      .split("*")
      .map((p) => p.replace(/[.+^${}()|[\]\\?]/g, "\\$&"))
      .join(".*")}$`,
  );
  return INVOKE_ACTIONS.some((invoke) => re.test(invoke));
}

/**
 * Bedrock model invocation is granted by name on an allowlist of model ARNs (seed §3, §8.3): never as
 * `bedrock:*` or another wildcard action, never on `*` or on a wildcard model ARN. Policies that grant no
 * invocation are not applicable.
 */
export const bedrockInvokeScopedToModels = resourcePolicy({
  name: "bedrock-invoke-scoped-to-models",
  description: "IAM policies grant Bedrock model invocation by action name on listed model ARNs only.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Grant bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on arn:aws:bedrock:<region>::foundation-model/<id> " +
    "for each allowed model (mlplat:bedrock.modelIds; BedrockAccess.grantInvoke does this).",
  types: IAM_POLICY_TYPES,
  validate: (args, report) => {
    const grants = allowStatements(args).filter(
      ({ statement }) => !statement.notAction && statement.actions.some(coversInvoke),
    );
    if (grants.length === 0) args.notApplicable("The resource grants no Bedrock model invocation");
    for (const { statement, where } of grants) {
      const wildcards = statement.actions.filter((a) => coversInvoke(a) && /[*?]/.test(a));
      if (wildcards.length > 0) {
        report(
          `${describeResource(args)} ${where} grants model invocation through the wildcard action ${wildcards.join(", ")}: name bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream`,
        );
      }
      const unscoped = statement.notResource
        ? ["NotResource"]
        : statement.resources.filter((r) => !MODEL_ARN.test(r));
      if (unscoped.length > 0) {
        report(
          `${describeResource(args)} ${where} grants model invocation on ${unscoped.map((r) => JSON.stringify(r)).join(", ")}: list the model ARNs (arn:aws:bedrock:<region>::foundation-model/<id>) it may invoke`,
        );
      }
    }
  },
});
