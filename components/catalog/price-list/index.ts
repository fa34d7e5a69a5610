/** Refreshing the pricing catalog from the AWS Price List bulk offer files: see ./refresh.ts. */
export * from "./offer-stream";
export * from "./refresh";
export * from "./table";
