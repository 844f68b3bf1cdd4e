/**
 * Decimal numbers read straight from UTF-8 bytes, without making a string.
 *
 * Only the common case is handled here, and handled exactly: a significand below 2^53
 * (at most 18 significant digits, leading zeros not counted) and a decimal exponent
 * within ±22. Then the significand is an exact integer and 10^|e| is exact, so one
 * multiplication or division gives the correctly rounded double, the same value
 * `Number(text)` gives (Clinger's fast path). Everything else (more digits, huge
 * exponents, `NaN`, `Infinity`, spaces, missing-value tokens, bad text) gives `NaN`, and
 * the caller falls back to the string path, which is exact.
 *
 * Digits are summed with integer arithmetic (no floating-point dependency chain per
 * digit): the common form, up to 9 digits with an optional point and no exponent, in one
 * int32 that is divided once by a power of ten; longer significands in two int32 halves
 * of up to 9 digits each, joined once.
 *
 * @module
 */

/** 10^0 .. 10^22: every one exact in a double. */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const TWO_53 = 2 ** 53;

/**
 * Where the last {@link scanNumber} call stopped (a second return value, kept in a
 * module binding because returning it through an object or array costs more than the
 * parse in the loaders' hot loops).
 * @internal
 */
export let scanEnd = 0;

/**
 * Reads a number at `bytes[start]`, stopping at the first byte that cannot continue the
 * grammar `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?` (or earlier, when what came
 * first is not a number), and sets {@link scanEnd} to that index. Returns the value when
 * `bytes[start, scanEnd)` is a complete number that the fast path reads exactly, else
 * `NaN`. The caller decides whether `scanEnd` ends the field: any text after it means
 * the field is not a number.
 *
 * The common form (at most 9 digits, an optional point, no exponent) is summed as an
 * int32 and finished with one exact division; longer forms go to {@link scanLong}.
 * @internal
 */
export function scanNumber(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (bytes[i] === 45 /* - */ || bytes[i] === 43) /* + */) negative = bytes[i++] === 45;
  let m = 0; // wraps past 9 digits; then unused
  const intStart = i;
  while (i < end) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) break;
    m = (m * 10 + d) | 0;
    i++;
  }
  let digits = i - intStart;
  let scale = 0;
  if (i < end && bytes[i] === 46 /* . */) {
    const fracStart = ++i;
    while (i < end) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      m = (m * 10 + d) | 0;
      i++;
    }
    scale = i - fracStart;
    digits += scale;
  }
  // More digits, or an exponent (`e`/`E`): the general reader.
  if (digits > 9 || (i < end && (bytes[i] | 0x20) === 101)) return scanLong(bytes, start, end);
  scanEnd = i;
  if (digits === 0) return NaN; // no digit: `-`, `.`, text
  const v = scale === 0 ? m : m / POW10[scale];
  return negative ? -v : v;
}

/** {@link scanNumber} for any length and an exponent: up to 18 significant digits. */
function scanLong(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let c = i < end ? bytes[i] : 0;
  let negative = false;
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    c = ++i < end ? bytes[i] : 0;
  }
  let hi = 0; // first 9 significant digits
  let lo = 0; // next 9
  let n = 0; // significant digits seen (leading zeros not counted)
  let scale = 0; // fraction digits after the first significant digit or zero run
  let sawDigit = false;
  // Integer part: leading zeros, then significant digits.
  while (c === 48) {
    sawDigit = true;
    c = ++i < end ? bytes[i] : 0;
  }
  while (c >= 48 && c <= 57) {
    if (n < 9) hi = hi * 10 + (c - 48);
    else if (n < 18) lo = lo * 10 + (c - 48);
    n++;
    c = ++i < end ? bytes[i] : 0;
  }
  if (n > 0) sawDigit = true;
  if (c === 46 /* . */) {
    c = ++i < end ? bytes[i] : 0;
    if (n === 0) {
      // Zeros right after the point only move the exponent.
      while (c === 48) {
        sawDigit = true;
        scale++;
        c = ++i < end ? bytes[i] : 0;
      }
    }
    const fracStart = i;
    while (c >= 48 && c <= 57) {
      if (n < 9) hi = hi * 10 + (c - 48);
      else if (n < 18) lo = lo * 10 + (c - 48);
      n++;
      c = ++i < end ? bytes[i] : 0;
    }
    if (i > fracStart) sawDigit = true;
    scale += i - fracStart;
  }
  if (!sawDigit) {
    scanEnd = i;
    return NaN;
  }
  let exponent = 0;
  if ((c | 0x20) === 101 /* e */) {
    c = ++i < end ? bytes[i] : 0;
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      c = ++i < end ? bytes[i] : 0;
    }
    const expStart = i;
    while (c >= 48 && c <= 57) {
      if (exponent < 100_000) exponent = exponent * 10 + (c - 48);
      c = ++i < end ? bytes[i] : 0;
    }
    if (i === expStart) {
      // `1e` or `1e+`: not a number.
      scanEnd = i;
      return NaN;
    }
    if (expNegative) exponent = -exponent;
  }
  exponent -= scale;
  let value: number;
  if (n === 0) value = 0;
  else if (n > 18) value = NaN;
  else {
    const m = n <= 9 ? hi : hi * POW10[n - 9] + lo;
    if (m >= TWO_53) value = NaN;
    else if (exponent === 0) value = m;
    else if (exponent > 0 && exponent <= 22) value = m * POW10[exponent];
    else if (exponent < 0 && exponent >= -22) value = m / POW10[-exponent];
    else value = NaN;
  }
  scanEnd = i;
  return negative ? -value : value;
}

/**
 * Parses `bytes[start, end)` as `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`, the grammar of
 * the string path. Returns the value, or `NaN` when the fast path does not apply (the
 * caller must then parse the text). A finite result is always the correctly rounded
 * value of the text.
 * @internal
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number {
  const value = scanNumber(bytes, start, end);
  return scanEnd === end ? value : NaN;
}
