import { checkLogRetention } from "../catalog/cloudwatch";
import type { ValidationIssue } from "../validation";
import type { ServiceWriter } from "../data-lake/args";

/** The foundation models of the seed (§3, §7.2): Claude 3 Haiku, Sonnet, Opus and Titan Text Lite. */
export const SEED_BEDROCK_MODELS = [
  "anthropic.claude-3-haiku-20240307-v1:0",
  "anthropic.claude-3-sonnet-20240229-v1:0",
  "anthropic.claude-3-opus-20240229-v1:0",
  "amazon.titan-text-lite-v1",
] as const;

/** Where Bedrock writes invocation logs in the lake: the layout's logs zone, one folder per service. */
export const BEDROCK_LOG_PREFIX = "artifacts/logs/bedrock/";

/** Bedrock delivering invocation logs into the lake: what the DataLake's policies must admit. */
export const BEDROCK_LOG_WRITER: ServiceWriter = {
  id: "bedrock-logs",
  service: "bedrock.amazonaws.com",
  zone: "artifacts/logs",
  prefix: "bedrock/",
};

/** A guardrail Bedrock applies to prompts and answers (content filters at one strength). */
export interface GuardrailSettings {
  /** What a caller sees when a prompt is blocked. @default "This request was blocked by the platform's guardrail." */
  blockedInputMessaging?: string;
  /** What a caller sees when an answer is blocked. @default "This answer was blocked by the platform's guardrail." */
  blockedOutputsMessaging?: string;
  /** Strength of the hate, insults, sexual, violence and misconduct filters. @default "HIGH" */
  filterStrength?: "LOW" | "MEDIUM" | "HIGH";
}

/** Settings of Bedrock access (seed §3). */
export interface BedrockSettings {
  /** Foundation-model ids the platform may invoke; nothing else is granted. @default the seed's four models */
  modelIds?: readonly string[];
  /** Days CloudWatch Logs keeps invocation logs. @default 90 */
  logRetentionDays?: number;
  /** Also deliver the prompts and answers' text to the logs (not only metadata). @default true */
  logTextData?: boolean;
  /** A guardrail for the platform's requests. @default - no guardrail */
  guardrail?: GuardrailSettings;
  /**
   * A knowledge base (seed §3.3) the role may query with `retrieve_and_generate`: its id, as the console shows
   * it. @default - no knowledge-base access
   */
  knowledgeBaseId?: string;
}

export interface ResolvedBedrockSettings {
  readonly modelIds: readonly string[];
  readonly logRetentionDays: number;
  readonly logTextData: boolean;
  readonly guardrail?: Required<GuardrailSettings>;
  readonly knowledgeBaseId?: string;
}

const MODEL_ID = /^[a-z0-9-]+\.[a-z0-9.-]+(:\d+)?(:[a-z0-9.]+)?$/;
const KNOWLEDGE_BASE_ID = /^[0-9A-Z]{10}$/;
const FILTER_STRENGTHS = ["LOW", "MEDIUM", "HIGH"] as const;

export function resolveBedrockSettings(settings: BedrockSettings = {}): ResolvedBedrockSettings {
  const guardrail = settings.guardrail;
  return {
    modelIds: settings.modelIds ?? [...SEED_BEDROCK_MODELS],
    logRetentionDays: settings.logRetentionDays ?? 90,
    logTextData: settings.logTextData ?? true,
    ...(guardrail !== undefined
      ? {
          guardrail: {
            blockedInputMessaging:
              guardrail.blockedInputMessaging ?? "This request was blocked by the platform's guardrail.",
            blockedOutputsMessaging:
              guardrail.blockedOutputsMessaging ?? "This answer was blocked by the platform's guardrail.",
            filterStrength: guardrail.filterStrength ?? "HIGH",
          },
        }
      : {}),
    ...(settings.knowledgeBaseId !== undefined ? { knowledgeBaseId: settings.knowledgeBaseId } : {}),
  };
}

export function validateBedrockSettings(s: ResolvedBedrockSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(s.modelIds) || s.modelIds.length === 0) {
    issues.push({
      path: "modelIds",
      value: s.modelIds,
      expected: "a non-empty list of foundation-model ids (the only models the platform may invoke)",
    });
  } else {
    s.modelIds.forEach((id, i) => {
      if (typeof id !== "string" || !MODEL_ID.test(id) || id.includes("*")) {
        issues.push({
          path: `modelIds[${i}]`,
          value: id,
          expected: "a foundation-model id such as anthropic.claude-3-haiku-20240307-v1:0 (no wildcards)",
        });
      }
    });
  }
  checkLogRetention(issues, "logRetentionDays", s.logRetentionDays);
  if (typeof s.logTextData !== "boolean") {
    issues.push({ path: "logTextData", value: s.logTextData, expected: "true or false" });
  }
  if (s.guardrail !== undefined) {
    if (!(FILTER_STRENGTHS as readonly string[]).includes(s.guardrail.filterStrength)) {
      issues.push({
        path: "guardrail.filterStrength",
        value: s.guardrail.filterStrength,
        expected: `one of ${FILTER_STRENGTHS.join(", ")}`,
      });
    }
    for (const key of ["blockedInputMessaging", "blockedOutputsMessaging"] as const) {
      const text = s.guardrail[key];
      if (typeof text !== "string" || text.length < 1 || text.length > 500) {
        issues.push({ path: `guardrail.${key}`, value: text, expected: "a message of 1 to 500 characters" });
      }
    }
  }
  if (s.knowledgeBaseId !== undefined && !KNOWLEDGE_BASE_ID.test(s.knowledgeBaseId)) {
    issues.push({
      path: "knowledgeBaseId",
      value: s.knowledgeBaseId,
      expected: "a knowledge base id: 10 uppercase letters and digits, such as ABCDE12345",
    });
  }
  return issues;
}
