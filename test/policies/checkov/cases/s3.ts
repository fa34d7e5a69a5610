/** Checkov's s3 checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const s3: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
