/** Checkov's sagemaker checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const sagemaker: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
