/** Checkov's eks checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const eks: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
