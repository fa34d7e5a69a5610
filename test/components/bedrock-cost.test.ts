import { describe, expect, it } from "vitest";

import {
  BEDROCK_MODEL_PRICES,
  bedrockTokenCost,
  formatUsd,
  usdToNano,
} from "../../components/catalog/prices";

const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const SONNET = "anthropic.claude-3-sonnet-20240229-v1:0";

describe("Bedrock token prices (seed §7.2)", () => {
  it("reproduces the seed's monthly example exactly: 1M requests of 500 input + 200 output tokens", () => {
    const month = { inputTokens: 500, outputTokens: 200 };
    const haiku = bedrockTokenCost(HAIKU, month, 1_000_000);
    const sonnet = bedrockTokenCost(SONNET, month, 1_000_000);
    expect(haiku.usd).toBe("375");
    expect(sonnet.usd).toBe("4500");
    // The seed's parts: $125 + $250 on Haiku, $1,500 + $3,000 on Sonnet.
    expect(bedrockTokenCost(HAIKU, { inputTokens: 500, outputTokens: 0 }, 1_000_000).usd).toBe("125");
    expect(bedrockTokenCost(HAIKU, { inputTokens: 0, outputTokens: 200 }, 1_000_000).usd).toBe("250");
    expect(bedrockTokenCost(SONNET, { inputTokens: 500, outputTokens: 0 }, 1_000_000).usd).toBe("1500");
    expect(bedrockTokenCost(SONNET, { inputTokens: 0, outputTokens: 200 }, 1_000_000).usd).toBe("3000");
  });

  it("stays exact where floating point drifts (0.1 + 0.2 style sums)", () => {
    // 0.00025 * 3 in floats is 0.0007500000000000001; here it is exact.
    expect(bedrockTokenCost(HAIKU, { inputTokens: 3000, outputTokens: 0 }).usd).toBe("0.00075");
    expect(bedrockTokenCost(HAIKU, { inputTokens: 1, outputTokens: 1 }).usd).toBe("0.0000015");
    expect(bedrockTokenCost(HAIKU, { inputTokens: 1, outputTokens: 1 }).picoUsd).toBe(1_500_000n);
  });

  it("carries the seed's four models, each price with its source, region and date", () => {
    expect(BEDROCK_MODEL_PRICES.map((p) => [p.name, p.inputPer1kTokens, p.outputPer1kTokens])).toEqual([
      ["Claude 3 Haiku", "0.00025", "0.00125"],
      ["Claude 3 Sonnet", "0.003", "0.015"],
      ["Claude 3 Opus", "0.015", "0.075"],
      ["Titan Text Lite", "0.0003", "0.0004"],
    ]);
    for (const price of BEDROCK_MODEL_PRICES) {
      expect(price.source).toMatch(/§7\.2/);
      expect(price.region).toBe("us-east-1");
      expect(price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("rejects unknown models, negative or fractional counts and inexact prices", () => {
    expect(() => bedrockTokenCost("meta.llama3", { inputTokens: 1, outputTokens: 1 })).toThrow(
      /^modelId: got "meta.llama3", expected one of anthropic\.claude-3-haiku/,
    );
    expect(() => bedrockTokenCost(HAIKU, { inputTokens: -1, outputTokens: 1 })).toThrow(
      "inputTokens: got -1, expected a whole number >= 0",
    );
    expect(() => bedrockTokenCost(HAIKU, { inputTokens: 1, outputTokens: 1.5 })).toThrow(
      "outputTokens: got 1.5, expected a whole number >= 0",
    );
    expect(() => usdToNano("0.0000000001")).toThrow(/at most 9 decimals/);
    expect(usdToNano("1.5")).toBe(1_500_000_000n);
    expect(formatUsd(-1_000_000_000_000n)).toBe("-1");
  });
});
