/** Checkov's bedrock checks as Pulumi resources (see ../case.ts). */
import type { ServiceCases } from "../case";

export const bedrock: ServiceCases = {
  cases: [],
  notApplicable: [],
  covered: [],
};
