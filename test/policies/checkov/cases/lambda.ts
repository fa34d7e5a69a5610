/** Checkov's lambda checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const lambda: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
