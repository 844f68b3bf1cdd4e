/**
 * Decimal numbers read straight from UTF-8 bytes, without making a string.
 *
 * Only the common case is handled here, and handled exactly: at most 15 significant
 * digits and a decimal exponent within ±22. Then the digits form an integer below 2^53
 * and 10^|e| is exact, so one multiplication or division gives the correctly rounded
 * double, the same value `Number(text)` gives (Clinger's fast path). Everything else
 * (more digits, huge exponents, `NaN`, `Infinity`, spaces, missing-value tokens, bad
 * text) returns `NaN`, and the caller falls back to the string path, which is exact.
 *
 * @module
 */

/** 10^0 .. 10^22: every one exact in a double. */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Parses `bytes[start, end)` as `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`, the grammar of
 * the string path. Returns the value, or `NaN` when the fast path does not apply (the
 * caller must then parse the text). A finite result is always the correctly rounded
 * value of the text.
 * @internal
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i === end) return NaN;
  let c = bytes[i];
  let negative = false;
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    if (++i === end) return NaN;
    c = bytes[i];
  }
  let mantissa = 0;
  let digits = 0; // significant digits in mantissa
  let exponent = 0;
  let sawDigit = false;
  // Integer part.
  while (i < end) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) break;
    sawDigit = true;
    if (mantissa !== 0 || d !== 0) {
      if (++digits > 15) return NaN;
      mantissa = mantissa * 10 + d;
    }
    i++;
  }
  // Fraction.
  if (i < end && bytes[i] === 46 /* . */) {
    i++;
    while (i < end) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      sawDigit = true;
      if (mantissa !== 0 || d !== 0) {
        if (++digits > 15) return NaN;
        mantissa = mantissa * 10 + d;
      }
      exponent--;
      i++;
    }
  }
  if (!sawDigit) return NaN;
  // Exponent.
  if (i < end && (bytes[i] | 0x20) === 101 /* e */) {
    i++;
    let expNegative = false;
    if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
      expNegative = bytes[i] === 45;
      i++;
    }
    let e = 0;
    const expStart = i;
    while (i < end) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      if (i - expStart >= 4) return NaN;
      e = e * 10 + d;
      i++;
    }
    if (i === expStart) return NaN;
    exponent += expNegative ? -e : e;
  }
  if (i !== end) return NaN;
  if (mantissa === 0) return negative ? -0 : 0;
  let value: number;
  if (exponent === 0) value = mantissa;
  else if (exponent > 0 && exponent <= 22) value = mantissa * POW10[exponent];
  else if (exponent < 0 && exponent >= -22) value = mantissa / POW10[-exponent];
  else return NaN;
  return negative ? -value : value;
}
