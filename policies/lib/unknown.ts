/**
 * CrossGuard's unknown-value handling, from the @pulumi/policy copy that serves this pack. Its proxy module is
 * loaded on its own: it is what the policy server wraps props with, and it does not pull in the gRPC server.
 * The module ships without declarations (they are marked internal), hence the typed require.
 */
interface PolicyProxyModule {
  /** Thrown when a policy reads a value that is unknown until deploy. */
  readonly UnknownValueError: abstract new (...args: never[]) => Error;
  /** Wraps props so that reading an unknown value throws {@link PolicyProxyModule.UnknownValueError}. */
  unknownCheckingProxy<T extends object>(props: T): T;
  /** The sentinel the engine sends for a string that is unknown during preview. */
  readonly unknownStringValue: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const policyProxy = require("@pulumi/policy/proxy") as PolicyProxyModule;

/** What {@link peek} returns for a value that is unknown until deploy (during `pulumi preview`). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

/**
 * Reads a property of a policy's (proxied) props without letting an unknown preview value abort the whole
 * policy: returns {@link UNKNOWN} instead. A policy that cannot decide without the value reads it again
 * plainly, so that CrossGuard skips it with an advisory "can't run during preview" note.
 */
export function peek<T>(read: () => T): T | typeof UNKNOWN {
  try {
    return read();
  } catch (err) {
    if (err instanceof policyProxy.UnknownValueError) return UNKNOWN;
    throw err;
  }
}

/**
 * Reads a value the policy cannot decide without. When it is unknown during preview this throws CrossGuard's
 * own error, and the policy is reported as not run (advisory) rather than passed or failed.
 */
export function requireKnown<T>(read: () => T): T {
  return read();
}
