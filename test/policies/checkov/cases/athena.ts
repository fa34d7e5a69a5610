/** Checkov's athena checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const athena: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
