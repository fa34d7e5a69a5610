/** Checkov's glue checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const glue: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
