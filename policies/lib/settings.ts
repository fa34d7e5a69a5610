import { peek, requireKnown, UNKNOWN } from "./unknown";

/**
 * True when a property holds a value: anything but absent or empty. A value that is unknown during preview is a
 * reference to another resource's output (a new key's ARN, a new guardrail's id), so it is set.
 */
export function isSet(read: () => unknown): boolean {
  const value = peek(read);
  return value === UNKNOWN || (value !== undefined && value !== null && value !== "");
}

/**
 * The reads a policy cannot decide during preview. A policy reads its values through {@link read} and
 * {@link isSetIn}, reports what it can decide, and then calls {@link settle}: if a read was unknown it throws
 * CrossGuard's unknown-value error, so the policy is noted as not run on that value (advisory) after its decided
 * findings, never passed or failed on a guess.
 */
export class UndecidedReads {
  private readonly pending: (() => unknown)[] = [];

  /** The value, or {@link UNKNOWN} (then the read is kept for {@link settle}). */
  read<T>(read: () => T): T | typeof UNKNOWN {
    const value = peek(read);
    if (value === UNKNOWN) this.pending.push(read);
    return value;
  }

  /**
   * Whether the block's `key` is set ({@link isSet}); {@link UNKNOWN} when the block itself (or one above it) is
   * unknown during preview, since then nobody knows whether the key is there.
   */
  isSetIn(block: () => unknown, key: string): boolean | typeof UNKNOWN {
    const value = this.read(block);
    if (value === UNKNOWN) return UNKNOWN;
    return isSet(() => (value as Record<string, unknown> | undefined)?.[key]);
  }

  /** Throws CrossGuard's unknown-value error when a read was unknown; returns otherwise. */
  settle(): void {
    for (const read of this.pending) requireKnown(read);
  }
}
