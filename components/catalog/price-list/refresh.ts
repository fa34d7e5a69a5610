/**
 * `mlplat pricing refresh`: builds a region's pricing file (../pricing/<region>.json) from the AWS Price List
 * bulk offer files, which need no credentials. The offer index names each service's region index, which names
 * the region's offer file; each offer file is streamed once, keeping only the products the table
 * (./table.ts) prices. Every price written names its offer file (URL, version, publication date) as its source,
 * with method "price-list". Prices from the seed document (method "seed") are requirements and are kept as they
 * are; any other price of a refreshed key is replaced, or left out when the offer files do not have it. A key
 * left out is reported, never filled in.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";

import { mul, parseDecimal, shift, toPlain } from "../decimal";
import {
  loadRegionFile,
  PRICE_KEYS,
  PRICING_DIR,
  type PriceKey,
  type PriceKeySpec,
  type PriceMethod,
} from "../pricing";
import { extractOffer, type OfferExtract, type OfferMeta, type PriceDimension } from "./offer-stream";
import {
  ASSUMPTIONS_NOT_IN_PRICE_LIST,
  PRICE_LIST_TABLE,
  ruleMatches,
  tableServices,
  type KeySource,
  type PriceRule,
} from "./table";

/** The host of the public Price List bulk files. */
export const PRICE_LIST_HOST = "https://pricing.us-east-1.amazonaws.com";
/** The offer index: every service's offer code and the URL of its region index. */
export const OFFER_INDEX_URL = `${PRICE_LIST_HOST}/offers/v1.0/aws/index.json`;

/** What the refresh needs of `fetch`: Node's global fetch, or a stand-in (tests serve local files). */
export type FetchLike = (url: string) => Promise<Response>;

/** A region code: `us-west-2`, `ap-northeast-2`, `us-gov-west-1`. */
export const REGION_CODE = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

/** A region the Price List has no offer files for. */
export class PriceListRegionError extends Error {
  override readonly name = "PriceListRegionError";
}

/** A Price List file that could not be fetched or read. */
export class PriceListFetchError extends Error {
  override readonly name = "PriceListFetchError";
}

export interface RefreshOptions {
  readonly region: string;
  /** The file to write (and merge with, when it exists). @default - ../pricing/<region>.json */
  readonly out?: string;
  /** Offer codes to read; keys of other services stay as they are. @default - every service of the table */
  readonly services?: readonly string[];
  /** @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** Progress messages (one per file read). @default - none */
  readonly onProgress?: (message: string) => void;
  /** The day of the refresh, for an offer file without a publication date. @default - today (UTC) */
  readonly today?: string;
}

/** One price key (or item) the refresh could not take from the offer files. */
export interface MissingPrice {
  readonly key: PriceKey;
  readonly item?: string;
  readonly why: string;
}

/** What a refresh did, for the command to render. */
export interface RefreshReport {
  readonly region: string;
  readonly file: string;
  /** The offer files read. */
  readonly offers: readonly { service: string; url: string; version?: string; publicationDate?: string }[];
  /** Keys written from the offer files, with their number of items (0 for a single price). */
  readonly refreshed: readonly { key: PriceKey; items: number }[];
  /** Keys (or items) the offer files did not give: left out of the file. */
  readonly missing: readonly MissingPrice[];
  /** Keys written by a rule that could not be checked against a published offer file: check them. */
  readonly unconfirmed: readonly { key: PriceKey; why: string }[];
  /** Keys and assumptions kept as they were (seed prices), with why. */
  readonly kept: readonly { key: string; why: string }[];
  /** Keys the Price List cannot give (./table.ts says why): the file keeps whatever it had for them. */
  readonly notInPriceList: readonly { key: PriceKey; why: string }[];
}

/** The prices found for one key: a single price, or items; each value names the offer it came from. */
export interface FoundPrice {
  readonly usd?: { usd: string; service: string };
  readonly items?: ReadonlyMap<string, { usd: string; service: string }>;
}

/** The parts of a region file the refresh writes (the schema is validated by ../pricing.ts's loader). */
export interface RegionFileDoc {
  $comment?: string;
  region: string;
  currency: "USD";
  sources: Record<string, SourceDoc>;
  prices: Record<string, GroupDoc>;
  assumptions?: Record<string, { value: string; source: string; note?: string }>;
}
interface SourceDoc {
  title: string;
  url: string;
  asOf: string;
  method: PriceMethod;
  note?: string;
}
type ItemDoc = string | { usd: string; source?: string; name?: string; note?: string };
interface GroupDoc {
  unit: string;
  source: string;
  usd?: string;
  items?: Record<string, ItemDoc>;
  note?: string;
}

const TABLE = PRICE_LIST_TABLE as Readonly<Record<PriceKey, KeySource>>;
const KEYS = Object.keys(PRICE_KEYS) as PriceKey[];

/** The source id the region file gives an offer file. */
export function sourceId(service: string): string {
  return `price-list-${service}`;
}

/**
 * Refreshes `region`'s pricing file from the Price List: reads the offer files of the selected services,
 * merges what they price into the existing file (keeping seed prices) and writes it after validating it with
 * the catalog's loader.
 */
export async function refreshRegionPricing(options: RefreshOptions): Promise<RefreshReport> {
  const { region } = options;
  if (!REGION_CODE.test(region)) {
    throw new PriceListRegionError(
      `region: got ${JSON.stringify(region)}, expected a region code such as us-west-2`,
    );
  }
  const fetchFn = options.fetch ?? ((url: string) => fetch(url));
  const progress = options.onProgress ?? (() => undefined);
  const file = options.out ?? path.join(PRICING_DIR, `${region}.json`);
  const services = selectServices(options.services);
  const existing = fs.existsSync(file) ? readExisting(file, region) : undefined;

  // 1. Where each service's offer file for the region is (small files: fail early on an unknown region).
  progress(`offer index: ${OFFER_INDEX_URL}`);
  const index = await fetchJson(fetchFn, OFFER_INDEX_URL);
  const offerUrls = new Map<string, string>();
  const unavailable = new Map<string, string>();
  const knownRegions = new Set<string>();
  for (const service of services) {
    const regionIndexPath = stringAt(index, ["offers", service, "currentRegionIndexUrl"]);
    if (regionIndexPath === undefined) {
      unavailable.set(service, `the offer index has no service ${service}`);
      continue;
    }
    const regionIndexUrl = new URL(regionIndexPath, PRICE_LIST_HOST).toString();
    progress(`${service}: ${regionIndexUrl}`);
    const regionIndex = await fetchJson(fetchFn, regionIndexUrl);
    const regions = valueAt(regionIndex, ["regions"]);
    if (typeof regions === "object" && regions !== null) {
      for (const code of Object.keys(regions)) knownRegions.add(code);
    }
    const versionPath = stringAt(regionIndex, ["regions", region, "currentVersionUrl"]);
    if (versionPath === undefined) unavailable.set(service, `${service} has no offer file for ${region}`);
    else offerUrls.set(service, new URL(versionPath, PRICE_LIST_HOST).toString());
  }
  if (offerUrls.size === 0 && knownRegions.size > 0 && !knownRegions.has(region)) {
    throw new PriceListRegionError(
      `region: got ${JSON.stringify(region)}, expected a region the AWS Price List has offer files for ` +
        `(${[...knownRegions].sort().join(", ")})`,
    );
  }

  // 2. Stream each offer file, keeping the products the table prices.
  const found = new Map<PriceKey, FoundPrice>();
  const missing: MissingPrice[] = [];
  const offers: { service: string; url: string; version?: string; publicationDate?: string }[] = [];
  const extracts = new Map<string, OfferExtract>();
  for (const [service, url] of offerUrls) {
    const rules = rulesOf(service);
    progress(`${service}: ${url}${service === "AmazonEC2" ? " (hundreds of MB, streamed)" : ""}`);
    const response = await get(fetchFn, url);
    if (response.body === null) throw new PriceListFetchError(`GET ${url}: the response has no body`);
    const extract = await extractOffer(
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>),
      (product) =>
        (product.attributes.regionCode === undefined || product.attributes.regionCode === region) &&
        rules.some((rule) => ruleMatches(rule, product.productFamily, product.attributes)),
      url,
    );
    extracts.set(service, extract);
    offers.push({ service, url, ...extract.meta });
  }

  // 3. The prices of each key of the selected services, from the rules in order.
  const touched = KEYS.filter((key) => keyServices(key).some((s) => services.includes(s)));
  const unconfirmed: { key: PriceKey; why: string }[] = [];
  for (const key of touched) {
    const source = TABLE[key];
    if (!("rules" in source)) continue;
    const result = priceKey(key, source.rules, extracts, unavailable);
    missing.push(...result.missing);
    if (result.found) {
      found.set(key, result.found);
      const doubt = source.rules.find((r) => r.unconfirmed !== undefined && result.services.has(r.service));
      if (doubt?.unconfirmed) unconfirmed.push({ key, why: doubt.unconfirmed });
    }
  }

  // 4. Merge, validate and write.
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const sources = Object.fromEntries(
    offers.map((o) => [sourceId(o.service), offerSource(o.service, region, o.url, o, today)]),
  );
  const merged = mergeRegionFile(existing, { region, found, sources, touched });
  writeRegionFile(file, region, merged.doc);
  return {
    region,
    file,
    offers,
    refreshed: [...found].map(([key, f]) => ({ key, items: f.items?.size ?? 0 })),
    missing,
    unconfirmed,
    kept: merged.kept,
    notInPriceList: KEYS.flatMap((key) => {
      const source = TABLE[key];
      return "notInPriceList" in source ? [{ key, why: source.notInPriceList }] : [];
    }),
  };
}

/** The offer codes to read: all of the table's, or those asked for (each must be one of the table's). */
export function selectServices(asked: readonly string[] | undefined): string[] {
  const all = tableServices();
  if (asked === undefined) return all;
  const unknown = asked.filter((s) => !all.includes(s));
  if (unknown.length > 0) {
    throw new PriceListFetchError(
      `services: got ${unknown.map((s) => JSON.stringify(s)).join(", ")}, expected offer codes of ${all.join(", ")}`,
    );
  }
  return [...new Set(asked)];
}

/** The offer codes a key's rules read. */
export function keyServices(key: PriceKey): string[] {
  const source = TABLE[key];
  return "rules" in source ? [...new Set(source.rules.map((r) => r.service))] : [];
}

function rulesOf(service: string): PriceRule[] {
  return Object.values(TABLE).flatMap((s) =>
    "rules" in s ? s.rules.filter((r) => r.service === service) : [],
  );
}

/**
 * The price of one key from the extracted offers: each rule in order gives the items (or the single price)
 * it finds and no earlier rule gave. Products of one item must agree on the price; if they do not, the item is
 * reported, not chosen.
 */
export function priceKey(
  key: PriceKey,
  rules: readonly PriceRule[],
  extracts: ReadonlyMap<string, OfferExtract>,
  unavailable: ReadonlyMap<string, string> = new Map(),
): { found?: FoundPrice; missing: MissingPrice[]; services: Set<string> } {
  const spec: PriceKeySpec = PRICE_KEYS[key];
  const itemized = spec.items !== undefined;
  const chosen = new Map<string, { usd: string; service: string }>();
  const problems = new Map<string, string>();
  const services = new Set<string>();
  const SINGLE = "";
  for (const rule of rules) {
    const extract = extracts.get(rule.service);
    if (extract === undefined) {
      const why = unavailable.get(rule.service) ?? `${rule.service}'s offer file was not read`;
      const item = typeof rule.item === "string" ? rule.item : SINGLE;
      if (!chosen.has(item) && !problems.has(item)) problems.set(item, why);
      continue;
    }
    const candidates = new Map<string, Map<string, string[]>>(); // item -> usd -> skus
    const ruleProblems = new Map<string, string>();
    for (const [sku, { product, dimensions }] of extract.products) {
      if (!ruleMatches(rule, product.productFamily, product.attributes)) continue;
      const item = !itemized
        ? SINGLE
        : typeof rule.item === "function"
          ? rule.item(product.attributes)
          : rule.item;
      if (item === undefined || chosen.has(item)) continue;
      const price = unitPrice(spec, dimensions);
      if ("problem" in price) {
        ruleProblems.set(item, `${sku}: ${price.problem}`);
        continue;
      }
      const byUsd = candidates.get(item) ?? new Map<string, string[]>();
      byUsd.set(price.usd, [...(byUsd.get(price.usd) ?? []), sku]);
      candidates.set(item, byUsd);
    }
    for (const [item, byUsd] of candidates) {
      if (byUsd.size === 1) {
        const [usd = ""] = byUsd.keys();
        chosen.set(item, { usd, service: rule.service });
        problems.delete(item);
        services.add(rule.service);
      } else {
        const list = [...byUsd].map(([usd, skus]) => `${usd} (${skus.slice(0, 3).join(", ")})`).join(" vs ");
        problems.set(item, `${rule.service}: products disagree on the price: ${list}`);
      }
    }
    for (const [item, why] of ruleProblems)
      if (!chosen.has(item) && !problems.has(item)) problems.set(item, why);
    const wanted = typeof rule.item === "string" ? rule.item : itemized ? undefined : SINGLE;
    if (wanted !== undefined && !chosen.has(wanted) && !problems.has(wanted)) {
      problems.set(wanted, `${rule.service}: no product matches ${describeRule(rule)}`);
    }
    if (
      typeof rule.item === "function" &&
      candidates.size === 0 &&
      chosen.size === 0 &&
      !problems.has(SINGLE)
    ) {
      problems.set(SINGLE, `${rule.service}: no product matches ${describeRule(rule)}`);
    }
  }
  const missing: MissingPrice[] = [...problems]
    .filter(([item]) => !chosen.has(item))
    .map(([item, why]) => ({ key, ...(item === SINGLE ? {} : { item }), why }));
  if (chosen.size === 0) return { missing, services };
  if (!itemized) return { found: { usd: chosen.get(SINGLE) }, missing, services };
  return {
    found: { items: new Map([...chosen].sort(([a], [b]) => a.localeCompare(b, "en"))) },
    missing,
    services,
  };
}

/**
 * The catalog's price from a product's on-demand dimensions: the first paid tier (the lowest `beginRange` with
 * a price above zero: free tiers are left to the estimator), in the key's unit. The offer's unit must be of
 * the key's kind; a price per 1K or 1M units in the offer is scaled accordingly.
 */
export function unitPrice(
  spec: PriceKeySpec,
  dimensions: readonly PriceDimension[],
): { usd: string } | { problem: string } {
  const paid = dimensions
    .filter((d) => /^\d+(\.\d+)?$/.test(d.usd) && Number(d.usd) > 0)
    .sort((a, b) => Number(a.beginRange ?? 0) - Number(b.beginRange ?? 0));
  const first = paid[0];
  if (first === undefined) {
    return { problem: dimensions.length === 0 ? "no on-demand price" : "only free (zero) on-demand prices" };
  }
  const problem = unitProblem(spec.unit, first.unit);
  if (problem) return { problem };
  const digits = (spec.per ?? 0) - listUnitPer(first.unit);
  const amount = parseDecimal(first.usd);
  const scaled =
    digits >= 0 ? mul(amount, { units: 10n ** BigInt(digits), scale: 0 }) : shift(amount, -digits);
  return { usd: toPlain(scaled) };
}

/** Powers of ten an offer's unit already counts: 3 for `1K tokens`, 6 for `1M requests`. */
function listUnitPer(unit: string): number {
  if (/(^|\W)10K(\W|$)/i.test(unit)) return 4;
  if (/(^|\W)1K(\W|$)|thousand/i.test(unit)) return 3;
  if (/(^|\W)1M(\W|$)|million/i.test(unit)) return 6;
  return 0;
}

/** Why an offer's unit does not fit a catalog unit, or undefined when it does. */
export function unitProblem(catalogUnit: string, listUnit: string): string | undefined {
  const hourly = /hrs?\b|hours?/i;
  const fits = ((): boolean => {
    if (/-hour$/.test(catalogUnit)) return hourly.test(listUnit);
    if (catalogUnit === "GB-month") return /^GB-?Mo(nth)?s?$/i.test(listUnit);
    if (catalogUnit === "GB-second") return /second/i.test(listUnit);
    if (catalogUnit === "GB") return /^(GB|Gigabytes?)$/i.test(listUnit);
    if (catalogUnit === "TB") return /^(TB|Terabytes?)$/i.test(listUnit);
    // Counts and per-month charges: any unit that is not a duration or a size.
    return !hourly.test(listUnit) && !/GB|TB|second/i.test(listUnit);
  })();
  return fits ? undefined : `the offer's unit ${JSON.stringify(listUnit)} is not a price per ${catalogUnit}`;
}

function describeRule(rule: PriceRule): string {
  const parts = Object.entries(rule.attributes).map(([k, v]) => `${k} ${String(v)}`);
  if (rule.family !== undefined) parts.unshift(`productFamily ${String(rule.family)}`);
  return parts.join(", ") || "the rule";
}

/** The source entry of one offer file. */
export function offerSource(
  service: string,
  region: string,
  url: string,
  meta: OfferMeta,
  today: string,
): SourceDoc {
  const published = meta.publicationDate?.slice(0, 10);
  const dated = published !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(published);
  return {
    title: `AWS Price List bulk offer file ${service} for ${region}${meta.version ? `, version ${meta.version}` : ""}`,
    url,
    asOf: dated ? published : today,
    method: "price-list",
    note: dated
      ? `publicationDate ${meta.publicationDate}${meta.version ? `, version ${meta.version}` : ""}; on-demand terms`
      : `the offer file states no publicationDate: dated by the day it was read; on-demand terms`,
  };
}

/**
 * Merges refreshed prices into a region file: every refreshed key gets the offer's prices; a key the offers
 * lacked is left out; prices whose source is the seed document are kept as they are, item by item. Keys of
 * services that were not read are untouched. Sources no price names any more are dropped.
 */
export function mergeRegionFile(
  existing: RegionFileDoc | undefined,
  refreshed: {
    region: string;
    found: ReadonlyMap<PriceKey, FoundPrice>;
    sources: Readonly<Record<string, SourceDoc>>;
    touched: readonly PriceKey[];
  },
): { doc: RegionFileDoc; kept: { key: string; why: string }[] } {
  const { region } = refreshed;
  const base: RegionFileDoc = existing
    ? (JSON.parse(JSON.stringify(existing)) as RegionFileDoc)
    : { region, currency: "USD", sources: {}, prices: {} };
  const isSeed = (id: string | undefined): boolean => id !== undefined && base.sources[id]?.method === "seed";
  const kept: { key: string; why: string }[] = [];
  const sources: Record<string, SourceDoc> = { ...base.sources, ...refreshed.sources };
  const prices: Record<string, GroupDoc> = {};

  for (const key of Object.keys(base.prices)) {
    if (!(key in PRICE_KEYS)) prices[key] = base.prices[key] as GroupDoc; // the loader reports it
  }
  for (const key of KEYS) {
    const old = base.prices[key];
    if (!refreshed.touched.includes(key)) {
      if (old) prices[key] = old;
      continue;
    }
    const found = refreshed.found.get(key);
    const seedItems = Object.entries(old?.items ?? {}).filter(([, entry]) =>
      isSeed(typeof entry === "string" ? old?.source : (entry.source ?? old?.source)),
    );
    if (old && isSeed(old.source) && old.usd !== undefined) {
      prices[key] = old;
      kept.push({ key, why: `seed price (${old.source}): a requirement` });
      continue;
    }
    if (seedItems.length > 0) kept.push({ key, why: `seed items ${seedItems.map(([i]) => i).join(", ")}` });
    const spec: PriceKeySpec = PRICE_KEYS[key];
    const table = TABLE[key];
    const note = "note" in table ? table.note : undefined;
    if (found?.usd) {
      prices[key] = {
        unit: spec.unit,
        source: sourceId(found.usd.service),
        usd: found.usd.usd,
        ...(note ? { note } : {}),
      };
      continue;
    }
    const items = found?.items;
    if ((items === undefined || items.size === 0) && seedItems.length === 0) continue; // left out: reported
    const groupService = items?.values().next().value?.service;
    const groupSource = groupService !== undefined ? sourceId(groupService) : (old?.source ?? "");
    const out: Record<string, ItemDoc> = {};
    for (const [item, { usd, service }] of items ?? []) {
      out[item] = sourceId(service) === groupSource ? usd : { usd, source: sourceId(service) };
    }
    for (const [item, entry] of seedItems) {
      // Kept as it was, naming its seed source when the group now names an offer file.
      const entrySource =
        typeof entry === "string" ? (old?.source ?? "") : (entry.source ?? old?.source ?? "");
      const { source: _source, ...detail } = typeof entry === "string" ? { usd: entry } : entry;
      out[item] =
        entrySource !== groupSource
          ? { ...detail, source: entrySource }
          : Object.keys(detail).length === 1
            ? detail.usd
            : detail;
    }
    prices[key] = {
      unit: spec.unit,
      source: groupSource,
      items: Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b, "en"))),
      ...(note ? { note } : {}),
    };
  }
  for (const key of Object.keys(base.assumptions ?? {})) {
    kept.push({ key, why: ASSUMPTIONS_NOT_IN_PRICE_LIST });
  }

  // Only the sources something names.
  const named = new Set<string>();
  for (const group of Object.values(prices)) {
    named.add(group.source);
    for (const entry of Object.values(group.items ?? {}))
      if (typeof entry === "object" && entry.source) named.add(entry.source);
  }
  for (const a of Object.values(base.assumptions ?? {})) named.add(a.source);
  const doc: RegionFileDoc = {
    $comment:
      `On-demand list prices in USD for ${region}, before free tiers, credits and discounts. Prices with ` +
      `method "price-list" were read from the AWS Price List bulk offer files named in "sources" by ` +
      `\`mlplat pricing refresh --region ${region}\`; "seed" prices are requirements from the seed document and ` +
      `are kept by the refresh. Keys and units: components/catalog/pricing.ts PRICE_KEYS. How to refresh: ` +
      `README, Cost section.`,
    region,
    currency: "USD",
    sources: Object.fromEntries(Object.entries(sources).filter(([id]) => named.has(id))),
    prices,
    ...(base.assumptions ? { assumptions: base.assumptions } : {}),
  };
  return { doc, kept };
}

/** Writes the file through a temporary file that the catalog's loader validates first. */
export function writeRegionFile(file: string, region: string, doc: RegionFileDoc): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(doc, null, 2)}\n`);
  try {
    loadRegionFile(temp, region);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  fs.renameSync(temp, file);
}

function readExisting(file: string, region: string): RegionFileDoc {
  loadRegionFile(file, region); // refuses to merge into a file the catalog would not read
  return JSON.parse(fs.readFileSync(file, "utf8")) as RegionFileDoc;
}

async function get(fetchFn: FetchLike, url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (err) {
    throw new PriceListFetchError(`GET ${url}: ${(err as Error).message}`);
  }
  if (!response.ok)
    throw new PriceListFetchError(`GET ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  return response;
}

async function fetchJson(fetchFn: FetchLike, url: string): Promise<unknown> {
  const response = await get(fetchFn, url);
  try {
    return await response.json();
  } catch (err) {
    throw new PriceListFetchError(`GET ${url}: not JSON: ${(err as Error).message}`);
  }
}

/** The value at `keys` in a parsed JSON document, or undefined. */
function valueAt(doc: unknown, keys: readonly string[]): unknown {
  let at: unknown = doc;
  for (const key of keys) {
    if (typeof at !== "object" || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function stringAt(doc: unknown, keys: readonly string[]): string | undefined {
  const value = valueAt(doc, keys);
  return typeof value === "string" ? value : undefined;
}
