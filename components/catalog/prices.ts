/**
 * Bedrock token prices and exact money arithmetic for callers that price single requests (the Bedrock
 * client). The prices themselves are data in the pricing catalog (./pricing/us-east-1.json, from the seed's
 * §7.2): every price names its source, region and the date it was taken; code never carries a price.
 *
 * Amounts are decimal strings as published and are turned into integers before any arithmetic, so that an
 * estimate is exact: a price per 1,000 tokens in nano-dollars (USD 1e-9) times a token count is a cost in
 * pico-dollars (USD 1e-12), an integer, with no floating-point drift.
 */
import { pricingFor } from "./pricing";

/** Where and when a price was taken. */
export interface PriceSource {
  /** The document or page the price comes from. */
  readonly source: string;
  /** The AWS region the price applies to. */
  readonly region: string;
  /** The date the price was recorded, `YYYY-MM-DD`. */
  readonly asOf: string;
}

/** On-demand token prices of one Bedrock foundation model, in USD per 1,000 tokens (seed §7.2). */
export interface BedrockModelPrice extends PriceSource {
  /** The Bedrock model id, e.g. `anthropic.claude-3-haiku-20240307-v1:0`. */
  readonly modelId: string;
  /** The model's display name. */
  readonly name: string;
  /** USD per 1,000 input tokens, a decimal string. */
  readonly inputPer1kTokens: string;
  /** USD per 1,000 output tokens, a decimal string. */
  readonly outputPer1kTokens: string;
}

/** The region whose Bedrock prices single-request costs use: the seed's table is recorded there. */
export const BEDROCK_PRICE_REGION = "us-east-1";

/** The Bedrock models of the seed (§3, §7.2) and their on-demand token prices, from the pricing catalog. */
export const BEDROCK_MODEL_PRICES: readonly BedrockModelPrice[] = bedrockPrices(BEDROCK_PRICE_REGION);

function bedrockPrices(region: string): BedrockModelPrice[] {
  const pricing = pricingFor(region);
  return pricing.items("bedrock.inputTokens").flatMap((modelId) => {
    const input = pricing.price("bedrock.inputTokens", modelId);
    const output = pricing.price("bedrock.outputTokens", modelId);
    if (input === undefined || output === undefined) return [];
    return [
      {
        modelId,
        name: input.name ?? modelId,
        inputPer1kTokens: input.usd,
        outputPer1kTokens: output.usd,
        source: `${input.source.title} (${input.source.url})`,
        region: input.region,
        asOf: input.source.asOf,
      },
    ];
  });
}

/** The price entry of a model id, or undefined when the catalog has none. */
export function bedrockModelPrice(modelId: string): BedrockModelPrice | undefined {
  return BEDROCK_MODEL_PRICES.find((p) => p.modelId === modelId);
}

/** Nano-dollars (USD 1e-9) in one dollar. */
const NANO_PER_USD = 1_000_000_000n;
/** Pico-dollars (USD 1e-12) in one dollar. */
export const PICO_PER_USD = 1_000_000_000_000n;

/**
 * A decimal USD string as an integer count of nano-dollars: `"0.00025"` is 250000n. Throws on anything that
 * is not a plain non-negative decimal or has more than nine decimal places (it could not be exact).
 */
export function usdToNano(amount: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(amount);
  if (!match) {
    throw new Error(
      `price: got ${JSON.stringify(amount)}, expected a decimal USD amount with at most 9 decimals`,
    );
  }
  const [, whole = "0", fraction = ""] = match;
  return BigInt(whole) * NANO_PER_USD + BigInt(fraction.padEnd(9, "0"));
}

/** Token counts of one or more requests. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** An exact cost: pico-dollars as an integer, and the same amount as a decimal USD string. */
export interface Cost {
  readonly picoUsd: bigint;
  /** The amount in USD, every significant decimal kept (`"375"`, `"0.000375"`). */
  readonly usd: string;
}

/** A cost in pico-dollars as an exact decimal USD string, without trailing zeros. */
export function formatUsd(picoUsd: bigint): string {
  const sign = picoUsd < 0n ? "-" : "";
  const abs = picoUsd < 0n ? -picoUsd : picoUsd;
  const whole = abs / PICO_PER_USD;
  const fraction = (abs % PICO_PER_USD).toString().padStart(12, "0").replace(/0+$/, "");
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}

/**
 * The on-demand cost of `usage` tokens (summed over `requests` requests) on a model: input tokens times the
 * input price plus output tokens times the output price, exactly. Throws for a model the catalog lacks.
 */
export function bedrockTokenCost(modelId: string, usage: TokenUsage, requests = 1): Cost {
  const price = bedrockModelPrice(modelId);
  if (price === undefined) {
    throw new Error(
      `modelId: got ${JSON.stringify(modelId)}, expected one of ${BEDROCK_MODEL_PRICES.map((p) => p.modelId).join(", ")}`,
    );
  }
  for (const [path, value] of [
    ["inputTokens", usage.inputTokens],
    ["outputTokens", usage.outputTokens],
    ["requests", requests],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`${path}: got ${value}, expected a whole number >= 0`);
    }
  }
  // nano-dollars per 1,000 tokens x tokens = pico-dollars.
  const picoUsd =
    BigInt(requests) *
    (BigInt(usage.inputTokens) * usdToNano(price.inputPer1kTokens) +
      BigInt(usage.outputTokens) * usdToNano(price.outputPer1kTokens));
  return { picoUsd, usd: formatUsd(picoUsd) };
}
