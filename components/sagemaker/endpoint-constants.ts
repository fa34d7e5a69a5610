/** The variant every endpoint serves, as in the seed's §2.4 (`.../variant/AllTraffic`). */
export const VARIANT_NAME = "AllTraffic";
