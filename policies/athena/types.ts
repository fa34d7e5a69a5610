/** Athena type tokens the Athena policies check. */
export const ATHENA = {
  workgroup: "aws:athena/workgroup:Workgroup",
} as const;
