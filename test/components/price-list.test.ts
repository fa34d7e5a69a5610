import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  extractOffer,
  OfferFormatError,
  PRICE_LIST_TABLE,
  priceKey,
  PriceListRegionError,
  refreshRegionPricing,
  unitPrice,
  type FetchLike,
  type OfferExtract,
} from "../../components/catalog/price-list";
import {
  loadRegionFile,
  PRICE_KEYS,
  PricingNotFoundError,
  pricingFor,
} from "../../components/catalog/pricing";

const FIXTURES = path.join(__dirname, "..", "fixtures", "price-list");
const SERVICES = ["AmazonEC2", "AmazonS3", "AWSQueueService", "awskms"];

/** Serves the fixtures for the Price List URLs, and records what was asked for. */
function fixtureFetch(asked: string[] = []): FetchLike {
  return (url: string) => {
    asked.push(url);
    const { pathname } = new URL(url);
    const rel = pathname
      .replace(/^\/offers\/v1\.0\/aws\//, "")
      .replace(/^([^/]+)\/current\/region_index\.json$/, "$1/region_index.json")
      .replace(/^([^/]+)\/\d+\/([a-z0-9-]+)\/index\.json$/, "$1/$2.json");
    const file = path.join(FIXTURES, rel);
    if (!fs.existsSync(file))
      return Promise.resolve(new Response("Not Found", { status: 404, statusText: "Not Found" }));
    const body = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
    return Promise.resolve(new Response(body, { status: 200 }));
  };
}

const fromFixture = (file: string) => fs.createReadStream(path.join(FIXTURES, file), { highWaterMark: 512 });

describe("extractOffer", () => {
  it("keeps the selected products with their on-demand dimensions, and the file's version and date", async () => {
    const extract = await extractOffer(
      fromFixture("AmazonEC2/us-west-2.json"),
      (p) => p.productFamily === "Compute Instance",
    );
    expect(extract.meta).toEqual({
      offerCode: "AmazonEC2",
      version: "20261120183107",
      publicationDate: "2026-11-20T18:31:07Z",
    });
    expect([...extract.products.keys()].sort()).toEqual([
      "2WTMTR9HDDT7AA73",
      "CQ4GB2CQGQXK8VAB",
      "F5Z8JKV3N9EYGW3T",
      "XMD9HNWJVJ5T2R4P",
    ]);
    const m5 = extract.products.get("CQ4GB2CQGQXK8VAB");
    expect(m5?.product.attributes.instanceType).toBe("m5.large");
    // The Reserved term of this SKU is not read: only its on-demand price.
    expect(m5?.dimensions).toEqual([
      expect.objectContaining({ unit: "Hrs", usd: "0.0960000000", beginRange: "0", endRange: "Inf" }),
    ]);
  });

  it("keeps every tier of a tiered price", async () => {
    const extract = await extractOffer(
      fromFixture("AmazonS3/us-west-2.json"),
      (p) => p.sku === "WP9ANXZGBYYSGJEA",
    );
    expect(extract.products.get("WP9ANXZGBYYSGJEA")?.dimensions.map((d) => [d.beginRange, d.usd])).toEqual([
      ["0", "0.0230000000"],
      ["51200", "0.0220000000"],
      ["512000", "0.0210000000"],
    ]);
  });

  it("refuses a file whose terms come before its products", async () => {
    const text = JSON.stringify({
      terms: { OnDemand: { A: {} } },
      products: { A: { sku: "A", attributes: {} } },
    });
    await expect(extractOffer(Readable.from([text]), () => true)).rejects.toBeInstanceOf(OfferFormatError);
  });

  it("rejects a file that is not JSON", async () => {
    await expect(extractOffer(Readable.from(['{"products": {']), () => true)).rejects.toThrow();
  });
});

describe("the price list table", () => {
  it("says for every price key where the Price List has it, or why it cannot", () => {
    expect(Object.keys(PRICE_LIST_TABLE).sort()).toEqual(Object.keys(PRICE_KEYS).sort());
    for (const source of Object.values(PRICE_LIST_TABLE)) {
      if ("rules" in source) expect(source.rules.length).toBeGreaterThan(0);
      else expect(source.notInPriceList.length).toBeGreaterThan(20);
    }
  });
});

describe("unitPrice", () => {
  it("takes the first paid tier and scales a per-request price to the catalog's unit", () => {
    const tiers = [
      { rateCode: "a", unit: "Requests", usd: "0.0000000000", beginRange: "0", endRange: "1000000" },
      { rateCode: "b", unit: "Requests", usd: "0.0000004000", beginRange: "1000000", endRange: "Inf" },
    ];
    expect(unitPrice(PRICE_KEYS["sqs.requests"], tiers)).toEqual({ usd: "0.4" });
  });

  it("refuses an offer unit of another kind instead of converting it", () => {
    const hourly = [{ rateCode: "a", unit: "Hrs", usd: "0.0041", beginRange: "0", endRange: "Inf" }];
    expect(unitPrice(PRICE_KEYS["cloudwatch.dashboard"], hourly)).toEqual({
      problem: 'the offer\'s unit "Hrs" is not a price per dashboard-month',
    });
  });
});

describe("priceKey", () => {
  it("reports products that disagree on a price instead of choosing one", () => {
    const product = (sku: string, usd: string) =>
      [
        sku,
        {
          product: {
            sku,
            productFamily: "Compute",
            attributes: { usagetype: "USW2-AmazonEKS-Hours:perCluster" },
          },
          dimensions: [{ rateCode: `${sku}.x`, unit: "Hrs", usd, beginRange: "0", endRange: "Inf" }],
        },
      ] as const;
    const extracts = new Map<string, OfferExtract>([
      ["AmazonEKS", { meta: {}, products: new Map([product("A", "0.10"), product("B", "0.60")]) }],
    ]);
    const result = priceKey("eks.cluster", PRICE_LIST_TABLE["eks.cluster"].rules, extracts);
    expect(result.found).toBeUndefined();
    expect(result.missing).toEqual([
      { key: "eks.cluster", why: "AmazonEKS: products disagree on the price: 0.1 (A) vs 0.6 (B)" },
    ]);
  });
});

describe("refreshRegionPricing", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "price-list-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const existing = {
    region: "us-west-2",
    currency: "USD",
    sources: {
      "seed-7.2": {
        title: "Seed §7.2",
        url: "seed/aws-for-ml-data.ko.txt §7.2",
        asOf: "2024-03-01",
        method: "seed",
      },
      s3: {
        title: "Amazon S3 pricing",
        url: "https://aws.amazon.com/s3/pricing/",
        asOf: "2026-11-25",
        method: "recalled",
      },
      vpc: {
        title: "Amazon VPC pricing",
        url: "https://aws.amazon.com/vpc/pricing/",
        asOf: "2026-11-25",
        method: "recalled",
      },
    },
    prices: {
      "s3.storage": { unit: "GB-month", source: "s3", items: { STANDARD: "0.0999", GLACIER: "0.0036" } },
      "ec2.instance": {
        unit: "instance-hour",
        source: "s3",
        items: { "p5.48xlarge": { usd: "55.04", source: "seed-7.2" }, "m5.large": "0.5" },
      },
      "ec2.publicIpv4": { unit: "address-hour", source: "vpc", usd: "0.005" },
      "bedrock.inputTokens": {
        unit: "1K tokens",
        source: "seed-7.2",
        items: { "anthropic.claude-3-haiku-20240307-v1:0": { usd: "0.00025", name: "Claude 3 Haiku" } },
      },
      "kms.key": { unit: "key-month", source: "seed-7.2", usd: "2.00" },
    },
    assumptions: { "ec2.spotSaving": { value: "0.70", source: "seed-7.2" } },
  };

  async function refresh(file: string) {
    return refreshRegionPricing({
      region: "us-west-2",
      out: file,
      services: SERVICES,
      fetch: fixtureFetch(),
      today: "2026-12-04",
    });
  }

  it("writes each found price from its offer file, with the file's URL, version and date as its source", async () => {
    const file = path.join(dir, "us-west-2.json");
    const report = await refresh(file);
    const pricing = loadRegionFile(file, "us-west-2");
    expect(pricing.price("ec2.instance", "m5.large")?.usd).toBe("0.096");
    expect(pricing.price("ec2.instance", "g5.xlarge")?.usd).toBe("1.006");
    expect(pricing.items("ec2.instance")).toEqual(["g5.xlarge", "m5.large"]); // no Windows, no reservation
    expect(pricing.price("ec2.ebsVolume", "gp3")?.usd).toBe("0.08");
    expect(pricing.price("vpc.natGateway")?.usd).toBe("0.045");
    expect(pricing.price("vpc.natGatewayData")?.usd).toBe("0.045");
    expect(pricing.price("s3.storage", "STANDARD")?.usd).toBe("0.023"); // the first 50 TB
    expect(pricing.price("s3.requests", "PUT")?.usd).toBe("0.005"); // per 1K requests
    expect(pricing.price("s3.requests", "GET")?.usd).toBe("0.0004");
    expect(pricing.price("sqs.requests", "standard")?.usd).toBe("0.4"); // the first paid tier
    expect(pricing.price("kms.key")?.usd).toBe("1");
    expect(pricing.price("kms.requests")?.usd).toBe("0.03"); // symmetric, per 10K, after the free tier
    const source = pricing.price("ec2.instance", "m5.large")?.source;
    expect(source).toMatchObject({
      id: "price-list-AmazonEC2",
      url: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/20261120183107/us-west-2/index.json",
      asOf: "2026-11-20",
      method: "price-list",
      note: "publicationDate 2026-11-20T18:31:07Z, version 20261120183107; on-demand terms",
    });
    expect(report.offers.map((o) => o.service)).toEqual(SERVICES);
  });

  it("reports the keys and items the offer files lack and leaves them out, never inventing a value", async () => {
    const file = path.join(dir, "us-west-2.json");
    const report = await refresh(file);
    const pricing = loadRegionFile(file, "us-west-2");
    expect(pricing.price("s3.storage", "GLACIER")).toBeUndefined();
    expect(pricing.price("sqs.requests", "fifo")).toBeUndefined();
    expect(report.missing).toEqual(
      expect.arrayContaining([
        {
          key: "s3.storage",
          item: "GLACIER",
          why: "AmazonS3: no product matches usagetype TimedStorage-GlacierByteHrs",
        },
        {
          key: "sqs.requests",
          item: "fifo",
          why: "AWSQueueService: no product matches productFamily API Request, usagetype Requests-FIFO-RBP",
        },
      ]),
    );
    // Keys of services that were not read are not reported and not written.
    expect(report.missing.some((m) => m.key === "ec2.publicIpv4")).toBe(false);
    expect(pricing.price("ec2.publicIpv4")).toBeUndefined();
  });

  it("replaces the recalled prices of refreshed keys and keeps seed prices, assumptions and unread services", async () => {
    const file = path.join(dir, "us-west-2.json");
    fs.writeFileSync(file, JSON.stringify(existing, null, 2));
    const report = await refresh(file);
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as typeof existing & {
      sources: Record<string, unknown>;
    };
    const pricing = loadRegionFile(file, "us-west-2");
    // Recalled prices of refreshed keys: replaced, or left out when the offer lacks them.
    expect(pricing.price("s3.storage", "STANDARD")?.source.method).toBe("price-list");
    expect(pricing.price("s3.storage", "STANDARD")?.usd).toBe("0.023");
    expect(pricing.price("s3.storage", "GLACIER")).toBeUndefined();
    expect(pricing.price("ec2.instance", "m5.large")?.usd).toBe("0.096");
    // Seed prices: kept as they are, item by item too.
    expect(pricing.price("kms.key")?.usd).toBe("2.00");
    expect(pricing.price("ec2.instance", "p5.48xlarge")).toMatchObject({
      usd: "55.04",
      source: { id: "seed-7.2" },
    });
    expect(pricing.price("bedrock.inputTokens", "anthropic.claude-3-haiku-20240307-v1:0")?.name).toBe(
      "Claude 3 Haiku",
    );
    expect(pricing.assumption("ec2.spotSaving")?.value).toBe("0.70");
    // A service not read: untouched.
    expect(pricing.price("ec2.publicIpv4")).toMatchObject({ usd: "0.005", source: { id: "vpc" } });
    // A source nothing names any more is dropped.
    expect(Object.keys(doc.sources).sort()).toEqual([
      "price-list-AWSQueueService",
      "price-list-AmazonEC2",
      "price-list-AmazonS3",
      "price-list-awskms",
      "seed-7.2",
      "vpc",
    ]);
    expect(report.kept).toEqual(
      expect.arrayContaining([
        { key: "kms.key", why: "seed price (seed-7.2): a requirement" },
        { key: "ec2.instance", why: "seed items p5.48xlarge" },
      ]),
    );
  });

  it("refuses a region the Price List has no offer files for, naming the ones it has", async () => {
    const file = path.join(dir, "xx-nowhere-9.json");
    const run = refreshRegionPricing({
      region: "xx-nowhere-9",
      out: file,
      services: SERVICES,
      fetch: fixtureFetch(),
    });
    await expect(run).rejects.toBeInstanceOf(PriceListRegionError);
    await expect(
      refreshRegionPricing({ region: "xx-nowhere-9", out: file, services: SERVICES, fetch: fixtureFetch() }),
    ).rejects.toThrow(
      'region: got "xx-nowhere-9", expected a region the AWS Price List has offer files for (us-east-1, us-west-2)',
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it("refuses a malformed region before fetching anything", async () => {
    const asked: string[] = [];
    await expect(
      refreshRegionPricing({ region: "Oregon", out: path.join(dir, "x.json"), fetch: fixtureFetch(asked) }),
    ).rejects.toThrow('region: got "Oregon", expected a region code such as us-west-2');
    expect(asked).toEqual([]);
  });
});

describe("PricingNotFoundError", () => {
  it("names the command that adds a region's prices", () => {
    expect(() => pricingFor("eu-west-3")).toThrow(PricingNotFoundError);
    expect(() => pricingFor("eu-west-3")).toThrow("mlplat pricing refresh --region eu-west-3");
  });
});
