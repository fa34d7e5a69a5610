/**
 * Exact decimal arithmetic for cost estimates: a value is an integer count of 10^-scale units, kept in a
 * BigInt. Prices are published as decimal strings and quantities are whole or decimal numbers; sums and
 * products of them stay exact (no floating-point drift), and only rendering rounds.
 */

/** `units` × 10^-`scale`: `{ units: 25n, scale: 3 }` is 0.025. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A plain decimal string (`"0.0000166667"`, `"730"`, `"-1.5"`) as an exact Decimal; throws on anything else. */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL.exec(text);
  if (!match) throw new Error(`got ${JSON.stringify(text)}, expected a plain decimal number such as "0.023"`);
  const [, sign = "", whole = "0", fraction = ""] = match;
  return normalize({ units: BigInt(`${sign}${whole}${fraction}`), scale: fraction.length });
}

/** True when `text` is a decimal string {@link parseDecimal} accepts. */
export function isDecimalText(text: string): boolean {
  return DECIMAL.test(text);
}

/**
 * A finite JavaScript number as the exact decimal it prints as (`0.1` is 0.1, not the nearest binary
 * fraction): usage figures come from YAML or JSON files, where people write decimals.
 */
export function fromNumber(value: number): Decimal {
  if (!Number.isFinite(value)) throw new Error(`got ${value}, expected a finite number`);
  const [mantissa = "0", exponentText] = String(value).toLowerCase().split("e");
  const base = parseDecimal(mantissa);
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  return exponent >= 0
    ? normalize({ units: base.units * 10n ** BigInt(exponent), scale: base.scale })
    : normalize({ units: base.units, scale: base.scale - exponent });
}

export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return normalize({ units: widen(a, scale) + widen(b, scale), scale });
}

export function sub(a: Decimal, b: Decimal): Decimal {
  return add(a, { units: -b.units, scale: b.scale });
}

export function mul(...factors: readonly Decimal[]): Decimal {
  return normalize(
    factors.reduce((acc, f) => ({ units: acc.units * f.units, scale: acc.scale + f.scale }), {
      units: 1n,
      scale: 0,
    }),
  );
}

export function sum(values: readonly Decimal[]): Decimal {
  return values.reduce(add, ZERO);
}

/** `value` / 10^`digits`, exactly (per 1,000 or per million units). */
export function shift(value: Decimal, digits: number): Decimal {
  return normalize({ units: value.units, scale: value.scale + digits });
}

/** `value` / 2^`bits`, exactly: 1/2^n has a finite decimal expansion (MB to GB is / 1024). */
export function halve(value: Decimal, bits: number): Decimal {
  // x / 2^n = x * 5^n / 10^n
  return normalize({ units: value.units * 5n ** BigInt(bits), scale: value.scale + bits });
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = widen(a, scale);
  const y = widen(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(value: Decimal): boolean {
  return value.units === 0n;
}

/** The exact value as a plain decimal string, without trailing zeros: `"375"`, `"0.00075"`. */
export function toPlain(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, "0");
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale);
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** The value rounded half away from zero to `places` decimals, as a fixed-point string: `"1234.57"`. */
export function toFixed(value: Decimal, places: number): string {
  const rounded = round(value, places);
  const negative = rounded.units < 0n;
  const digits = (negative ? -rounded.units : rounded.units).toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places);
  const sign = negative && /[1-9]/.test(digits) ? "-" : "";
  return `${sign}${whole}${places > 0 ? `.${fraction}` : ""}`;
}

/** The value rounded half away from zero to `places` decimals. */
export function round(value: Decimal, places: number): Decimal {
  if (value.scale <= places) return { units: widen(value, places), scale: places };
  const divisor = 10n ** BigInt(value.scale - places);
  const negative = value.units < 0n;
  const abs = negative ? -value.units : value.units;
  const quotient = (abs + divisor / 2n) / divisor;
  return { units: negative ? -quotient : quotient, scale: places };
}

/** US dollars for people: `$1,234.57`, `-$0.40`, `$0.00` (the exact figure stays in the data). */
export function formatDollars(value: Decimal): string {
  const fixed = toFixed(value, 2);
  const negative = fixed.startsWith("-");
  const [whole = "0", cents = "00"] = (negative ? fixed.slice(1) : fixed).split(".");
  return `${negative ? "-" : ""}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`;
}

function widen(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** Drops trailing zero digits, so that equal values have one representation. */
function normalize(value: Decimal): Decimal {
  let { units, scale } = value;
  if (scale < 0) return { units: units * 10n ** BigInt(-scale), scale: 0 };
  if (units === 0n) return ZERO;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}
