/**
 * Regression metrics: MAE, MSE, RMSE, R2, explained variance, MAPE, median absolute
 * error and the pinball (quantile) loss. Each matches scikit-learn 1.2.1.
 *
 * @module
 */
import { checkLength, checkNotEmpty, invalidInput, toFiniteArray, toWeights, undefinedMetric, weightedMean, type WeightOptions } from '../inputs';

interface RegressionPair {
  y: Float64Array;
  p: Float64Array;
  w: Float64Array | undefined;
}

function pairOf(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeight: ArrayLike<number> | undefined): RegressionPair {
  const y = toFiniteArray(yTrue, 'yTrue');
  const p = toFiniteArray(yPred, 'yPred');
  checkLength(p, y.length, 'yPred', 'yTrue');
  checkNotEmpty(y.length, 'yTrue');
  return { y, p, w: toWeights(sampleWeight, y.length) };
}

function mapRows(r: RegressionPair, f: (y: number, p: number) => number): Float64Array {
  const out = new Float64Array(r.y.length);
  for (let i = 0; i < out.length; i++) out[i] = f(r.y[i], r.p[i]);
  return out;
}

/** The (weighted) mean of `f(y, p)` over the rows, without an intermediate array. */
function rowMean(r: RegressionPair, f: (y: number, p: number) => number, what: string): number {
  const { y, p, w } = r;
  let s = 0;
  if (w === undefined) {
    for (let i = 0; i < y.length; i++) s += f(y[i], p[i]);
    return s / y.length;
  }
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    s += f(y[i], p[i]) * w[i];
    sw += w[i];
  }
  if (sw === 0) throw undefinedMetric(`${what} is undefined: the sample weights sum to 0.`);
  return s / sw;
}

/** `max(|y|, eps)` in MAPE's denominator (float64 machine epsilon, as scikit-learn). */
const MAPE_EPS = 2.220446049250313e-16;

/** Per-row errors of each regression metric. @internal */
export const regressionRows = {
  absolute: (y: number, p: number): number => Math.abs(p - y),
  squared: (y: number, p: number): number => (y - p) * (y - p),
  percentage: (y: number, p: number): number => Math.abs(p - y) / Math.max(Math.abs(y), MAPE_EPS),
};

/**
 * Mean absolute error: the average size of a miss, in the target's unit ("off by 12
 * euros on average").
 *
 * @example
 * ```ts
 * mae([3, 5, 2], [2.5, 5, 4]); // 0.8333
 * ```
 */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: WeightOptions = {}): number {
  const r = pairOf(yTrue, yPred, options.sampleWeight);
  return rowMean(r, regressionRows.absolute, 'mae');
}

/** Mean squared error: the average squared miss; punishes large misses. */
export function mse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: WeightOptions = {}): number {
  const r = pairOf(yTrue, yPred, options.sampleWeight);
  return rowMean(r, regressionRows.squared, 'mse');
}

/** Root mean squared error: `sqrt(mse)`, back in the target's unit. */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: WeightOptions = {}): number {
  return Math.sqrt(mse(yTrue, yPred, options));
}

/**
 * Mean absolute percentage error, as a fraction (0.1 = 10%). Where the true value is 0
 * the denominator is machine epsilon, as in scikit-learn, which makes the result huge:
 * avoid MAPE for targets that can be 0.
 */
export function mape(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: WeightOptions = {}): number {
  const r = pairOf(yTrue, yPred, options.sampleWeight);
  return rowMean(r, regressionRows.percentage, 'mape');
}

/**
 * The (weighted) median of values sorted ascending: numpy's median (mean of the two
 * middle values) without weights; with weights, scikit-learn's `_weighted_percentile`
 * (the first value whose cumulative weight reaches half the total).
 * @internal
 */
export function medianSorted(sorted: Float64Array, sortedWeights: Float64Array | undefined): number {
  const n = sorted.length;
  if (sortedWeights === undefined) return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  let total = 0;
  for (let i = 0; i < n; i++) total += sortedWeights[i];
  let target = 0.5 * total;
  if (target === 0) target = Number.MIN_VALUE;
  let cdf = 0;
  for (let i = 0; i < n; i++) {
    cdf += sortedWeights[i];
    if (cdf >= target) return sorted[i];
  }
  return sorted[n - 1];
}

/** Median absolute error: the typical miss, insensitive to a few outliers. */
export function medianAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: WeightOptions = {}): number {
  const r = pairOf(yTrue, yPred, options.sampleWeight);
  const e = mapRows(r, regressionRows.absolute);
  const order = Array.from(e.keys()).sort((a, b) => e[a] - e[b] || a - b);
  return medianSorted(Float64Array.from(order, (i) => e[i]), r.w === undefined ? undefined : Float64Array.from(order, (i) => r.w![i]));
}

function assemble(numerator: number, denominator: number, forceFinite: boolean): number {
  if (!forceFinite) return 1 - numerator / denominator;
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/**
 * R2 (coefficient of determination): the share of the target's variance the model
 * explains. 1 is perfect, 0 is no better than always predicting the mean, negative is
 * worse than that. With `forceFinite` (default true, as scikit-learn) a constant target
 * gives 1 for perfect predictions and 0 otherwise instead of NaN or -Infinity.
 *
 * @throws MlopsError `METRIC_UNDEFINED` with fewer than two samples (scikit-learn warns and returns NaN).
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: WeightOptions & { forceFinite?: boolean } = {}): number {
  const r = pairOf(yTrue, yPred, options.sampleWeight);
  if (r.y.length < 2) throw undefinedMetric('r2 is undefined with fewer than two samples.');
  return r2From(r.y, r.p, r.w, options.forceFinite !== false);
}

/** R2 over validated inputs. @internal */
export function r2From(y: Float64Array, p: Float64Array, w: Float64Array | undefined, forceFinite = true): number {
  const mean = weightedMean(y, w, 'r2');
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    num += wi * (y[i] - p[i]) ** 2;
    den += wi * (y[i] - mean) ** 2;
  }
  return assemble(num, den, forceFinite);
}

/**
 * Explained variance: like R2 but ignoring a constant bias (a model that is always 10
 * too high can still score 1). Compare with R2 to spot a biased model.
 */
export function explainedVariance(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: WeightOptions & { forceFinite?: boolean } = {}): number {
  const r = pairOf(yTrue, yPred, options.sampleWeight);
  return explainedVarianceFrom(r.y, r.p, r.w, options.forceFinite !== false);
}

/** Explained variance over validated inputs. @internal */
export function explainedVarianceFrom(y: Float64Array, p: Float64Array, w: Float64Array | undefined, forceFinite = true): number {
  const n = y.length;
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) diff[i] = y[i] - p[i];
  const diffMean = weightedMean(diff, w, 'explainedVariance');
  const yMean = weightedMean(y, w, 'explainedVariance');
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = (diff[i] - diffMean) ** 2;
    b[i] = (y[i] - yMean) ** 2;
  }
  return assemble(weightedMean(a, w, 'explainedVariance'), weightedMean(b, w, 'explainedVariance'), forceFinite);
}

/**
 * Pinball (quantile) loss for a model that predicts the `quantile`-th quantile (default
 * 0.5, where it is half the MAE): under-predictions cost `quantile` per unit, over-
 * predictions `1 - quantile`. scikit-learn's `mean_pinball_loss` with `alpha = quantile`.
 */
export function pinballLoss(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: WeightOptions & { quantile?: number } = {}): number {
  const q = options.quantile ?? 0.5;
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) throw invalidInput(`pinballLoss: quantile must be in [0, 1], got ${String(q)}.`, { argument: 'quantile' });
  const r = pairOf(yTrue, yPred, options.sampleWeight);
  return rowMean(
    r,
    (y, p) => {
      const d = y - p;
      const sign = d >= 0 ? 1 : 0;
      return q * sign * d - (1 - q) * (1 - sign) * d;
    },
    'pinballLoss',
  );
}
