/**
 * Invoking Bedrock foundation models from TypeScript (seed §3.1, §3.2): one call or a stream, answering the
 * text, the token usage Bedrock reports and the cost estimated from the price catalog. No Pulumi here: this is
 * what applications and `mlplat` tools import.
 */
import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type BedrockRuntimeClientConfig,
} from "@aws-sdk/client-bedrock-runtime";

import { bedrockTokenCost, type Cost, type TokenUsage } from "../catalog/prices";

/** The Anthropic Messages API version Bedrock expects (seed §3.1). */
export const ANTHROPIC_VERSION = "bedrock-2023-05-31";

/** What a prompt asks of a model. */
export interface BedrockPrompt {
  /** A Bedrock model id, e.g. `anthropic.claude-3-haiku-20240307-v1:0`. */
  readonly modelId: string;
  readonly prompt: string;
  /** @default 1024, as in the seed */
  readonly maxTokens?: number;
  /** A guardrail to apply, by id (or ARN) and version. @default - none */
  readonly guardrail?: { readonly id: string; readonly version: string };
}

/** A model's answer with what it cost. */
export interface BedrockAnswer {
  readonly text: string;
  readonly usage: TokenUsage;
  /** Estimated from the catalog's on-demand prices; undefined for a model the catalog has no price for. */
  readonly cost?: Cost;
}

/** The part of the SDK client the helpers use, so that a caller can hand in any configured client. */
export type BedrockSender = Pick<BedrockRuntimeClient, "send">;

/** A Bedrock runtime client with few retries (an emulator that lacks a call answers 500 at once). */
export function bedrockRuntimeClient(config: BedrockRuntimeClientConfig = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ maxAttempts: 2, ...config });
}

/** The model family a request body is written for: Anthropic's Messages API or Amazon Titan Text. */
export function modelFamily(modelId: string): "anthropic" | "titan" {
  const id = modelId.includes("foundation-model/") ? (modelId.split("foundation-model/")[1] ?? "") : modelId;
  if (/^([a-z]{2}\.)?anthropic\./.test(id)) return "anthropic";
  if (id.startsWith("amazon.titan-text")) return "titan";
  throw new Error(
    `modelId: got ${JSON.stringify(modelId)}, expected an anthropic.claude-* or amazon.titan-text-* model`,
  );
}

/** The JSON request body for a prompt, in the model family's format. */
export function requestBody(request: BedrockPrompt): string {
  const maxTokens = request.maxTokens ?? 1024;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new Error(`maxTokens: got ${maxTokens}, expected a whole number >= 1`);
  }
  if (modelFamily(request.modelId) === "anthropic") {
    return JSON.stringify({
      anthropic_version: ANTHROPIC_VERSION,
      max_tokens: maxTokens,
      messages: [{ role: "user", content: request.prompt }],
    });
  }
  return JSON.stringify({ inputText: request.prompt, textGenerationConfig: { maxTokenCount: maxTokens } });
}

/** Invokes a model once and answers its text, usage and estimated cost (seed §3.1). */
export async function invokeModel(client: BedrockSender, request: BedrockPrompt): Promise<BedrockAnswer> {
  const response = await client.send(
    new InvokeModelCommand({
      modelId: request.modelId,
      contentType: "application/json",
      accept: "application/json",
      body: new TextEncoder().encode(requestBody(request)),
      ...guardrailOf(request),
    }),
  );
  const body = parseJson(new TextDecoder().decode(response.body), "response body");
  const { text, usage } = readAnswer(request.modelId, body);
  return answer(request.modelId, text, usage);
}

/**
 * Streams a model's answer (seed §3.2): `onText` gets each piece as it arrives; the promise answers the whole
 * text with the usage Bedrock reports at the end of the stream and its estimated cost.
 */
export async function streamModel(
  client: BedrockSender,
  request: BedrockPrompt,
  onText: (piece: string) => void = () => undefined,
): Promise<BedrockAnswer> {
  const response = await client.send(
    new InvokeModelWithResponseStreamCommand({
      modelId: request.modelId,
      contentType: "application/json",
      accept: "application/json",
      body: new TextEncoder().encode(requestBody(request)),
      ...guardrailOf(request),
    }),
  );
  if (response.body === undefined) throw new Error(`${request.modelId}: the stream has no body`);
  const family = modelFamily(request.modelId);
  let text = "";
  let inputTokens = 0;
  let outputTokens = 0;
  let metrics: TokenUsage | undefined;
  for await (const event of response.body) {
    const bytes = event.chunk?.bytes;
    if (bytes === undefined) {
      const error = Object.entries(event).find(([key]) => key !== "chunk" && key !== "$unknown");
      if (error) throw new Error(`${request.modelId}: stream error ${error[0]}: ${String(error[1])}`);
      continue;
    }
    const chunk = parseJson(new TextDecoder().decode(bytes), "stream chunk");
    const piece = family === "anthropic" ? anthropicDelta(chunk) : stringAt(chunk, "outputText");
    if (piece) {
      text += piece;
      onText(piece);
    }
    if (family === "anthropic") {
      inputTokens = numberAt(chunk, "message", "usage", "input_tokens") ?? inputTokens;
      outputTokens = numberAt(chunk, "usage", "output_tokens") ?? outputTokens;
    }
    // Bedrock appends its own count to the last chunk of every model family.
    const input = numberAt(chunk, "amazon-bedrock-invocationMetrics", "inputTokenCount");
    const output = numberAt(chunk, "amazon-bedrock-invocationMetrics", "outputTokenCount");
    if (input !== undefined && output !== undefined) metrics = { inputTokens: input, outputTokens: output };
  }
  return answer(request.modelId, text, metrics ?? { inputTokens, outputTokens });
}

/** The text and usage of a whole (non-streamed) response body. */
export function readAnswer(modelId: string, body: unknown): { text: string; usage: TokenUsage } {
  if (modelFamily(modelId) === "anthropic") {
    const content = valueAt(body, "content");
    const text = Array.isArray(content)
      ? content.map((block) => (stringAt(block, "type") === "text" ? stringAt(block, "text") : "")).join("")
      : "";
    const inputTokens = numberAt(body, "usage", "input_tokens");
    const outputTokens = numberAt(body, "usage", "output_tokens");
    if (inputTokens === undefined || outputTokens === undefined) {
      throw new Error(`${modelId}: the response has no usage.input_tokens/output_tokens`);
    }
    return { text, usage: { inputTokens, outputTokens } };
  }
  const results = valueAt(body, "results");
  const first: unknown = Array.isArray(results) ? results[0] : undefined;
  const inputTokens = numberAt(body, "inputTextTokenCount");
  const outputTokens = numberAt(first, "tokenCount");
  if (inputTokens === undefined || outputTokens === undefined) {
    throw new Error(`${modelId}: the response has no inputTextTokenCount/results[0].tokenCount`);
  }
  return { text: stringAt(first, "outputText") ?? "", usage: { inputTokens, outputTokens } };
}

function answer(modelId: string, text: string, usage: TokenUsage): BedrockAnswer {
  const id = modelId.includes("foundation-model/") ? (modelId.split("foundation-model/")[1] ?? "") : modelId;
  let cost: Cost | undefined;
  try {
    cost = bedrockTokenCost(id, usage);
  } catch {
    cost = undefined; // a model without a catalog price still answers; its cost is unknown, not zero
  }
  return { text, usage, ...(cost ? { cost } : {}) };
}

function guardrailOf(request: BedrockPrompt) {
  return request.guardrail
    ? { guardrailIdentifier: request.guardrail.id, guardrailVersion: request.guardrail.version }
    : {};
}

function anthropicDelta(chunk: unknown): string | undefined {
  return stringAt(chunk, "type") === "content_block_delta" ? stringAt(chunk, "delta", "text") : undefined;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${what}: not JSON: ${text.slice(0, 80)}`);
  }
}

function valueAt(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function stringAt(value: unknown, ...path: string[]): string | undefined {
  const found = valueAt(value, ...path);
  return typeof found === "string" ? found : undefined;
}

function numberAt(value: unknown, ...path: string[]): number | undefined {
  const found = valueAt(value, ...path);
  return typeof found === "number" && Number.isSafeInteger(found) && found >= 0 ? found : undefined;
}
