/**
 * Training objectives: base score, loss, and (for the absolute and Huber losses) leaf
 * values recomputed from the residuals. The gradients and hessians are computed by the
 * GRAD kernel task (`kernels.ts`), in parallel over rows.
 *
 * | objective | gradient g, hessian h (per row, times its weight) | base score | leaf value |
 * |---|---|---|---|
 * | logistic | p - y, max(p(1-p), 1e-16) | log-odds of the weighted prior | -G/(H+λ) |
 * | softmax | p_k - [y = k], max(K/(K-1) p_k(1-p_k), 1e-16) | log of each class prior | -G/(H+λ) |
 * | squared | m - y, 1 | weighted mean | -G/(H+λ) |
 * | absolute | sign(m - y), 1 | weighted median | weighted median of the leaf's residuals y - m |
 * | huber | clip(m - y, ±δ), 1 | weighted median | median + mean of the clipped deviations from it (Friedman's M-estimate step) |
 *
 * For absolute and Huber losses the gradients only choose the tree structure; each
 * leaf's value is then the line-search optimum for its rows, as scikit-learn and
 * LightGBM do (the Newton step would be the mean sign, a poor estimate).
 *
 * @module
 * @internal
 */
import { quantileSorted } from '../../math/summary';
import type { GbdtObjective } from './params';

/** One training objective over K outputs. @internal */
export interface Objective {
  readonly name: GbdtObjective;
  /** Margins per row (K). */
  readonly outputs: number;
  /** Huber threshold. */
  readonly delta?: number;
  /** The GRAD kernel's code for this objective (`K.LOGISTIC`, ...). */
  readonly kernel: 'LOGISTIC' | 'SOFTMAX' | 'SQUARED' | 'ABSOLUTE' | 'HUBER';
  /** Initial margins. */
  baseScore(): Float64Array;
  /** Weighted mean loss of margins `score` (row-major, K per row) against targets `y`. */
  loss(score: Float64Array, y: Float64Array, w: Float64Array | undefined, positions: Int32Array | null): number;
  /**
   * For losses whose leaf values are recomputed: the value of a leaf holding training
   * rows `idx[s..e)` for output k, given the current margins. Undefined otherwise.
   */
  leafValue?(score: Float64Array, idx: Int32Array, s: number, e: number): number;
}

/** Weighted q-quantile of `values` (unweighted: interpolated, as numpy). @internal */
export function weightedQuantile(values: Float64Array, weights: Float64Array | null, q: number): number {
  if (weights === null) return quantileSorted(Float64Array.from(values).sort(), q);
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  let total = 0;
  for (const i of order) total += weights[i];
  if (!(total > 0)) return quantileSorted(Float64Array.from(values).sort(), q);
  let acc = 0;
  for (const i of order) {
    acc += weights[i];
    if (acc >= q * total) return values[i];
  }
  return values[order[order.length - 1]];
}

function weightedMean(y: Float64Array, w: Float64Array | undefined): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    s += wi * y[i];
    sw += wi;
  }
  return sw > 0 ? s / sw : 0;
}

function softplus(m: number): number {
  return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
}

function meanOver(n: number, positions: Int32Array | null, w: Float64Array | undefined, f: (i: number) => number): number {
  let s = 0;
  let sw = 0;
  const count = positions === null ? n : positions.length;
  for (let q = 0; q < count; q++) {
    const i = positions === null ? q : positions[q];
    const wi = w === undefined ? 1 : w[i];
    s += wi * f(i);
    sw += wi;
  }
  return sw > 0 ? s / sw : 0;
}

/**
 * Creates the objective for training targets `y` (class index or value) and weights `w`.
 * @internal
 */
export function createObjective(name: GbdtObjective, numClasses: number, y: Float64Array, w: Float64Array | undefined, huberDelta?: number): Objective {
  const N = y.length;
  switch (name) {
    case 'logistic':
      return {
        name,
        outputs: 1,
        kernel: 'LOGISTIC',
        baseScore: () => {
          const p = Math.min(1 - 1e-15, Math.max(1e-15, weightedMean(y, w)));
          return Float64Array.of(Math.log(p / (1 - p)));
        },
        loss: (score, yy, ww, positions) => meanOver(yy.length, positions, ww, (i) => softplus(score[i]) - yy[i] * score[i]),
      };
    case 'softmax': {
      const K = numClasses;
      return {
        name,
        outputs: K,
        kernel: 'SOFTMAX',
        baseScore: () => {
          const prior = new Float64Array(K);
          let sw = 0;
          for (let i = 0; i < N; i++) {
            const wi = w === undefined ? 1 : w[i];
            prior[y[i]] += wi;
            sw += wi;
          }
          return prior.map((c) => Math.log(Math.max(c / sw, 1e-15)));
        },
        loss: (score, yy, ww, positions) =>
          meanOver(yy.length, positions, ww, (i) => {
            const o = i * K;
            let max = -Infinity;
            for (let k = 0; k < K; k++) if (score[o + k] > max) max = score[o + k];
            let sum = 0;
            for (let k = 0; k < K; k++) sum += Math.exp(score[o + k] - max);
            return max + Math.log(sum) - score[o + yy[i]];
          }),
      };
    }
    case 'squared':
      return {
        name,
        outputs: 1,
        kernel: 'SQUARED',
        baseScore: () => Float64Array.of(weightedMean(y, w)),
        loss: (score, yy, ww, positions) => meanOver(yy.length, positions, ww, (i) => (score[i] - yy[i]) ** 2),
      };
    case 'absolute':
    case 'huber': {
      const wq = w ?? null;
      const median = weightedQuantile(y, wq, 0.5);
      let delta = huberDelta;
      if (name === 'huber' && delta === undefined) {
        const dev = y.map((v) => Math.abs(v - median));
        delta = weightedQuantile(dev, wq, 0.9);
        if (!(delta > 0)) delta = 1;
      }
      const d = delta ?? 0;
      const huber = name === 'huber';
      return {
        name,
        outputs: 1,
        kernel: huber ? 'HUBER' : 'ABSOLUTE',
        delta: huber ? d : undefined,
        baseScore: () => Float64Array.of(median),
        loss: (score, yy, ww, positions) =>
          meanOver(yy.length, positions, ww, (i) => {
            const r = Math.abs(score[i] - yy[i]);
            return huber ? (r <= d ? 0.5 * r * r : d * (r - 0.5 * d)) : r;
          }),
        leafValue(score, idx, s, e) {
          const n = e - s;
          const res = new Float64Array(n);
          const lw = w === undefined ? null : new Float64Array(n);
          for (let q = 0; q < n; q++) {
            const i = idx[s + q];
            res[q] = y[i] - score[i];
            if (lw !== null) lw[q] = w![i];
          }
          const med = weightedQuantile(res, lw, 0.5);
          if (!huber) return med;
          let sum = 0;
          let sw = 0;
          for (let q = 0; q < n; q++) {
            const wi = lw === null ? 1 : lw[q];
            sum += wi * Math.max(-d, Math.min(d, res[q] - med));
            sw += wi;
          }
          return sw > 0 ? med + sum / sw : med;
        },
      };
    }
  }
}
