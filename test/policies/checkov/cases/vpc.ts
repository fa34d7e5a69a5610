/** Checkov's vpc checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const vpc: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
