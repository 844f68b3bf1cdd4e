/**
 * Metrics on predicted probabilities: log loss, Brier score and top-k accuracy.
 *
 * @module
 */
import type { ClassLabel } from '../../models/types';
import {
  checkLength,
  checkNotEmpty,
  checkProbabilityRows,
  encodeLabels,
  invalidInput,
  labelCodes,
  type LabelArray,
  type ScoreMatrix,
  showLabels,
  toFiniteArray,
  toMatrix,
  toWeights,
  weightedMean,
  type WeightOptions,
} from '../inputs';
import { binaryScores } from './ranking';

/** Probabilities are clipped to `[EPS, 1 - EPS]` before the logarithm (float64 machine epsilon, as scikit-learn 1.2). */
export const LOG_LOSS_EPS = 2.220446049250313e-16;

function isRows(x: unknown): boolean {
  return Array.isArray(x) && x.length > 0 && typeof x[0] === 'object' && x[0] !== null;
}

function isMatrixInput(x: unknown): x is ScoreMatrix {
  return isRows(x) || (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && !Array.isArray(x) && 'cols' in x);
}

/**
 * Encodes yTrue against the score columns: `labels` names the class of each column;
 * without it the columns are the sorted labels of yTrue.
 */
function columnClasses(yTrue: LabelArray, labels: readonly ClassLabel[] | undefined, cols: number, fn: string): { t: Int32Array; classes: ClassLabel[]; column: Int32Array } {
  const { classes, codes } = encodeLabels([{ values: yTrue, name: 'yTrue' }], labels ?? []);
  const [t] = codes;
  checkNotEmpty(t.length, 'yTrue');
  const column = new Int32Array(classes.length).fill(-1);
  if (labels !== undefined) {
    const lc = labelCodes(classes, labels);
    if (lc.length !== cols) throw invalidInput(`${fn}: labels has ${lc.length} classes but the probabilities have ${cols} columns.`, { argument: 'labels' });
    lc.forEach((c, j) => (column[c] = j));
    for (let i = 0; i < t.length; i++) {
      if (column[t[i]] < 0) {
        throw invalidInput(`${fn}: yTrue[${i}] is ${JSON.stringify(classes[t[i]])}, a class not in labels ${showLabels(labels)} (not seen in training?).`, {
          index: i,
          value: classes[t[i]],
        });
      }
    }
  } else {
    if (classes.length === 1) {
      throw invalidInput(`${fn}: yTrue holds a single class (${JSON.stringify(classes[0])}); pass labels (all the classes the model knows, in column order) so the probabilities can be matched to classes.`, {
        classes,
      });
    }
    if (classes.length !== cols) {
      throw invalidInput(`${fn}: yTrue holds ${classes.length} classes ${showLabels(classes)} but the probabilities have ${cols} columns; pass labels: the class of each column.`, {
        classes: classes.slice(0, 20),
        cols,
      });
    }
    classes.forEach((_, c) => (column[c] = c));
  }
  return { t, classes, column };
}

/**
 * Per-sample log loss for a matrix of class probabilities, as scikit-learn computes it:
 * clip each probability to `[eps, 1 - eps]`, renormalise the row, take `-log` of the
 * true class's share.
 * @internal
 */
export function logLossRowsMatrix(data: Float64Array, cols: number, trueColumn: (i: number) => number, eps = LOG_LOSS_EPS): Float64Array {
  const n = data.length / cols;
  const out = new Float64Array(n);
  const hi = 1 - eps;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const p = data[i * cols + j];
      s += p < eps ? eps : p > hi ? hi : p;
    }
    const p = data[i * cols + trueColumn(i)];
    out[i] = -Math.log((p < eps ? eps : p > hi ? hi : p) / s);
  }
  return out;
}

/**
 * Per-sample log loss for binary probabilities `p = P(positive)`: the row `[1 - p, p]`
 * after clipping, renormalised, as scikit-learn does.
 * @internal
 */
export function logLossRowsBinary(p: Float64Array, isPositive: (i: number) => boolean, eps = LOG_LOSS_EPS): Float64Array {
  const out = new Float64Array(p.length);
  const hi = 1 - eps;
  for (let i = 0; i < p.length; i++) {
    const q = p[i] < eps ? eps : p[i] > hi ? hi : p[i];
    const neg = 1 - q;
    out[i] = -Math.log((isPositive(i) ? q : neg) / (neg + q));
  }
  return out;
}

/**
 * Log loss (cross-entropy): the mean of `-log(p)` where `p` is the probability the model
 * gave to the true class. 0 is perfect; confident mistakes cost a lot. The metric most
 * sensitive to badly calibrated probabilities.
 *
 * `yProb` is one probability per sample for binary labels (the probability of the
 * second class in sorted order, or of `labels[1]`), or a matrix with one column per
 * class. `labels` names the class of each column (default: the sorted labels of
 * `yTrue`); pass it when `yTrue` may lack some classes.
 *
 * @throws MlopsError `METRIC_INVALID_INPUT` for probabilities outside [0, 1], rows not
 * summing to 1 (tolerance {@link PROBABILITY_SUM_TOLERANCE}), labels not in `labels`.
 * @example
 * ```ts
 * logLoss([0, 1, 1], [0.1, 0.8, 0.6]); // 0.2798
 * ```
 */
export function logLoss(
  yTrue: LabelArray,
  yProb: ArrayLike<number> | ScoreMatrix,
  options: WeightOptions & { labels?: readonly ClassLabel[]; normalize?: boolean; eps?: number } = {},
): number {
  const eps = options.eps ?? LOG_LOSS_EPS;
  if (!(eps > 0 && eps < 0.5)) throw invalidInput(`logLoss: eps must be in (0, 0.5), got ${String(eps)}.`, { argument: 'eps' });
  let rows: Float64Array;
  let n: number;
  if (isMatrixInput(yProb)) {
    const first = isRows(yProb) ? (yProb as readonly ArrayLike<number>[])[0].length : (yProb as { cols: number }).cols;
    const { t, column } = columnClasses(yTrue, options.labels, first, 'logLoss');
    n = t.length;
    const { data, cols } = toMatrix(yProb, n, 'yProb');
    checkProbabilityRows(data, cols, 'yProb');
    rows = logLossRowsMatrix(data, cols, (i) => column[t[i]], eps);
  } else {
    const { t, column } = columnClasses(yTrue, options.labels, 2, 'logLoss');
    n = t.length;
    checkLength(yProb, n, 'yProb', 'yTrue');
    const p = toFiniteArray(yProb, 'yProb', { min: 0, max: 1, what: 'probabilities must lie in [0, 1]' });
    rows = logLossRowsBinary(p, (i) => column[t[i]] === 1, eps);
  }
  const w = toWeights(options.sampleWeight, n);
  if (options.normalize === false) {
    let s = 0;
    for (let i = 0; i < n; i++) s += w === undefined ? rows[i] : rows[i] * w[i];
    return s;
  }
  return weightedMean(rows, w, 'logLoss');
}

/**
 * Brier score: the mean squared difference between the predicted probability of the
 * positive class and the outcome (1 or 0). 0 is perfect, 0.25 is an uninformed 50/50
 * guess. Binary only.
 *
 * The positive class is `posLabel`; by default 1 for {0, 1} or {-1, 1} labels, true for
 * booleans, the greater label for other numbers, and required for strings.
 */
export function brier(yTrue: LabelArray, yProb: ArrayLike<number>, options: WeightOptions & { posLabel?: ClassLabel } = {}): number {
  const b = binaryScores(yTrue, yProb, options, 'brier', 'brier');
  if (b.classes.length > 2) throw invalidInput(`brier needs binary labels, got ${b.classes.length} classes ${showLabels(b.classes)}.`, { classes: b.classes.slice(0, 20) });
  const p = toFiniteArray(b.scores, 'yProb', { min: 0, max: 1, what: 'probabilities must lie in [0, 1]' });
  return weightedMean(brierRows(p, (i) => b.codes[i] === b.posCode), b.w, 'brier');
}

/** Per-sample squared error of a probability. @internal */
export function brierRows(p: Float64Array, isPositive: (i: number) => boolean): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const d = (isPositive(i) ? 1 : 0) - p[i];
    out[i] = d * d;
  }
  return out;
}

/**
 * Whether each sample's true class is among the `k` highest scores of its row. Ties are
 * broken as scikit-learn breaks them: among equal scores, the later column ranks higher.
 * @internal
 */
export function topKHits(data: Float64Array, cols: number, trueColumn: (i: number) => number, k: number): Uint8Array {
  const n = data.length / cols;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = trueColumn(i);
    const s = data[i * cols + c];
    let rank = 0;
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j];
      if (v > s || (v === s && j > c)) rank++;
    }
    out[i] = rank < k ? 1 : 0;
  }
  return out;
}

/**
 * Top-k accuracy: the share of samples whose true class is among the `k` classes the
 * model scored highest (default k = 2). For binary labels with one score per sample,
 * k = 1 is the accuracy at threshold 0.5 (0 for scores outside [0, 1]) and k >= 2 is 1.
 */
export function topKAccuracy(
  yTrue: LabelArray,
  yScore: ArrayLike<number> | ScoreMatrix,
  options: WeightOptions & { k?: number; labels?: readonly ClassLabel[]; normalize?: boolean } = {},
): number {
  const k = options.k ?? 2;
  if (!Number.isInteger(k) || k < 1) throw invalidInput(`topKAccuracy: k must be a positive integer, got ${String(k)}.`, { argument: 'k' });
  let hits: Uint8Array;
  let n: number;
  if (isMatrixInput(yScore)) {
    const first = isRows(yScore) ? (yScore as readonly ArrayLike<number>[])[0].length : (yScore as { cols: number }).cols;
    const { t, column } = columnClasses(yTrue, options.labels, first, 'topKAccuracy');
    n = t.length;
    const { data, cols } = toMatrix(yScore, n, 'yScore');
    hits = topKHits(data, cols, (i) => column[t[i]], k);
  } else {
    const { t, column } = columnClasses(yTrue, options.labels, 2, 'topKAccuracy');
    n = t.length;
    checkLength(yScore, n, 'yScore', 'yTrue');
    const s = toFiniteArray(yScore, 'yScore');
    hits = new Uint8Array(n);
    let inUnit = true;
    for (let i = 0; i < n; i++) if (s[i] < 0 || s[i] > 1) inUnit = false;
    const threshold = inUnit ? 0.5 : 0;
    for (let i = 0; i < n; i++) hits[i] = k >= 2 || (s[i] > threshold ? 1 : 0) === column[t[i]] ? 1 : 0;
  }
  const w = toWeights(options.sampleWeight, n);
  if (options.normalize === false) {
    let s = 0;
    for (let i = 0; i < n; i++) s += w === undefined ? hits[i] : hits[i] * w[i];
    return s;
  }
  return weightedMean(hits, w, 'topKAccuracy');
}
