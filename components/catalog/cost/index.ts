/**
 * Monthly cost estimates of a stack, from the pricing catalog and a usage profile: pure functions, used by
 * `mlplat cost`, `mlplat check` and the cost policies.
 */
export * from "./compare";
export * from "./estimate";
export { RULES } from "./rules";
export * from "./usage";
