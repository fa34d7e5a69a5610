import { resourcePolicy } from "../lib/define";
import { peek, requireKnown } from "../lib/unknown";
import { ATHENA } from "./types";

/** Athena's smallest per-query cutoff: 10 MB. */
const MIN_CUTOFF = 10 * 1024 * 1024;
const TIB = 1024 ** 4;
/** Result encryption that uses a KMS key. */
const KMS_OPTIONS = ["SSE_KMS", "CSE_KMS"];

/**
 * Athena workgroups are guarded (seed: services map, Athena): their configuration overrides the clients' (so no
 * client writes results elsewhere or unencrypted, or skips the cutoff), query results are encrypted with a KMS key,
 * and each query is cut off after a number of bytes scanned, at most the stack's maximum (pack config
 * `maxBytesScannedCutoffPerQuery`): Athena bills per byte scanned, and a missing `WHERE` on a partitioned table
 * otherwise scans it all. Few common tools check the cutoff. Results kept in Athena's managed storage
 * (`managedQueryResultsConfiguration`, newer than Checkov's CKV_AWS_159) count as encrypted when they name a KMS key.
 */
export const athenaWorkgroupGuarded = resourcePolicy({
  name: "athena-workgroup-guarded",
  description:
    "Athena workgroups enforce their configuration, encrypt results with KMS and cut queries off at a byte limit.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set configuration.enforceWorkgroupConfiguration true, resultConfiguration.encryptionConfiguration " +
    "{ encryptionOption: SSE_KMS, kmsKeyArn } and bytesScannedCutoffPerQuery within maxBytesScannedCutoffPerQuery " +
    "(the QueryWorkgroup component does; mlplat:athena.bytesScannedCutoffPerQuery).",
  types: [ATHENA.workgroup],
  checkov: ["CKV_AWS_82", "CKV_AWS_159"],
  config: {
    maxBytesScannedCutoffPerQuery: {
      type: "integer",
      minimum: MIN_CUTOFF,
      default: TIB,
      description: "Largest per-query cutoff a workgroup may set, in bytes (default 1 TiB)",
    },
  },
  validate: (args, report) => {
    const { maxBytesScannedCutoffPerQuery: max } = args.getConfig<{
      maxBytesScannedCutoffPerQuery: number;
    }>();
    const name = `Workgroup ${JSON.stringify(args.name)}`;
    const config = requireKnown(() => args.props.configuration as Record<string, unknown> | undefined);

    // The provider's default is true; only an explicit false lets clients override.
    if (requireKnown(() => config?.enforceWorkgroupConfiguration) === false) {
      report(
        `${name} lets clients override its configuration (enforceWorkgroupConfiguration false): a query may then ` +
          "write unencrypted results elsewhere and ignore the cutoff",
      );
    }

    const managed = requireKnown(
      () => config?.managedQueryResultsConfiguration as Record<string, unknown> | undefined,
    );
    if (requireKnown(() => managed?.enabled) === true) {
      const key = peek(
        () => (managed?.encryptionConfiguration as Record<string, unknown> | undefined)?.kmsKey,
      );
      if (key === undefined || key === "") {
        report(
          `${name} keeps query results in Athena's managed storage without a KMS key: set ` +
            "managedQueryResultsConfiguration.encryptionConfiguration.kmsKey",
        );
      }
    } else {
      const encryption = requireKnown(
        () =>
          (config?.resultConfiguration as Record<string, unknown> | undefined)?.encryptionConfiguration as
            Record<string, unknown> | undefined,
      );
      const option = requireKnown(() => encryption?.encryptionOption);
      if (typeof option !== "string" || !KMS_OPTIONS.includes(option)) {
        report(
          `${name} does not encrypt query results with KMS (encryptionOption ${option === undefined ? "unset" : JSON.stringify(option)}): ` +
            "set resultConfiguration.encryptionConfiguration.encryptionOption to SSE_KMS with a kmsKeyArn",
        );
      } else {
        const key = peek(() => encryption?.kmsKeyArn);
        if (key === undefined || key === "") {
          report(`${name} encrypts query results with ${option} without a kmsKeyArn: name the key`);
        }
      }
    }

    const cutoff = requireKnown(() => config?.bytesScannedCutoffPerQuery);
    if (cutoff === undefined || cutoff === null) {
      report(
        `${name} sets no bytesScannedCutoffPerQuery: one query may scan, and bill, every byte it can reach; ` +
          `set at most ${max} bytes (${size(max)})`,
      );
    } else if (typeof cutoff !== "number" || !Number.isInteger(cutoff) || cutoff < MIN_CUTOFF) {
      report(
        `${name} sets bytesScannedCutoffPerQuery ${JSON.stringify(cutoff)}: Athena accepts whole numbers of bytes from ${MIN_CUTOFF} (10 MB)`,
      );
    } else if (cutoff > max) {
      report(
        `${name} cuts queries off at ${cutoff} bytes (${size(cutoff)}), above this stack's maximum of ${max} bytes ` +
          `(${size(max)}, maxBytesScannedCutoffPerQuery)`,
      );
    }
  },
});

/** Bytes in the largest binary unit that keeps a whole or one-decimal number: `1 TiB`, `10 GiB`. */
function size(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit] ?? "bytes"}`;
}
