/**
 * The weighted least-squares statistics of a data set: column means, the centred Gram
 * matrix `(X − μ)ᵀW(X − μ)`, `(X − μ)ᵀW(y − ȳ)` and `Σ wᵢ(yᵢ − ȳ)²`.
 *
 * They are accumulated in float64 on the CPU whatever the compute backend: the normal
 * equations square the condition number of X, so float32 products (the tfjs backends)
 * would cost most of the digits of the solution. One pass over the rows for the means, one
 * for the rest, using the symmetry of the Gram matrix.
 *
 * @module
 */
import type { FitData } from '../types';
import type { GramStats } from '../../optim/coordinate-descent';

/** Least-squares statistics, centred when an intercept is fitted. */
export interface LeastSquaresStats extends GramStats {
  /** Weighted column means (zeros without an intercept). */
  mean: Float64Array;
  /** Weighted target mean (0 without an intercept). */
  yMean: number;
  /** Σ of the weights. */
  weightSum: number;
}

/** Computes the statistics of `data`. */
export function leastSquaresStats(data: FitData, fitIntercept: boolean): LeastSquaresStats {
  const { X, y, sampleWeight: w } = data;
  const { rows: n, cols: d, data: x } = X;
  let weightSum = 0;
  const mean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    const wi = w === undefined ? 1 : w[i];
    weightSum += wi;
    if (!fitIntercept) continue;
    const row = i * d;
    for (let c = 0; c < d; c++) mean[c] += wi * x[row + c];
    yMean += wi * y[i];
  }
  if (fitIntercept && weightSum > 0) {
    for (let c = 0; c < d; c++) mean[c] /= weightSum;
    yMean /= weightSum;
  }

  // Lower triangle of G and q, accumulated four rows at a time (each update of G folds in
  // four rows): v = √w·(x − μ), G += v·vᵀ, q += √w·v·(y − ȳ).
  const G = new Float64Array(d * d);
  const q = new Float64Array(d);
  let yy = 0;
  const V = new Float64Array(4 * d);
  const t = new Float64Array(4);
  for (let start = 0; start < n; start += 4) {
    const count = Math.min(4, n - start);
    for (let b = 0; b < 4; b++) {
      const o = b * d;
      if (b >= count) {
        V.fill(0, o, o + d);
        t[b] = 0;
        continue;
      }
      const i = start + b;
      const s = Math.sqrt(w === undefined ? 1 : w[i]);
      const row = i * d;
      for (let c = 0; c < d; c++) V[o + c] = s * (x[row + c] - mean[c]);
      t[b] = s * (y[i] - yMean);
      yy += t[b] * t[b];
    }
    const [t0, t1, t2, t3] = t;
    for (let r = 0; r < d; r++) {
      const a0 = V[r];
      const a1 = V[d + r];
      const a2 = V[2 * d + r];
      const a3 = V[3 * d + r];
      q[r] += a0 * t0 + a1 * t1 + (a2 * t2 + a3 * t3);
      const g = r * d;
      for (let c = 0; c <= r; c++) G[g + c] += a0 * V[c] + a1 * V[d + c] + (a2 * V[2 * d + c] + a3 * V[3 * d + c]);
    }
  }
  for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) G[c * d + r] = G[r * d + c];
  return { d, G, q, yy, mean, yMean, weightSum };
}
