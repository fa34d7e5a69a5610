/**
 * A streaming reader of one AWS Price List offer file (`…/offers/v1.0/aws/<Service>/current/<region>/index.json`).
 * The files are large (EC2's for one region is hundreds of MB), so they are never held whole: the JSON is
 * tokenized as it arrives (stream-json), each product is assembled on its own and kept only when the caller
 * selects it, and then only the on-demand terms of the kept SKUs are assembled. Products come before terms in
 * the published files; a file that puts terms first is refused, since its SKUs could not be selected.
 *
 * Format (AWS Billing guide, "Reading the service price list file for an AWS service"):
 * `{ formatVersion, disclaimer, offerCode, version, publicationDate,
 *    products: { <sku>: { sku, productFamily, attributes: { … } } },
 *    terms: { OnDemand: { <sku>: { <sku>.<termCode>: { priceDimensions: { <rateCode>: { unit, pricePerUnit: { USD },
 *    beginRange, endRange, description } } } } }, Reserved: { … } } }`.
 */
import type { Readable } from "node:stream";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { parser } from "stream-json";

import type { Attributes } from "./table";

/** What the offer file says about itself. */
export interface OfferMeta {
  readonly offerCode?: string;
  readonly version?: string;
  readonly publicationDate?: string;
}

/** One product of the offer file. */
export interface OfferProduct {
  readonly sku: string;
  readonly productFamily?: string;
  readonly attributes: Attributes;
}

/** One on-demand price dimension of a product. */
export interface PriceDimension {
  readonly rateCode: string;
  readonly unit: string;
  /** USD per unit, a decimal string as published (`"0.0960000000"`). */
  readonly usd: string;
  readonly beginRange?: string;
  readonly endRange?: string;
  readonly description?: string;
}

/** A selected product and its on-demand price dimensions. */
export interface OfferPrices {
  readonly product: OfferProduct;
  readonly dimensions: readonly PriceDimension[];
}

export interface OfferExtract {
  readonly meta: OfferMeta;
  /** The selected products, by SKU, with their on-demand dimensions (empty when the file has no terms for it). */
  readonly products: ReadonlyMap<string, OfferPrices>;
}

/** An offer file that cannot be read as one. */
export class OfferFormatError extends Error {
  override readonly name = "OfferFormatError";
}

type Token = parser.Token;
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * Reads an offer file from `input` and returns the products `select` keeps, with their on-demand terms. Memory
 * stays proportional to what is kept, not to the file.
 */
export async function extractOffer(
  input: Readable,
  select: (product: OfferProduct) => boolean,
  what = "offer file",
): Promise<OfferExtract> {
  const reader = new OfferReader(select, what);
  await pipeline(
    input,
    parser.asStream({ packValues: true, streamValues: false }),
    new Writable({
      objectMode: true,
      highWaterMark: 1024,
      write(token: Token, _encoding, done) {
        try {
          reader.consume(token);
          done();
        } catch (err) {
          done(err as Error);
        }
      },
    }),
  );
  return reader.result();
}

/** Builds one JSON value from its tokens (only packed tokens are read). */
class ValueBuilder {
  private readonly stack: { container: Json[] | Record<string, Json>; key?: string }[] = [];
  private value: Json | undefined;
  private finished = false;

  /** Feeds a token; true once the value is complete. */
  consume(token: Token): boolean {
    switch (token.name) {
      case "startObject":
        this.open({});
        return false;
      case "startArray":
        this.open([]);
        return false;
      case "endObject":
      case "endArray":
        this.stack.pop();
        return this.stack.length === 0 ? (this.finished = true) : false;
      case "keyValue": {
        const top = this.stack[this.stack.length - 1];
        if (top) top.key = token.value;
        return false;
      }
      case "stringValue":
      case "numberValue":
        return this.add(token.value);
      case "nullValue":
        return this.add(null);
      case "trueValue":
        return this.add(true);
      case "falseValue":
        return this.add(false);
      default:
        return false;
    }
  }

  get result(): Json | undefined {
    return this.finished ? this.value : undefined;
  }

  private open(container: Json[] | Record<string, Json>): void {
    if (this.stack.length === 0) this.value = container;
    else this.add(container);
    this.stack.push({ container });
  }

  private add(value: Json): boolean {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.value = value;
      return (this.finished = true);
    }
    if (Array.isArray(top.container)) top.container.push(value);
    else
      Object.defineProperty(top.container, top.key ?? "", {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return false;
  }
}

/** Follows the path through the token stream and assembles only the values it needs. */
class OfferReader {
  /** The keys of the open containers: `[undefined, "products", "<sku>"]` while inside one product. */
  private readonly path: (string | undefined)[] = [];
  private pendingKey: string | undefined;
  private builder: { value: ValueBuilder; kind: "product" | "terms"; sku: string } | undefined;
  private readonly meta: { offerCode?: string; version?: string; publicationDate?: string } = {};
  private readonly kept = new Map<string, { product: OfferProduct; dimensions: PriceDimension[] }>();
  private seenProducts = false;

  constructor(
    private readonly select: (product: OfferProduct) => boolean,
    private readonly what: string,
  ) {}

  consume(token: Token): void {
    if (this.builder) {
      if (this.builder.value.consume(token)) this.finish();
      return;
    }
    switch (token.name) {
      case "keyValue":
        this.pendingKey = token.value;
        return;
      case "startObject":
      case "startArray": {
        const key = this.pendingKey;
        this.pendingKey = undefined;
        // path[0] is the document itself: products are at ["", "products", <sku>].
        const depth = this.path.length;
        const [, top, section] = this.path;
        if (depth === 2 && top === "products" && key !== undefined) {
          this.seenProducts = true;
          this.begin("product", key, token);
          return;
        }
        if (depth === 3 && top === "terms" && section === "OnDemand" && key !== undefined) {
          if (!this.seenProducts) {
            throw new OfferFormatError(
              `${this.what}: its terms come before its products, so no SKU can be selected`,
            );
          }
          if (this.kept.has(key)) this.begin("terms", key, token);
          else this.path.push(key); // skipped: followed, not assembled
          return;
        }
        this.path.push(key);
        return;
      }
      case "endObject":
      case "endArray":
        this.path.pop();
        return;
      case "stringValue":
      case "numberValue":
        if (this.path.length === 1 && this.pendingKey !== undefined)
          this.setMeta(this.pendingKey, token.value);
        this.pendingKey = undefined;
        return;
      case "nullValue":
      case "trueValue":
      case "falseValue":
        this.pendingKey = undefined;
        return;
      default:
        return;
    }
  }

  result(): OfferExtract {
    if (this.path.length !== 0) throw new OfferFormatError(`${this.what}: the JSON ends early`);
    return { meta: { ...this.meta }, products: new Map(this.kept) };
  }

  private begin(kind: "product" | "terms", sku: string, token: Token): void {
    const value = new ValueBuilder();
    value.consume(token);
    this.builder = { value, kind, sku };
  }

  private finish(): void {
    const built = this.builder;
    this.builder = undefined;
    if (!built) return;
    const value = built.value.result;
    if (built.kind === "product") {
      const product = toProduct(built.sku, value);
      if (product && this.select(product)) this.kept.set(built.sku, { product, dimensions: [] });
      return;
    }
    const entry = this.kept.get(built.sku);
    if (entry) entry.dimensions.push(...toDimensions(value));
  }

  private setMeta(key: string, value: string): void {
    if (key === "offerCode" || key === "version" || key === "publicationDate") this.meta[key] = value;
  }
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toProduct(sku: string, value: Json | undefined): OfferProduct | undefined {
  if (!isObject(value)) return undefined;
  const attributes: Record<string, string> = {};
  if (isObject(value.attributes)) {
    for (const [name, v] of Object.entries(value.attributes)) if (typeof v === "string") attributes[name] = v;
  }
  return {
    sku: typeof value.sku === "string" ? value.sku : sku,
    ...(typeof value.productFamily === "string" ? { productFamily: value.productFamily } : {}),
    attributes,
  };
}

/** The price dimensions of every term of one SKU (`{ <termCode>: { priceDimensions: { … } } }`). */
function toDimensions(value: Json | undefined): PriceDimension[] {
  const out: PriceDimension[] = [];
  if (!isObject(value)) return out;
  for (const term of Object.values(value)) {
    if (!isObject(term) || !isObject(term.priceDimensions)) continue;
    for (const [rateCode, d] of Object.entries(term.priceDimensions)) {
      if (!isObject(d) || !isObject(d.pricePerUnit) || typeof d.pricePerUnit.USD !== "string") continue;
      const text = (k: string): string | undefined => (typeof d[k] === "string" ? d[k] : undefined);
      const beginRange = text("beginRange");
      const endRange = text("endRange");
      const description = text("description");
      out.push({
        rateCode: typeof d.rateCode === "string" ? d.rateCode : rateCode,
        unit: text("unit") ?? "",
        usd: d.pricePerUnit.USD,
        ...(beginRange !== undefined ? { beginRange } : {}),
        ...(endRange !== undefined ? { endRange } : {}),
        ...(description !== undefined ? { description } : {}),
      });
    }
  }
  return out;
}
