import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { RULES } from "../../components/catalog/cost";
import {
  add,
  formatDollars,
  fromNumber,
  halve,
  mul,
  parseDecimal,
  round,
  shift,
  toFixed,
  toPlain,
} from "../../components/catalog/decimal";
import {
  ASSUMPTION_KEYS,
  freeTypes,
  loadRegionFile,
  PRICE_KEYS,
  PRICING_DIR,
  pricingFor,
  pricingRegions,
  type PriceKey,
} from "../../components/catalog/pricing";
import { BEDROCK_MODEL_PRICES, bedrockTokenCost } from "../../components/catalog/prices";
import { formatIssue, isValidationError } from "../../components/validation";

/** The problems a region file's text has, as the messages users read. */
function problemsOf(doc: unknown, region = "eu-west-3"): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-pricing-"));
  const file = path.join(dir, `${region}.json`);
  fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
  try {
    loadRegionFile(file, region);
  } catch (err) {
    if (isValidationError(err)) return err.issues.map(formatIssue);
    throw err;
  }
  throw new Error("expected the file to be rejected");
}

function validFile(): Record<string, unknown> {
  return {
    region: "eu-west-3",
    currency: "USD",
    sources: {
      kms: {
        title: "AWS KMS pricing",
        url: "https://aws.amazon.com/kms/pricing/",
        asOf: "2026-11-25",
        method: "recalled",
      },
    },
    prices: { "kms.key": { unit: "key-month", source: "kms", usd: "1.00" } },
  };
}

describe("pricing catalog files", () => {
  it("has ap-northeast-2 (the seed's region) and us-east-1 (the seed's Bedrock prices)", () => {
    expect(pricingRegions()).toEqual(["ap-northeast-2", "us-east-1"]);
  });

  it.each(["ap-northeast-2", "us-east-1"])(
    "validates %s: every price has a unit, source, region and date",
    (region) => {
      const pricing = pricingFor(region);
      expect(pricing.region).toBe(region);
      for (const key of Object.keys(PRICE_KEYS) as PriceKey[]) {
        const items = pricing.items(key);
        const prices = items.length > 0 ? items.map((i) => pricing.price(key, i)) : [pricing.price(key)];
        for (const price of prices.filter((p) => p !== undefined)) {
          expect(price.unit).toBe(PRICE_KEYS[key].unit);
          expect(price.region).toBe(region);
          expect(price.source.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(price.source.url).toMatch(/^(https:\/\/aws\.amazon\.com\/|seed\/)/);
          expect(["seed", "price-list", "recalled"]).toContain(price.source.method);
          expect(price.usd).toMatch(/^\d+(\.\d+)?$/);
        }
      }
      for (const key of Object.keys(ASSUMPTION_KEYS) as (keyof typeof ASSUMPTION_KEYS)[]) {
        expect(pricing.assumption(key)?.source.id).toBe("seed-7.1");
      }
    },
  );

  it("records the seed's §7.1 SageMaker hours for ap-northeast-2", () => {
    const seoul = pricingFor("ap-northeast-2");
    expect(
      [
        seoul.price("sagemaker.notebook", "ml.t3.medium"),
        seoul.price("sagemaker.training", "ml.p3.2xlarge"),
        seoul.price("sagemaker.hosting", "ml.m5.xlarge"),
        seoul.price("sagemaker.processing", "ml.m5.xlarge"),
      ].map((p) => [p?.usd, p?.source.id]),
    ).toEqual([
      ["0.05", "seed-7.1"],
      ["4.19", "seed-7.1"],
      ["0.27", "seed-7.1"],
      ["0.27", "seed-7.1"],
    ]);
    expect(seoul.assumption("sagemaker.spotTrainingSaving")?.value).toBe("0.70");
  });

  it("prices every GPU instance of the seed's §5.1 table in both regions", () => {
    const gpus = [
      "p3.2xlarge",
      "p3.8xlarge",
      "p4d.24xlarge",
      "g4dn.xlarge",
      "g5.xlarge",
      "inf1.xlarge",
      "inf2.xlarge",
    ];
    for (const region of ["ap-northeast-2", "us-east-1"]) {
      const missing = gpus.filter((t) => pricingFor(region).price("ec2.instance", t) === undefined);
      expect({ region, missing }).toEqual({ region, missing: [] });
    }
    expect(pricingFor("ap-northeast-2").price("ec2.instance", "g5.xlarge")?.source.method).toBe("price-list");
  });

  it("serves Bedrock's prices to prices.ts from the us-east-1 file, so the seed's example stays exact", () => {
    expect(BEDROCK_MODEL_PRICES.map((p) => [p.modelId, p.region])).toEqual([
      ["anthropic.claude-3-haiku-20240307-v1:0", "us-east-1"],
      ["anthropic.claude-3-sonnet-20240229-v1:0", "us-east-1"],
      ["anthropic.claude-3-opus-20240229-v1:0", "us-east-1"],
      ["amazon.titan-text-lite-v1", "us-east-1"],
    ]);
    expect(
      bedrockTokenCost(
        "anthropic.claude-3-haiku-20240307-v1:0",
        { inputTokens: 500, outputTokens: 200 },
        1_000_000,
      ).usd,
    ).toBe("375");
  });

  it("refuses a region without a file, naming it and how to add one (never another region's prices)", () => {
    expect(() => pricingFor("eu-west-3")).toThrow(
      /^no prices for region "eu-west-3": the catalog has ap-northeast-2, us-east-1\. To add it, copy .*ap-northeast-2\.json to .*eu-west-3\.json, set "region" to "eu-west-3"/,
    );
    expect(() => pricingFor("../us-east-1")).toThrow(/no prices for region "\.\.\/us-east-1"/);
  });
});

describe("pricing file validation", () => {
  it("accepts a minimal file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-pricing-"));
    fs.writeFileSync(path.join(dir, "eu-west-3.json"), JSON.stringify(validFile()));
    fs.copyFileSync(path.join(PRICING_DIR, "free.json"), path.join(dir, "free.json"));
    const pricing = pricingFor("eu-west-3", dir);
    expect(pricing.price("kms.key")?.usd).toBe("1.00");
    expect(pricing.price("kms.requests")).toBeUndefined();
    expect(pricingRegions(dir)).toEqual(["eu-west-3"]);
  });

  it("rejects wrong units, unknown keys and sources, and prices that are not decimal strings", () => {
    const file = validFile();
    file.prices = {
      "kms.key": { unit: "month", source: "kms", usd: "1.00" },
      "kms.keys": { unit: "key-month", source: "kms", usd: "1.00" },
      "eks.cluster": { unit: "cluster-hour", source: "eks", usd: "0.10" },
      "ec2.instance": { unit: "instance-hour", source: "kms", usd: "0.1" },
    };
    expect(problemsOf(file)).toEqual([
      'prices.kms.key.unit: got "month", expected "key-month" (KMS customer-managed key)',
      'prices.kms.keys: got "kms.keys", expected a price key the estimator knows (components/catalog/pricing.ts PRICE_KEYS); did you mean kms.key?',
      'prices.eks.cluster.source: got "eks", expected a source id of this file (kms)',
      'prices.ec2.instance: got {"unit":"instance-hour","source":"kms","usd":"0.1"}, expected "items": a price per item (EC2 instance types), and no "usd"',
    ]);
    const numeric = validFile();
    numeric.prices = { "kms.key": { unit: "key-month", source: "kms", usd: 1 } };
    expect(problemsOf(numeric)).toEqual([
      'prices.kms.key.usd: got 1, expected a decimal USD amount as a string, such as "0.023"',
    ]);
  });

  it("rejects a file named after another region, a bad date, a missing URL and invalid JSON", () => {
    const file = validFile();
    file.sources = {
      kms: { title: "KMS", url: "aws.amazon.com/kms", asOf: "2026-13-01", method: "guessed" },
    };
    expect(problemsOf(file, "eu-west-1")).toEqual([
      'sources.kms.asOf: got "2026-13-01", expected a date YYYY-MM-DD',
      'sources.kms.method: got "guessed", expected one of seed, price-list, recalled',
    ]);
    expect(problemsOf(validFile(), "eu-west-1")).toEqual([
      'region: got "eu-west-3", expected "eu-west-1", the region the file is named after',
    ]);
    const plainUrl = validFile();
    plainUrl.sources = {
      kms: { title: "KMS", url: "aws.amazon.com/kms", asOf: "2026-11-01", method: "recalled" },
    };
    expect(problemsOf(plainUrl)).toEqual([
      'sources.kms.url: got "aws.amazon.com/kms", expected an https:// URL of the pricing page',
    ]);
    expect(problemsOf("{ not json")[0]).toMatch(/^\(file\): got nothing, expected valid JSON: /);
  });
});

describe("free resource types", () => {
  it("gives a reason for every type AWS does not charge for, by type, module or package", () => {
    const free = freeTypes();
    expect(free.reason("aws:ec2/subnet:Subnet")).toBe("subnets have no charge");
    expect(free.reason("aws:iam/role:Role")).toMatch(/IAM/);
    expect(free.reason("pulumi:providers:aws")).toMatch(/not cloud resources/);
    expect(free.reason("aws:budgets/budget:Budget")).toMatch(/no charge/);
    expect(free.reason("aws:ec2/natGateway:NatGateway")).toBeUndefined();
  });

  it("never lists a priced type as free", () => {
    const free = freeTypes();
    expect(Object.keys(RULES).filter((type) => free.reason(type) !== undefined)).toEqual([]);
  });
});

describe("exact decimals", () => {
  it("multiplies and adds without floating-point drift", () => {
    expect(toPlain(add(parseDecimal("0.1"), parseDecimal("0.2")))).toBe("0.3");
    expect(toPlain(mul(fromNumber(300000), parseDecimal("0.0000166667"), parseDecimal("0.5")))).toBe(
      "2.500005",
    );
    expect(toPlain(halve(fromNumber(512), 10))).toBe("0.5");
    expect(toPlain(shift(fromNumber(1_000_000), 6))).toBe("1");
    expect(toPlain(fromNumber(1e-7))).toBe("0.0000001");
    expect(toPlain(fromNumber(2.5e21))).toBe("2500000000000000000000");
  });

  it("rounds half away from zero only for display", () => {
    expect(toFixed(parseDecimal("541.806"), 2)).toBe("541.81");
    expect(toFixed(parseDecimal("-0.005"), 2)).toBe("-0.01");
    expect(toPlain(round(parseDecimal("2.345"), 2))).toBe("2.35");
    expect(formatDollars(parseDecimal("1234567.891"))).toBe("$1,234,567.89");
    expect(formatDollars(parseDecimal("-0.4"))).toBe("-$0.40");
    expect(() => parseDecimal("1e3")).toThrow('got "1e3", expected a plain decimal number such as "0.023"');
  });
});
