/**
 * Small numeric helpers shared across the SDK: exact quantiles, moments, modes.
 *
 * @module
 */

/**
 * The q-quantile (0..1) of an ascending-sorted array with linear interpolation between
 * closest ranks, computed exactly as `numpy.quantile(a, q)` (method `linear`) computes
 * it, rounding included: the virtual index is `(n - 1) * q` and the interpolation
 * switches to `b - (b - a) * (1 - t)` when `t >= 0.5`. `NaN` for an empty array.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const vi = (n - 1) * q;
  if (vi >= n - 1) return sorted[n - 1];
  if (vi < 0) return sorted[0];
  const lo = Math.floor(vi);
  const t = vi - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** The q-th percentile (0..100) of an ascending-sorted array, as `numpy.percentile(a, q)`. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  return quantileSorted(sorted, q / 100);
}

/** The non-missing values of a numeric array, as a new ascending-sorted Float64Array. */
export function sortedPresent(values: ArrayLike<number>, missing: Uint8Array | null = null): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!(missing !== null && missing[i]) && values[i] === values[i]) count++;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!(missing !== null && missing[i]) && values[i] === values[i]) out[k++] = values[i];
  return out.sort();
}

/** Count, mean, (sample, ddof = 1) standard deviation, min and max of the non-missing values. */
export interface Moments {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Sum of squared deviations from the mean (for merging). */
  m2: number;
}

/** Moments by Welford's algorithm, skipping `NaN` and masked cells. */
export function moments(values: ArrayLike<number>, missing: Uint8Array | null = null): Moments {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || (missing !== null && missing[i])) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    count: n,
    mean: n > 0 ? mean : NaN,
    std: n > 1 ? Math.sqrt(m2 / (n - 1)) : n === 1 ? 0 : NaN,
    min: n > 0 ? min : NaN,
    max: n > 0 ? max : NaN,
    m2,
  };
}
