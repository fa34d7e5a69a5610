/** Checkov's logs checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const logs: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
