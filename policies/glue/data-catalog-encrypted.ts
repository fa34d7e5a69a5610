import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { peek, requireKnown } from "../lib/unknown";
import { block, GLUE, GLUE_CATALOG_TYPES, hasValue, kindOf, renderMode } from "./types";

/** The catalog encryption modes that use KMS. */
const KMS_MODES = ["SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"];

/**
 * A stack that puts anything into the Glue Data Catalog (databases, tables, partitions, connections, crawlers,
 * jobs) declares the catalog's encryption settings: metadata encrypted at rest with a customer-managed KMS key,
 * connection passwords encrypted with one. Encryption settings the stack declares use KMS, whatever else it
 * declares. The settings are one per account and region: a stack that shares them with another that manages
 * them takes an exception naming that stack. Checkov's CKV_AWS_94 asks for SSE-KMS; SSE-KMS-WITH-SERVICE-ROLE
 * (the same key, used through a role) is KMS encryption too and passes here.
 */
export const glueDataCatalogEncrypted = stackPolicy({
  name: "glue-data-catalog-encrypted",
  description:
    "Stacks with Glue catalog resources encrypt the Data Catalog and its connection passwords with a KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Declare an aws.glue.DataCatalogEncryptionSettings with encryptionAtRest.catalogEncryptionMode SSE-KMS and " +
    "sseAwsKmsKeyId, and connectionPasswordEncryption.returnConnectionPasswordEncrypted true with awsKmsKeyId (the " +
    "DataCatalog component does). Where another stack of the account and region manages them " +
    "(mlplat:glue.manageCatalogEncryption false), add an exception that names it.",
  checkov: ["CKV_AWS_94"],
  validate: (args, report) => {
    const catalog = args.resources.filter((r) => GLUE_CATALOG_TYPES.includes(r.type));
    const settings = args.resources.filter((r) => r.type === GLUE.encryptionSettings);
    if (catalog.length === 0 && settings.length === 0) {
      args.notApplicable("The stack declares no Glue catalog resources");
    }
    if (settings.length === 0) {
      for (const r of catalog) {
        report(
          `${kindOf(r.type)} ${JSON.stringify(r.name)} puts data into the Glue Data Catalog, but the stack declares no ` +
            "aws.glue.DataCatalogEncryptionSettings: the catalog's metadata and connection passwords are not encrypted with a KMS key",
          r.urn,
        );
      }
      return;
    }
    for (const s of settings) checkSettings(s, report);
  },
});

function checkSettings(s: PolicyResource, report: (message: string, urn?: string) => void): void {
  const name = `Data catalog encryption settings ${JSON.stringify(s.name)}`;
  // Modes decide compliance: an unknown one makes the policy "not run"; an unknown key ARN is a key.
  const config = block(requireKnown((): unknown => s.props.dataCatalogEncryptionSettings));
  const atRest = block(requireKnown(() => config?.encryptionAtRest));
  const mode = requireKnown(() => atRest?.catalogEncryptionMode);
  if (typeof mode !== "string" || !KMS_MODES.includes(mode)) {
    report(
      `${name} leave the catalog unencrypted at rest (catalogEncryptionMode ${renderMode(mode, "unset")}): ` +
        "set encryptionAtRest.catalogEncryptionMode to SSE-KMS with sseAwsKmsKeyId",
      s.urn,
    );
  } else if (!hasValue(peek(() => atRest?.sseAwsKmsKeyId))) {
    report(
      `${name} encrypt the catalog with the AWS managed key: set encryptionAtRest.sseAwsKmsKeyId to a customer-managed key`,
      s.urn,
    );
  }
  const passwords = block(requireKnown(() => config?.connectionPasswordEncryption));
  if (requireKnown(() => passwords?.returnConnectionPasswordEncrypted) !== true) {
    report(
      `${name} do not encrypt connection passwords: set connectionPasswordEncryption.returnConnectionPasswordEncrypted ` +
        "to true with awsKmsKeyId",
      s.urn,
    );
  } else if (!hasValue(peek(() => passwords?.awsKmsKeyId))) {
    report(
      `${name} encrypt connection passwords without a KMS key: set connectionPasswordEncryption.awsKmsKeyId`,
      s.urn,
    );
  }
}
