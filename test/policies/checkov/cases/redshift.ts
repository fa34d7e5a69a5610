/** Checkov's redshift checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const redshift: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
