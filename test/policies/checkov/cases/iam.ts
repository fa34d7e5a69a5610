/** Checkov's iam checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const iam: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
