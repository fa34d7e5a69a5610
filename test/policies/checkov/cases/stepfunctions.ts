/** Checkov's stepfunctions checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const stepfunctions: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
