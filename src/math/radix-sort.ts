/**
 * Radix sort of float64 keys, optionally carrying a float64 payload (a weight or a row
 * index) with each key.
 *
 * Ranking metrics sort millions of scores; `Float64Array.prototype.sort` needs about
 * 0.1 s per million and cannot carry a payload. Here each key's IEEE-754 bit pattern is
 * read as an unsigned 64-bit integer with the same order (the sign bit flipped for
 * non-negative numbers, every bit flipped for negative ones; computed on the fly, the
 * keys are moved as plain doubles):
 *
 * 1. a least-significant-digit radix sort on the high 32 bits (sign, exponent and 20
 *    mantissa bits) in three 11/11/10-bit passes; a digit that is the same in every key
 *    (typically the top one) is skipped after one histogram read;
 * 2. runs of keys with equal high words are then ordered by their full value: short runs
 *    by insertion sort, long ones by the same radix sort on the low 32 bits.
 *
 * Distinct probabilities rarely share their high 32 bits, so step 2 is one cheap scan.
 * Stable. Keys must not be NaN; `-0` must already be `+0`.
 *
 * @module
 */

// Digit layouts: the high word in two 16-bit passes (fewer passes win on the whole
// array), the low word of a run in three 11-bit passes (cheaper histograms for runs).
const HIGH = { shifts: [0, 16], widths: [16, 16] };
const LOW = { shifts: [0, 11, 22], widths: [11, 11, 10] };
const MAX_BUCKETS = 1 << 16;
const SHORT_RUN = 64;

/** The order-preserving transform of a key's high (word 1) or low (word 0) 32 bits. */
function digitWord(u: Uint32Array, i: number, word: number): number {
  const hi = u[2 * i + 1];
  return word === 1 ? (hi ^ ((hi >> 31) | 0x80000000)) >>> 0 : (u[2 * i] ^ (hi >> 31)) >>> 0;
}

class Scratch {
  keys: Float64Array;
  payload: Float64Array | undefined;
  readonly counts = new Uint32Array(3 * MAX_BUCKETS);
  constructor(n: number, withPayload: boolean) {
    this.keys = new Float64Array(n);
    this.payload = withPayload ? new Float64Array(n) : undefined;
  }
}

/** LSD radix sort of `keys[from, to)` on one 32-bit word; the result is left in `keys`. */
function sortWord(keys: Float64Array, payload: Float64Array | undefined, from: number, to: number, word: number, scratch: Scratch): void {
  const n = to - from;
  const { shifts, widths } = word === 1 ? HIGH : LOW;
  const digits = shifts.length;
  const counts = scratch.counts;
  counts.fill(0, 0, digits * MAX_BUCKETS);
  let u = new Uint32Array(keys.buffer, keys.byteOffset, 2 * keys.length);
  if (word === 1) {
    for (let i = from; i < to; i++) {
      const t = digitWord(u, i, 1);
      counts[t & 0xffff]++;
      counts[MAX_BUCKETS + (t >>> 16)]++;
    }
  } else {
    for (let i = from; i < to; i++) {
      const t = digitWord(u, i, 0);
      counts[t & 0x7ff]++;
      counts[MAX_BUCKETS + ((t >>> 11) & 0x7ff)]++;
      counts[2 * MAX_BUCKETS + (t >>> 22)]++;
    }
  }
  let src = keys;
  let dst = scratch.keys;
  let psrc = payload;
  let pdst = scratch.payload;
  // dst indices are relative to `from` in the scratch buffer; map them when swapping.
  let srcOffset = from;
  let dstOffset = 0;
  for (let d = 0; d < digits; d++) {
    const base = d * MAX_BUCKETS;
    const buckets = 1 << widths[d];
    let trivial = false;
    let sum = dstOffset;
    for (let b = 0; b < buckets; b++) {
      const c = counts[base + b];
      if (c === n) {
        trivial = true;
        break;
      }
      counts[base + b] = sum;
      sum += c;
    }
    if (trivial) continue;
    const shift = shifts[d];
    const mask = buckets - 1;
    u = new Uint32Array(src.buffer, src.byteOffset, 2 * src.length);
    const end = srcOffset + n;
    if (psrc === undefined) {
      for (let i = srcOffset; i < end; i++) {
        const j = counts[base + ((digitWord(u, i, word) >>> shift) & mask)]++;
        dst[j] = src[i];
      }
    } else {
      const pd = pdst!;
      for (let i = srcOffset; i < end; i++) {
        const j = counts[base + ((digitWord(u, i, word) >>> shift) & mask)]++;
        dst[j] = src[i];
        pd[j] = psrc[i];
      }
    }
    const tk = src;
    src = dst;
    dst = tk;
    const tp = psrc;
    psrc = pdst;
    pdst = tp;
    const to2 = srcOffset;
    srcOffset = dstOffset;
    dstOffset = to2;
  }
  if (src !== keys) {
    keys.set(src.subarray(srcOffset, srcOffset + n), from);
    if (payload !== undefined) payload.set(psrc!.subarray(srcOffset, srcOffset + n), from);
  }
}

function insertionSort(keys: Float64Array, payload: Float64Array | undefined, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const k = keys[i];
    if (keys[i - 1] <= k) continue;
    const p = payload === undefined ? 0 : payload[i];
    let j = i - 1;
    while (j >= from && keys[j] > k) {
      keys[j + 1] = keys[j];
      if (payload !== undefined) payload[j + 1] = payload[j];
      j--;
    }
    keys[j + 1] = k;
    if (payload !== undefined) payload[j + 1] = p;
  }
}

/**
 * Sorts `keys` ascending in place, moving `payload[i]` with `keys[i]` when given.
 * Stable; needs scratch space the size of the input (twice with a payload).
 * @internal
 */
export function radixSort(keys: Float64Array, payload?: Float64Array): void {
  const n = keys.length;
  if (n <= SHORT_RUN) {
    insertionSort(keys, payload, 0, n);
    return;
  }
  const scratch = new Scratch(n, payload !== undefined);
  sortWord(keys, payload, 0, n, 1, scratch);
  const u = new Uint32Array(keys.buffer, keys.byteOffset, 2 * n);
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && u[2 * i + 1] === u[2 * start + 1]) continue;
    const len = i - start;
    if (len > 1) {
      if (len <= SHORT_RUN) insertionSort(keys, payload, start, i);
      else sortWord(keys, payload, start, i, 0, scratch);
    }
    start = i;
  }
}
