export * from "./endpoint";
export * from "./endpoint-args";
export * from "./serving";
export * from "./training";
export * from "./training-args";
export * from "./training-job";
