/**
 * Sorting float64 samples fast: an LSD radix sort on the IEEE-754 bit patterns.
 *
 * A double's 64 bits, read as an unsigned integer after flipping the sign bit of
 * positive numbers and every bit of negative ones, sort in the same order as the
 * numbers (-Infinity < ... < -0 < +0 < ... < Infinity). One pass counts the four 16-bit
 * digits of every key, then four stable scatter passes (a pass whose digit is the same
 * for every value is skipped) sort the values, reading the caller's array directly in
 * the first pass. A million values sort in about a third of the time of
 * `Float64Array.prototype.sort`. Small arrays use the built-in sort.
 *
 * @module
 */
import { nanError, requireSample } from './input';

/** Below this length the built-in sort is faster than clearing 4 x 65536 counters. */
const RADIX_MIN = 16384;
const BUCKETS = 65536;
const PASSES = 4;

/**
 * Counts the four 16-bit digits of every key; returns the index of the first NaN, or -1.
 * (The key of a value is its bit pattern with the sign bit flipped when positive and all
 * bits flipped when negative.)
 */
function histograms(u: Uint32Array, n: number, counts: Uint32Array): number {
  for (let i = 0; i < n; i++) {
    const hiRaw = u[2 * i + 1];
    const loRaw = u[2 * i];
    if ((hiRaw & 0x7ff00000) === 0x7ff00000 && ((hiRaw & 0xfffff) | loRaw) !== 0) return i;
    const flip = hiRaw >> 31; // -1 for negative numbers, 0 otherwise
    const lo = loRaw ^ flip;
    const hi = hiRaw ^ (flip | 0x80000000);
    counts[lo & 0xffff]++;
    counts[BUCKETS + (lo >>> 16)]++;
    counts[2 * BUCKETS + (hi & 0xffff)]++;
    counts[3 * BUCKETS + (hi >>> 16)]++;
  }
  return -1;
}

/** One stable scatter pass by the 16-bit digit `pass` (0 = lowest). */
function scatter(src: Float64Array, dst: Float64Array, counts: Uint32Array, pass: number): void {
  const u = new Uint32Array(src.buffer, src.byteOffset, src.length * 2);
  const n = src.length;
  const base = pass * BUCKETS;
  const shift = (pass & 1) * 16;
  if (pass < 2) {
    for (let i = 0; i < n; i++) {
      const key = u[2 * i] ^ (u[2 * i + 1] >> 31);
      dst[counts[base + ((key >>> shift) & 0xffff)]++] = src[i];
    }
  } else {
    for (let i = 0; i < n; i++) {
      const hiRaw = u[2 * i + 1];
      const key = hiRaw ^ ((hiRaw >> 31) | 0x80000000);
      dst[counts[base + ((key >>> shift) & 0xffff)]++] = src[i];
    }
  }
}

/** {@link scatter} carrying a payload array along. */
function scatterWithPayload(src: Float64Array, dst: Float64Array, pSrc: Float64Array, pDst: Float64Array, counts: Uint32Array, pass: number): void {
  const u = new Uint32Array(src.buffer, src.byteOffset, src.length * 2);
  const n = src.length;
  const base = pass * BUCKETS;
  const shift = (pass & 1) * 16;
  const word = pass < 2 ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const hiRaw = u[2 * i + 1];
    const key = word === 0 ? u[2 * i] ^ (hiRaw >> 31) : hiRaw ^ ((hiRaw >> 31) | 0x80000000);
    const k = counts[base + ((key >>> shift) & 0xffff)]++;
    dst[k] = src[i];
    pDst[k] = pSrc[i];
  }
}

/**
 * Sorts `input` ascending (stable), carrying `payload` along when given. When
 * `writable` is false the input arrays are left untouched; otherwise they may be reused
 * as scratch space. The sorted arrays are returned (never the caller's untouched input).
 * Throws `MONITOR_INVALID_INPUT` on NaN, naming `fn` and `name`. @internal
 */
export function radixSort(
  input: Float64Array,
  payload: Float64Array | null,
  writable: boolean,
  fn: string,
  name: string,
): { values: Float64Array; payload: Float64Array | null } {
  const n = input.length;
  if (n < RADIX_MIN) {
    for (let i = 0; i < n; i++) if (input[i] !== input[i]) throw nanError(fn, name, i);
    const values = writable ? input : input.slice();
    if (payload === null) return { values: values.sort(), payload: null };
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => input[i] - input[j] || i - j);
    return { values: Float64Array.from(order, (i) => input[i]), payload: Float64Array.from(order, (i) => payload[i]) };
  }
  const counts = new Uint32Array(PASSES * BUCKETS);
  const bad = histograms(new Uint32Array(input.buffer, input.byteOffset, n * 2), n, counts);
  if (bad >= 0) throw nanError(fn, name, bad);
  let src: Float64Array = input;
  let pSrc = payload;
  let dst: Float64Array = new Float64Array(n);
  let pDst: Float64Array | null = payload === null ? null : new Float64Array(n);
  for (let pass = 0; pass < PASSES; pass++) {
    const base = pass * BUCKETS;
    let trivial = false;
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const c = counts[base + d];
      if (c === n) trivial = true;
      counts[base + d] = sum;
      sum += c;
    }
    if (trivial) continue;
    if (pSrc === null || pDst === null) scatter(src, dst, counts, pass);
    else scatterWithPayload(src, dst, pSrc, pDst, counts, pass);
    // The source becomes the next destination, unless it is the caller's read-only array.
    const freed = src === input && !writable ? new Float64Array(n) : src;
    const pFreed = pSrc !== null && pSrc === payload && !writable ? new Float64Array(n) : pSrc;
    src = dst;
    pSrc = pDst;
    dst = freed;
    pDst = pFreed;
  }
  if (src === input && !writable) return { values: input.slice(), payload: payload === null ? null : payload.slice() };
  return { values: src, payload: pSrc };
}

/**
 * A sorted copy of `values` (ascending; -0 before +0; ±Infinity allowed), by radix sort
 * for large inputs. The input is never modified. Throws `MONITOR_INVALID_INPUT` for an
 * empty input or a NaN.
 *
 * @example
 * ```ts
 * const sorted = sortFloat64(window); // then ksTestSorted(referenceSorted, sorted)
 * ```
 */
export function sortFloat64(values: ArrayLike<number>): Float64Array {
  requireSample('sortFloat64', 'values', values);
  return sortedCopy(values, 'sortFloat64', 'values');
}

/** A sorted copy, with the caller's function and argument names in errors. @internal */
export function sortedCopy(values: ArrayLike<number>, fn: string, name: string): Float64Array {
  if (values instanceof Float64Array) return radixSort(values, null, false, fn, name).values;
  return radixSort(Float64Array.from(values), null, true, fn, name).values;
}
