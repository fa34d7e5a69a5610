/** Athena type tokens the Athena policies check. */
export const ATHENA = {
  workgroup: "aws:athena/workgroup:Workgroup",
  database: "aws:athena/database:Database",
} as const;
