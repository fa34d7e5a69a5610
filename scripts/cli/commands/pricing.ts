import * as path from "node:path";

import type { Command } from "commander";

import type { RefreshOptions, RefreshReport } from "../../../components/catalog/price-list/refresh";
import { UsageError } from "../errors";

export interface PricingRefreshFlags {
  region: string;
  out?: string;
  services?: string;
}

export function registerPricingCommand(program: Command): void {
  const pricing = program
    .command("pricing")
    .description("The pricing catalog that cost estimates read (components/catalog/pricing/<region>.json)");
  pricing
    .command("refresh")
    .description(
      "Write a region's prices from the public AWS Price List bulk offer files (no credentials needed); " +
        "seed prices are kept, prices the offer files lack are left out and listed",
    )
    .requiredOption("-r, --region <region>", "AWS region code, e.g. us-west-2")
    .option(
      "-o, --out <file>",
      "file to write, merged with it when it exists (default: the catalog's <region>.json)",
    )
    .option(
      "--services <list>",
      "comma-separated offer codes to read, e.g. AmazonS3,AWSLambda (default: every service the catalog prices)",
    )
    .action(async (flags: PricingRefreshFlags) => {
      const options = await refreshOptions(flags);
      const { refreshRegionPricing } = await import("../../../components/catalog/price-list/refresh");
      let report: RefreshReport;
      try {
        report = await refreshRegionPricing({
          ...options,
          onProgress: (message) => process.stderr.write(`reading ${message}\n`),
        });
      } catch (err) {
        // The region is checked against the Price List's own list of regions: the caller's to fix.
        if (err instanceof Error && err.name === "PriceListRegionError") {
          throw new UsageError(`--${err.message}`);
        }
        throw err;
      }
      process.stdout.write(`${renderRefresh(report)}\n`);
    });
}

/** The library's options from the flags, each checked: a bad value is a UsageError naming the flag. */
export async function refreshOptions(flags: PricingRefreshFlags): Promise<RefreshOptions> {
  const { REGION_CODE } = await import("../../../components/catalog/price-list/refresh");
  const { tableServices } = await import("../../../components/catalog/price-list/table");
  if (!REGION_CODE.test(flags.region)) {
    throw new UsageError(
      `--region: got ${JSON.stringify(flags.region)}, expected an AWS region code such as us-west-2`,
    );
  }
  let services: string[] | undefined;
  if (flags.services !== undefined) {
    services = flags.services
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    const known = tableServices();
    const unknown = services.filter((s) => !known.includes(s));
    if (services.length === 0 || unknown.length > 0) {
      throw new UsageError(
        `--services: got ${JSON.stringify(flags.services)}, expected comma-separated offer codes of ${known.join(", ")}`,
      );
    }
  }
  if (flags.out !== undefined && flags.out.trim() === "") {
    throw new UsageError(`--out: got "", expected the path of the JSON file to write`);
  }
  return {
    region: flags.region,
    ...(flags.out !== undefined ? { out: path.resolve(flags.out) } : {}),
    ...(services !== undefined ? { services } : {}),
  };
}

export function renderRefresh(report: RefreshReport): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const lines = [
    `Wrote ${path.relative(process.cwd(), report.file) || report.file} (${report.region}) from ` +
      `${count(report.offers.length, "AWS Price List offer file")}:`,
    ...report.offers.map(
      (o) => `  ${o.service.padEnd(18)} version ${o.version ?? "?"}, published ${o.publicationDate ?? "?"}`,
    ),
    "",
    `Refreshed: ${count(report.refreshed.length, "price key")}` +
      (report.refreshed.length > 0
        ? ` (${report.refreshed.map((r) => (r.items > 0 ? `${r.key} ×${r.items}` : r.key)).join(", ")})`
        : ""),
  ];
  if (report.missing.length > 0) {
    lines.push(
      "",
      `Not in the offer files, left out (resources that need them are reported as unpriced): ${report.missing.length}`,
      ...report.missing.map((m) => `  ${m.key}${m.item !== undefined ? ` [${m.item}]` : ""}: ${m.why}`),
    );
  }
  if (report.unconfirmed.length > 0) {
    lines.push(
      "",
      "Found by a rule not yet checked against a published offer file; check these prices:",
      ...report.unconfirmed.map((u) => `  ${u.key}: ${u.why}`),
    );
  }
  if (report.kept.length > 0) {
    lines.push("", "Kept as they were:", ...report.kept.map((k) => `  ${k.key}: ${k.why}`));
  }
  if (report.notInPriceList.length > 0) {
    lines.push(
      "",
      "Not read from the Price List:",
      ...report.notInPriceList.map((k) => `  ${k.key}: ${k.why}`),
    );
  }
  return lines.join("\n");
}
