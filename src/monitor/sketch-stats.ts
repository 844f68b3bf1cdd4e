/**
 * Two-sample statistics computed from sketches instead of raw values, so a monitor can
 * compare a window of any size with a reference profile in bounded memory.
 *
 * - KS distance: the sup of |F̂_ref - F̂_cur| over every stored value of both sketches
 *   (both CDFs are step functions that only change there). Each sketch's CDF is within
 *   its `rankError()` of the true empirical CDF, so `|D̂ - D| <= eps_ref + eps_cur`.
 * - KS p-value: what `scipy.stats.ks_2samp(method='asymp')` computes from D: the exact
 *   one-sample two-sided distribution `kstwo.sf(D, round(en))` with
 *   `en = n m / (n + m)`. The only approximation is D itself.
 *
 * @module
 */
import type { QuantileSketch } from '../sketch/quantile-sketch';
import { asymptoticPValue } from './stats/ks';

/** KS distance between the distributions summarised by two sketches. */
export function sketchKsDistance(a: QuantileSketch, b: QuantileSketch): number {
  const A = a.weighted();
  const B = b.weighted();
  const na = a.n;
  const nb = b.n;
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let d = 0;
  while (i < A.values.length || j < B.values.length) {
    const x = j >= B.values.length || (i < A.values.length && A.values[i] <= B.values[j]) ? A.values[i] : B.values[j];
    while (i < A.values.length && A.values[i] === x) ca += A.weights[i++];
    while (j < B.values.length && B.values[j] === x) cb += B.weights[j++];
    const gap = Math.abs(ca / na - cb / nb);
    if (gap > d) d = gap;
  }
  return d;
}

/**
 * Asymptotic two-sample KS p-value for distance `d` between samples of sizes `n` and `m`,
 * as `scipy.stats.ks_2samp(method='asymp')` computes it.
 */
export function ksAsymptoticPValue(d: number, n: number, m: number): number {
  return asymptoticPValue(d, n, m, 'two-sided');
}

/**
 * Bin counts of a sketch for bins `(-inf, e_1), [e_1, e_2), ..., [e_last, +inf)` given the
 * inner edges.
 */
export function openBinCounts(sketch: QuantileSketch, inner: readonly number[]): number[] {
  const out: number[] = [];
  let prev = 0;
  for (const e of inner) {
    const below = sketch.rankBelow(e);
    out.push(below - prev);
    prev = below;
  }
  out.push(sketch.n - prev);
  return out;
}

/**
 * Inner PSI edges: the reference's `1/bins ... (bins-1)/bins` quantiles, de-duplicated
 * (a value holding several deciles yields one edge), so bins are open at both ends.
 */
export function quantileEdges(reference: QuantileSketch, bins: number): number[] {
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = reference.quantile(i / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  // A first edge equal to the minimum would leave the first bin empty by construction.
  if (edges.length > 0 && edges[0] === reference.min) edges.shift();
  return edges;
}
