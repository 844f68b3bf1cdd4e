/**
 * Classification metrics on predicted labels: accuracy, balanced accuracy, precision,
 * recall, F1/F-beta, Matthews correlation, Cohen's kappa and the confusion matrix.
 *
 * Each matches scikit-learn 1.2.1 (`accuracy_score`, `precision_score`, ...) on the same
 * input, including averaging, sample weights and `zero_division`. Labels are numbers,
 * strings or booleans; they are sorted as numpy sorts them wherever an order matters.
 *
 * @module
 */
import type { ClassLabel } from '../../models/types';
import {
  checkLength,
  checkNotEmpty,
  encodeLabels,
  invalidInput,
  labelCodes,
  type LabelArray,
  resolvePosLabel,
  showLabels,
  toWeights,
  undefinedMetric,
  type WeightOptions,
} from '../inputs';

/**
 * How per-class scores are combined:
 * - `binary`: only the positive class (`posLabel`); the data must have at most two labels.
 * - `micro`: pool the counts of every class, then compute once.
 * - `macro`: the unweighted mean over classes (every class counts the same).
 * - `weighted`: the mean over classes weighted by each class's number of true samples.
 */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

/**
 * What a score with a zero denominator (precision with no predicted positives, recall
 * with no actual positives) becomes: 0 (scikit-learn's default, after a warning), 1, or
 * `'error'` to throw `METRIC_UNDEFINED`.
 */
export type ZeroDivision = 0 | 1 | 'error';

/** Options of {@link precision}, {@link recall}, {@link f1} and {@link fbeta}. */
export interface AveragingOptions extends WeightOptions {
  /** Default `'binary'`. */
  average?: Average;
  /** The positive class for `average: 'binary'` (default 1; `true` for boolean labels). */
  posLabel?: ClassLabel;
  /** Classes to include (and their order for per-class output); default all present. Ignored for `binary`. */
  labels?: readonly ClassLabel[];
  /** Default 0. */
  zeroDivision?: ZeroDivision;
}

/** Per-class precision, recall, F-score and support (the number of true samples). */
export interface PerClassMetrics {
  /** The classes, in the order of the other arrays. */
  labels: ClassLabel[];
  /** Precision per class. */
  precision: number[];
  /** Recall per class. */
  recall: number[];
  /** F-beta per class (F1 by default). */
  fScore: number[];
  /** Weighted count of true samples per class. */
  support: number[];
}

/** A confusion matrix: `matrix[i][j]` counts samples of true class `labels[i]` predicted as `labels[j]`. */
export interface ConfusionMatrix {
  /** Row and column classes. */
  labels: ClassLabel[];
  /** Rows: true class; columns: predicted class. */
  matrix: number[][];
}

/** Two label arrays encoded against one dictionary. @internal */
export interface LabelPair {
  classes: ClassLabel[];
  t: Int32Array;
  p: Int32Array;
  w: Float64Array | undefined;
  /** Whether each class occurs in yTrue or yPred (not only in `labels`). */
  present: Uint8Array;
}

/** Validates and encodes yTrue/yPred (plus extra labels) against one sorted dictionary. @internal */
export function labelPair(yTrue: LabelArray, yPred: LabelArray, sampleWeight: ArrayLike<number> | undefined, extra: readonly ClassLabel[] = []): LabelPair {
  const { classes, codes } = encodeLabels(
    [
      { values: yTrue, name: 'yTrue' },
      { values: yPred, name: 'yPred' },
    ],
    extra,
  );
  const [t, p] = codes;
  checkLength(p, t.length, 'yPred', 'yTrue');
  checkNotEmpty(t.length, 'yTrue');
  const present = new Uint8Array(classes.length);
  for (let i = 0; i < t.length; i++) {
    present[t[i]] = 1;
    present[p[i]] = 1;
  }
  return { classes, t, p, w: toWeights(sampleWeight, t.length), present };
}

/** The full k x k confusion counts (row = true code, column = predicted code). @internal */
export function confusionCounts(t: Int32Array, p: Int32Array, k: number, w: Float64Array | undefined): Float64Array {
  const c = new Float64Array(k * k);
  if (w === undefined) for (let i = 0; i < t.length; i++) c[t[i] * k + p[i]]++;
  else for (let i = 0; i < t.length; i++) c[t[i] * k + p[i]] += w[i];
  return c;
}

function presentCodes(present: Uint8Array): Int32Array {
  const out: number[] = [];
  present.forEach((v, i) => v && out.push(i));
  return Int32Array.from(out);
}

function checkZeroDivision(z: unknown): ZeroDivision {
  if (z === undefined) return 0;
  if (z === 0 || z === 1 || z === 'error') return z;
  throw invalidInput(`zeroDivision must be 0, 1 or 'error', got ${String(z)}.`, { argument: 'zeroDivision' });
}

function checkAverage(a: unknown): Average {
  if (a === undefined) return 'binary';
  if (a === 'binary' || a === 'micro' || a === 'macro' || a === 'weighted') return a;
  throw invalidInput(`average must be 'binary', 'micro', 'macro' or 'weighted', got ${String(a)}.`, { argument: 'average' });
}

/** Which score a caller wants (decides which zero division is an error). @internal */
export type Wanted = 'precision' | 'recall' | 'f';

/** Per-label sums. @internal */
export interface Sums {
  tp: Float64Array;
  pred: Float64Array;
  tru: Float64Array;
  labels: ClassLabel[];
}

/**
 * Per-label tp / predicted / true sums for the selected label codes (-1: a positive label
 * that occurs nowhere, all zeros), as scikit-learn's multilabel confusion matrix.
 * @internal
 */
export function sumsFromCounts(c: Float64Array, k: number, sel: Int32Array, labels: ClassLabel[]): Sums {
  const m = sel.length;
  const tp = new Float64Array(m);
  const pred = new Float64Array(m);
  const tru = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    const j = sel[s];
    if (j < 0) continue;
    tp[s] = c[j * k + j];
    for (let r = 0; r < k; r++) {
      pred[s] += c[r * k + j];
      tru[s] += c[j * k + r];
    }
  }
  return { tp, pred, tru, labels };
}

function sumsFor(pair: LabelPair, sel: Int32Array, posAbsent: ClassLabel | undefined): Sums {
  const k = pair.classes.length;
  const labels = Array.from(sel, (j) => (j < 0 ? posAbsent! : pair.classes[j]));
  return sumsFromCounts(confusionCounts(pair.t, pair.p, k, pair.w), k, sel, labels);
}

function selectLabels(pair: LabelPair, average: Average, opts: { posLabel?: ClassLabel; labels?: readonly ClassLabel[] }, fn: string): { sel: Int32Array; posAbsent?: ClassLabel } {
  const presentList = presentCodes(pair.present);
  if (average === 'binary') {
    if (presentList.length > 2) {
      throw invalidInput(
        `${fn}: the labels hold ${presentList.length} classes ${showLabels(Array.from(presentList, (c) => pair.classes[c]))} but average is 'binary'. Choose average 'macro', 'weighted' or 'micro'.`,
        { average },
      );
    }
    const presentClasses = Array.from(presentList, (c) => pair.classes[c]);
    const pos = resolvePosLabel(presentClasses, opts.posLabel, fn);
    if (pos >= 0) return { sel: Int32Array.of(presentList[pos]) };
    return { sel: Int32Array.of(-1), posAbsent: opts.posLabel ?? 1 };
  }
  return { sel: opts.labels === undefined ? presentList : labelCodes(pair.classes, opts.labels) };
}

function divide(num: number, den: number, zd: ZeroDivision): number {
  return den === 0 ? (zd === 1 ? 1 : 0) : num / den;
}

/** Averaged precision, recall and F-score. @internal */
export interface PrfResult {
  precision: number;
  recall: number;
  fScore: number;
}

/** scikit-learn's precision_recall_fscore_support, averaged. @internal */
export function prfAveraged(sums: Sums, average: Average, beta: number, zd: ZeroDivision, wanted: Wanted, fn: string): PrfResult {
  let { tp, pred, tru } = sums;
  if (average === 'micro') {
    const sum = (a: Float64Array): Float64Array => Float64Array.of(a.reduce((x, y) => x + y, 0));
    tp = sum(tp);
    pred = sum(pred);
    tru = sum(tru);
  }
  const m = tp.length;
  if (zd === 'error') {
    for (let s = 0; s < m; s++) {
      const label = average === 'micro' ? 'the pooled counts' : `class ${JSON.stringify(sums.labels[s])}`;
      if (wanted === 'precision' && pred[s] === 0) throw undefinedMetric(`${fn} is undefined for ${label}: nothing was predicted as positive (0/0).`, { label: sums.labels[s] });
      if (wanted === 'recall' && tru[s] === 0) throw undefinedMetric(`${fn} is undefined for ${label}: there are no true samples (0/0).`, { label: sums.labels[s] });
      if (wanted === 'f' && pred[s] === 0 && tru[s] === 0) throw undefinedMetric(`${fn} is undefined for ${label}: it is neither present nor predicted (0/0).`, { label: sums.labels[s] });
    }
  }
  const beta2 = beta * beta;
  const precision = new Float64Array(m);
  const recall = new Float64Array(m);
  const fScore = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    precision[s] = divide(tp[s], pred[s], zd);
    recall[s] = divide(tp[s], tru[s], zd);
    if (beta === Infinity) fScore[s] = recall[s];
    else {
      let denom = beta2 * precision[s] + recall[s];
      if (denom === 0) denom = 1;
      fScore[s] = ((1 + beta2) * precision[s] * recall[s]) / denom;
    }
  }
  let weights: Float64Array | undefined;
  if (average === 'weighted') {
    weights = tru;
    const total = tru.reduce((x, y) => x + y, 0);
    if (total === 0) {
      if (zd === 'error') throw undefinedMetric(`${fn} with average 'weighted' is undefined: none of the selected classes occurs in yTrue.`);
      const z = zd === 1 ? 1 : 0;
      const predTotal = pred.reduce((x, y) => x + y, 0);
      return predTotal === 0 ? { precision: z, recall: z, fScore: z } : { precision: 0, recall: z, fScore: 0 };
    }
  }
  const avg = (x: Float64Array): number => {
    let s = 0;
    if (weights === undefined) {
      for (let i = 0; i < m; i++) s += x[i];
      return s / m;
    }
    let sw = 0;
    for (let i = 0; i < m; i++) {
      s += x[i] * weights[i];
      sw += weights[i];
    }
    return s / sw;
  };
  return { precision: avg(precision), recall: avg(recall), fScore: avg(fScore) };
}

function averaged(yTrue: LabelArray, yPred: LabelArray, opts: AveragingOptions, beta: number, wanted: Wanted, fn: string): number {
  const average = checkAverage(opts.average);
  const zd = checkZeroDivision(opts.zeroDivision);
  if (typeof beta !== 'number' || !(beta >= 0)) throw invalidInput(`${fn}: beta must be a number >= 0, got ${String(beta)}.`, { argument: 'beta' });
  const pair = labelPair(yTrue, yPred, opts.sampleWeight, average === 'binary' ? [] : (opts.labels ?? []));
  const { sel, posAbsent } = selectLabels(pair, average, opts, fn);
  const r = prfAveraged(sumsFor(pair, sel, posAbsent), average, beta, zd, wanted, fn);
  return wanted === 'precision' ? r.precision : wanted === 'recall' ? r.recall : r.fScore;
}

/**
 * Fraction of samples whose predicted label equals the true label (weighted when
 * `sampleWeight` is given); with `normalize: false`, the (weighted) count instead.
 *
 * @example
 * ```ts
 * accuracy(['a', 'b', 'b'], ['a', 'b', 'a']); // 0.6667
 * ```
 */
export function accuracy(yTrue: LabelArray, yPred: LabelArray, options: WeightOptions & { normalize?: boolean } = {}): number {
  const { t, p, w } = labelPair(yTrue, yPred, options.sampleWeight);
  let hit = 0;
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    if (t[i] === p[i]) hit += wi;
    total += wi;
  }
  if (options.normalize === false) return hit;
  if (total === 0) throw undefinedMetric('accuracy is undefined: the sample weights sum to 0.');
  return hit / total;
}

/**
 * Precision: of the samples predicted positive, the fraction that are positive
 * ("when the model raises an alert, how often is it right?").
 *
 * @example
 * ```ts
 * precision([0, 1, 1, 0], [0, 1, 0, 1]); // 0.5
 * precision(['cat', 'dog', 'fox'], ['cat', 'fox', 'fox'], { average: 'macro' });
 * ```
 */
export function precision(yTrue: LabelArray, yPred: LabelArray, options: AveragingOptions = {}): number {
  return averaged(yTrue, yPred, options, 1, 'precision', 'precision');
}

/**
 * Recall (sensitivity, true positive rate): of the positive samples, the fraction the
 * model predicted positive ("how many of the frauds did it catch?").
 */
export function recall(yTrue: LabelArray, yPred: LabelArray, options: AveragingOptions = {}): number {
  return averaged(yTrue, yPred, options, 1, 'recall', 'recall');
}

/** F1: the harmonic mean of precision and recall, `2PR / (P + R)`. */
export function f1(yTrue: LabelArray, yPred: LabelArray, options: AveragingOptions = {}): number {
  return averaged(yTrue, yPred, options, 1, 'f', 'f1');
}

/**
 * F-beta: `(1 + b^2) PR / (b^2 P + R)`. `beta > 1` weighs recall more (missed fraud is
 * costly), `beta < 1` weighs precision more; `beta: Infinity` is recall.
 */
export function fbeta(yTrue: LabelArray, yPred: LabelArray, options: AveragingOptions & { beta: number }): number {
  return averaged(yTrue, yPred, options, options?.beta, 'f', 'fbeta');
}

/**
 * Precision, recall, F-beta and support for each class (scikit-learn's
 * `precision_recall_fscore_support` with `average=None`).
 */
export function perClassMetrics(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: WeightOptions & { labels?: readonly ClassLabel[]; beta?: number; zeroDivision?: ZeroDivision } = {},
): PerClassMetrics {
  const zd = checkZeroDivision(options.zeroDivision);
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0)) throw invalidInput(`perClassMetrics: beta must be a number >= 0, got ${String(beta)}.`, { argument: 'beta' });
  const pair = labelPair(yTrue, yPred, options.sampleWeight, options.labels ?? []);
  const { sel } = selectLabels(pair, 'macro', options, 'perClassMetrics');
  const sums = sumsFor(pair, sel, undefined);
  const out: PerClassMetrics = { labels: sums.labels, precision: [], recall: [], fScore: [], support: Array.from(sums.tru) };
  for (let s = 0; s < sel.length; s++) {
    const one: Sums = { tp: sums.tp.subarray(s, s + 1), pred: sums.pred.subarray(s, s + 1), tru: sums.tru.subarray(s, s + 1), labels: [sums.labels[s]] };
    if (zd === 'error') for (const wanted of ['precision', 'recall'] as const) prfAveraged(one, 'macro', beta, zd, wanted, wanted);
    const r = prfAveraged(one, 'macro', beta, zd, 'f', 'F-score');
    out.precision.push(r.precision);
    out.recall.push(r.recall);
    out.fScore.push(r.fScore);
  }
  return out;
}

/**
 * The confusion matrix. `labels` selects and orders the classes (samples of other
 * classes are left out); `normalize` divides by the row sums (`'true'`), the column
 * sums (`'pred'`) or the total (`'all'`), with 0 where a sum is 0.
 */
export function confusionMatrix(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: WeightOptions & { labels?: readonly ClassLabel[]; normalize?: 'true' | 'pred' | 'all' } = {},
): ConfusionMatrix {
  const pair = labelPair(yTrue, yPred, options.sampleWeight, options.labels ?? []);
  const k = pair.classes.length;
  const full = confusionCounts(pair.t, pair.p, k, pair.w);
  let sel = presentCodes(pair.present);
  if (options.labels !== undefined) {
    sel = labelCodes(pair.classes, options.labels);
    const inTrue = new Uint8Array(k);
    for (let i = 0; i < pair.t.length; i++) inTrue[pair.t[i]] = 1;
    if (!sel.some((c) => inTrue[c] === 1)) {
      throw invalidInput(`confusionMatrix: none of the labels ${showLabels(options.labels)} occurs in yTrue; at least one must.`, { argument: 'labels' });
    }
  }
  const m = sel.length;
  const matrix = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => full[sel[i] * k + sel[j]]));
  const norm = options.normalize;
  if (norm !== undefined) {
    if (norm !== 'true' && norm !== 'pred' && norm !== 'all') throw invalidInput(`normalize must be 'true', 'pred' or 'all', got ${String(norm)}.`, { argument: 'normalize' });
    const rows = matrix.map((r) => r.reduce((a, b) => a + b, 0));
    const cols = matrix[0].map((_, j) => matrix.reduce((a, r) => a + r[j], 0));
    const all = rows.reduce((a, b) => a + b, 0);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const d = norm === 'true' ? rows[i] : norm === 'pred' ? cols[j] : all;
        matrix[i][j] = d === 0 ? 0 : matrix[i][j] / d;
      }
    }
  }
  return { labels: Array.from(sel, (c) => pair.classes[c]), matrix };
}

/** Balanced accuracy from full confusion counts over the present classes. @internal */
export function balancedAccuracyFromCounts(c: Float64Array, k: number, present: Uint8Array, adjusted: boolean): number {
  let sum = 0;
  let m = 0;
  for (let j = 0; j < k; j++) {
    if (!present[j]) continue;
    let row = 0;
    for (let r = 0; r < k; r++) if (present[r]) row += c[j * k + r];
    if (row === 0) continue; // a class that is only predicted: left out, as scikit-learn does
    sum += c[j * k + j] / row;
    m++;
  }
  if (m === 0) return NaN;
  let score = sum / m;
  if (adjusted) {
    const chance = 1 / m;
    score -= chance;
    score /= 1 - chance;
  }
  return score;
}

/**
 * Balanced accuracy: the mean of the recalls of the classes present in `yTrue`, so a
 * model that always predicts the majority class scores `1 / classes`, not the majority
 * share. `adjusted: true` rescales so that chance is 0 and perfect is 1.
 */
export function balancedAccuracy(yTrue: LabelArray, yPred: LabelArray, options: WeightOptions & { adjusted?: boolean } = {}): number {
  const pair = labelPair(yTrue, yPred, options.sampleWeight);
  const k = pair.classes.length;
  const r = balancedAccuracyFromCounts(confusionCounts(pair.t, pair.p, k, pair.w), k, pair.present, options.adjusted === true);
  if (Number.isNaN(r)) throw undefinedMetric('balancedAccuracy is undefined: no class has a positive (weighted) count in yTrue.');
  return r;
}

/** Matthews correlation from full confusion counts (0 when undefined, as scikit-learn). @internal */
export function matthewsFromCounts(c: Float64Array, k: number): number {
  const tSum = new Float64Array(k);
  const pSum = new Float64Array(k);
  let correct = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      tSum[i] += c[i * k + j];
      pSum[j] += c[i * k + j];
    }
    correct += c[i * k + i];
  }
  let n = 0;
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let i = 0; i < k; i++) {
    n += pSum[i];
    tp += tSum[i] * pSum[i];
    pp += pSum[i] * pSum[i];
    tt += tSum[i] * tSum[i];
  }
  const covYtYp = correct * n - tp;
  const covYpYp = n * n - pp;
  const covYtYt = n * n - tt;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/**
 * Matthews correlation coefficient: the correlation between true and predicted labels,
 * from -1 (always wrong) through 0 (no better than chance) to 1 (perfect). Robust to
 * class imbalance. Returns 0 when a marginal is constant (scikit-learn's convention).
 */
export function matthewsCorrelation(yTrue: LabelArray, yPred: LabelArray, options: WeightOptions = {}): number {
  const pair = labelPair(yTrue, yPred, options.sampleWeight);
  return matthewsFromCounts(confusionCounts(pair.t, pair.p, pair.classes.length, pair.w), pair.classes.length);
}

/** Cohen's kappa from a (selected) square count matrix. @internal */
export function kappaFromCounts(c: Float64Array, m: number, weights?: 'linear' | 'quadratic'): number {
  const sum0 = new Float64Array(m);
  const sum1 = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      sum0[j] += c[i * m + j];
      sum1[i] += c[i * m + j];
    }
  }
  for (let j = 0; j < m; j++) total += sum0[j];
  let num = 0;
  let den = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const wij = weights === undefined ? (i === j ? 0 : 1) : weights === 'linear' ? Math.abs(i - j) : (i - j) * (i - j);
      num += wij * c[i * m + j];
      den += wij * ((sum0[i] * sum1[j]) / total);
    }
  }
  return 1 - num / den;
}

/**
 * Cohen's kappa: agreement between two labelings corrected for chance agreement
 * (1 perfect, 0 chance level, negative worse than chance). `weights` penalises
 * disagreements by label distance for ordered classes.
 *
 * @throws MlopsError `METRIC_UNDEFINED` when chance agreement is total (both sides use
 * a single, identical label), where scikit-learn returns NaN.
 */
export function cohenKappa(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: WeightOptions & { labels?: readonly ClassLabel[]; weights?: 'linear' | 'quadratic' } = {},
): number {
  if (options.weights !== undefined && options.weights !== 'linear' && options.weights !== 'quadratic') {
    throw invalidInput(`cohenKappa: weights must be 'linear' or 'quadratic', got ${String(options.weights)}.`, { argument: 'weights' });
  }
  const cm = confusionMatrix(yTrue, yPred, { sampleWeight: options.sampleWeight, labels: options.labels });
  const m = cm.labels.length;
  const k = kappaFromCounts(Float64Array.from(cm.matrix.flat()), m, options.weights);
  if (!Number.isFinite(k)) throw undefinedMetric("cohenKappa is undefined: the expected chance agreement is total (both labelings use one identical class).");
  return k;
}
