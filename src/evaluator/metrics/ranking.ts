/**
 * Ranking metrics on scores: ROC AUC (binary and one-vs-rest multiclass), average
 * precision and the area under the precision-recall curve.
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
  labelIndex,
  type LabelArray,
  resolvePosLabel,
  type ScoreMatrix,
  showLabels,
  toMatrix,
  toWeights,
  undefinedMetric,
  type WeightOptions,
} from '../inputs';
import { aucFromRanking, buildRanking, clfCurve, keptRocPoints, precisionRecallAreas, type ClfCurve } from '../ranking';

/**
 * How the positive class of a binary score is chosen when `posLabel` is not given:
 * - `one`: 1 (or `true`), which must be a label when there are two (`precision`, average precision);
 * - `consistency`: 1 when the labels are {0, 1}, {-1, 1} or one of them, else an error
 *   (scikit-learn's `_check_pos_label_consistency`: the curves, calibration);
 * - `greatest`: the greater of the labels (`roc_auc_score`, and `brier_score_loss` for
 *   numbers).
 */
export type PosLabelPolicy = 'one' | 'consistency' | 'greatest' | 'brier';

/** Encoded binary truth with 1-D scores. @internal */
export interface BinaryScores {
  classes: ClassLabel[];
  codes: Int32Array;
  /** Code of the positive class, or -1 when it occurs nowhere (every sample negative). */
  posCode: number;
  scores: ArrayLike<number>;
  w: Float64Array | undefined;
}

function isMatrix(scores: unknown): scores is ScoreMatrix {
  if (Array.isArray(scores)) return scores.length > 0 && typeof scores[0] === 'object' && scores[0] !== null;
  return typeof scores === 'object' && scores !== null && !ArrayBuffer.isView(scores) && 'cols' in scores;
}

function consistentPos(classes: readonly ClassLabel[]): boolean {
  const allowed = [[0, 1], [-1, 1], [0], [-1], [1]];
  if (classes.length > 0 && typeof classes[0] === 'string') return false;
  const nums = classes.map((c) => Number(c));
  return allowed.some((a) => a.length === nums.length && a.every((v, i) => v === nums[i]));
}

/**
 * Validates labels and a 1-D score array for a binary metric and resolves the positive
 * class by `policy`.
 * @internal
 */
export function binaryScores(
  yTrue: LabelArray,
  yScore: ArrayLike<number>,
  options: WeightOptions & { posLabel?: ClassLabel },
  policy: PosLabelPolicy,
  fn: string,
): BinaryScores {
  if (isMatrix(yScore)) {
    throw invalidInput(`${fn} takes one score per sample (the positive class's score), not a matrix. For several classes, score one class at a time against the rest.`, {
      argument: 'yScore',
    });
  }
  const { classes, codes } = encodeLabels([{ values: yTrue, name: 'yTrue' }]);
  const [t] = codes;
  if (yScore === null || typeof yScore !== 'object' || typeof yScore.length !== 'number') {
    throw invalidInput(`${fn}: yScore must be an array or a typed array of scores.`, { argument: 'yScore' });
  }
  checkLength(yScore, t.length, 'yScore', 'yTrue');
  checkNotEmpty(t.length, 'yTrue');
  const w = toWeights(options.sampleWeight, t.length);
  const given = options.posLabel;
  let posCode: number;
  if (policy === 'greatest') {
    posCode = given === undefined ? classes.length - 1 : labelIndex(classes, given);
  } else if (policy === 'one') {
    if (classes.length > 2) {
      throw invalidInput(`${fn} needs binary labels, but yTrue holds ${classes.length} classes ${showLabels(classes)}. Score one class against the rest: pass yTrue.map((y) => y === 'cat').`, {
        classes: classes.slice(0, 20),
      });
    }
    posCode = resolvePosLabel(classes, given, fn);
  } else if (given !== undefined) {
    posCode = labelIndex(classes, given);
  } else if (classes.length <= 2 && consistentPos(classes)) {
    posCode = labelIndex(classes, 1);
  } else if (policy === 'brier' && classes.length <= 2 && typeof classes[0] !== 'string') {
    posCode = classes.length - 1;
  } else {
    throw invalidInput(
      `${fn}: yTrue takes the values ${showLabels(classes)}, so the positive class is ambiguous. Pass posLabel (e.g. { posLabel: ${JSON.stringify(classes[classes.length - 1])} }).`,
      { classes: classes.slice(0, 20) },
    );
  }
  return { classes, codes: t, posCode, scores: yScore, w };
}

/** Options of {@link rocAuc}. */
export interface RocAucOptions extends WeightOptions {
  /** Binary: the positive class (default: the greater label, as scikit-learn). */
  posLabel?: ClassLabel;
  /**
   * Multiclass: the class of each score column, in column order (default: the sorted
   * labels of `yTrue`, which must then number as many as the columns).
   */
  labels?: readonly ClassLabel[];
  /**
   * Multiclass one-vs-rest averaging: `macro` (default; each class counts the same),
   * `weighted` (by class prevalence) or `micro` (all class-vs-rest pairs pooled).
   */
  average?: 'macro' | 'weighted' | 'micro';
  /**
   * Binary: standardised partial AUC over false positive rates in [0, maxFpr] (McClish
   * correction: 0.5 is chance, 1 is perfect).
   */
  maxFpr?: number;
}

/** The ROC points of a curve with scikit-learn's `drop_intermediate`, (0, 0) first. @internal */
export function rocPoints(c: ClfCurve): { fpr: Float64Array; tpr: Float64Array; keep: Int32Array } {
  const keep = keptRocPoints(c);
  const m = keep.length;
  const fps = c.fps[c.fps.length - 1];
  const tps = c.tps[c.tps.length - 1];
  const fpr = new Float64Array(m + 1);
  const tpr = new Float64Array(m + 1);
  for (let k = 0; k < m; k++) {
    fpr[k + 1] = c.fps[keep[k]] / fps;
    tpr[k + 1] = c.tps[keep[k]] / tps;
  }
  return { fpr, tpr, keep };
}

/** numpy.trapz(y, x). @internal */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += ((x[i + 1] - x[i]) * (y[i + 1] + y[i])) / 2;
  return s;
}

function partialAuc(c: ClfCurve, maxFpr: number): number {
  const { fpr, tpr } = rocPoints(c);
  let stop = 0;
  while (stop < fpr.length && fpr[stop] <= maxFpr) stop++;
  const x0 = fpr[stop - 1];
  const x1 = fpr[stop];
  const y0 = tpr[stop - 1];
  const y1 = tpr[stop];
  const yi = ((y1 - y0) / (x1 - x0)) * (maxFpr - x0) + y0;
  const xs = [...fpr.subarray(0, stop), maxFpr];
  const ys = [...tpr.subarray(0, stop), yi];
  const partial = trapezoid(xs, ys);
  const minArea = 0.5 * maxFpr ** 2;
  const maxArea = maxFpr;
  return 0.5 * (1 + (partial - minArea) / (maxArea - minArea));
}

function binaryAuc(b: BinaryScores, maxFpr: number | undefined, fn: string): number {
  if (b.classes.length !== 2) {
    throw undefinedMetric(`${fn} is undefined: yTrue holds only one class (${showLabels(b.classes)}); ROC AUC needs positive and negative samples.`, { classes: b.classes });
  }
  if (b.posCode < 0) throw invalidInput(`${fn}: posLabel is not one of the labels ${showLabels(b.classes)}.`, { argument: 'posLabel' });
  const r = buildRanking(b.scores, 1, 0, b.codes, b.posCode, b.w !== undefined);
  if (maxFpr === undefined || maxFpr === 1) {
    const auc = aucFromRanking(r, b.w);
    if (Number.isNaN(auc)) throw undefinedMetric(`${fn} is undefined: the positive or the negative samples all have weight 0.`);
    return auc;
  }
  const c = clfCurve(r, b.w);
  if (c.tps.length === 0 || !(c.tps[c.tps.length - 1] > 0 && c.fps[c.fps.length - 1] > 0)) {
    throw undefinedMetric(`${fn} is undefined: the positive or the negative samples all have weight 0.`);
  }
  return partialAuc(c, maxFpr);
}

/**
 * Area under the ROC curve: the probability that a random positive sample scores higher
 * than a random negative one (ties count half). 0.5 is chance, 1 is perfect. Ties are
 * handled as scikit-learn handles them (one curve point per distinct score).
 *
 * Binary: `yScore` holds one score per sample (higher means more likely positive).
 * Multiclass: `yScore` is a probability matrix (rows summing to 1) and the result is the
 * one-vs-rest average.
 *
 * @throws MlopsError `METRIC_UNDEFINED` when `yTrue` holds a single class (or a class of
 * `labels` is absent in the multiclass case); `METRIC_INVALID_INPUT` for NaN scores,
 * length mismatches and rows that do not sum to 1.
 * @example
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * rocAuc(['a', 'b', 'c'], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]]); // 1
 * ```
 */
export function rocAuc(yTrue: LabelArray, yScore: ArrayLike<number> | ScoreMatrix, options: RocAucOptions = {}): number {
  const { maxFpr } = options;
  if (maxFpr !== undefined && !(maxFpr > 0 && maxFpr <= 1)) throw invalidInput(`rocAuc: maxFpr must be in (0, 1], got ${String(maxFpr)}.`, { argument: 'maxFpr' });
  if (!isMatrix(yScore)) {
    const b = binaryScores(yTrue, yScore as ArrayLike<number>, options, 'greatest', 'rocAuc');
    if (b.classes.length > 2) {
      throw invalidInput(`rocAuc: yTrue holds ${b.classes.length} classes ${showLabels(b.classes)}; pass one score column per class ({ data, cols } or an array of rows).`, {
        classes: b.classes.slice(0, 20),
      });
    }
    return binaryAuc(b, maxFpr, 'rocAuc');
  }
  if (maxFpr !== undefined && maxFpr !== 1) throw invalidInput('rocAuc: maxFpr (partial AUC) is available for binary scores only.', { argument: 'maxFpr' });
  const average = options.average ?? 'macro';
  if (average !== 'macro' && average !== 'weighted' && average !== 'micro') {
    throw invalidInput(`rocAuc: average must be 'macro', 'weighted' or 'micro', got ${String(average)}.`, { argument: 'average' });
  }
  const { classes, codes } = encodeLabels([{ values: yTrue, name: 'yTrue' }], options.labels ?? []);
  const [t] = codes;
  checkNotEmpty(t.length, 'yTrue');
  const { data, cols } = toMatrix(yScore, t.length, 'yScore');
  const w = toWeights(options.sampleWeight, t.length);
  let columnCodes: Int32Array;
  if (options.labels !== undefined) {
    columnCodes = labelCodes(classes, options.labels);
    if (columnCodes.length !== cols) throw invalidInput(`rocAuc: labels has ${columnCodes.length} classes but yScore has ${cols} columns.`, { argument: 'labels' });
    const inLabels = new Uint8Array(classes.length);
    columnCodes.forEach((c) => (inLabels[c] = 1));
    for (let i = 0; i < t.length; i++) {
      if (!inLabels[t[i]]) {
        throw invalidInput(`rocAuc: yTrue[${i}] is ${JSON.stringify(classes[t[i]])}, which is not in labels ${showLabels(options.labels)}.`, { index: i, value: classes[t[i]] });
      }
    }
  } else {
    if (classes.length !== cols) {
      throw invalidInput(
        `rocAuc: yTrue holds ${classes.length} classes ${showLabels(classes)} but yScore has ${cols} columns. Pass labels: the class of each column (all classes the model knows).`,
        { classes: classes.slice(0, 20), cols },
      );
    }
    columnCodes = Int32Array.from(classes, (_, i) => i);
  }
  checkProbabilityRows(data, cols, 'yScore');
  return multiclassAuc(t, data, cols, columnCodes, w, average, classes);
}

/** One-vs-rest multiclass AUC over validated inputs. @internal */
export function multiclassAuc(
  t: Int32Array,
  data: Float64Array,
  cols: number,
  columnCodes: Int32Array,
  w: Float64Array | undefined,
  average: 'macro' | 'weighted' | 'micro',
  classes: readonly ClassLabel[],
): number {
  const n = t.length;
  if (average === 'micro') {
    const flatCodes = new Int32Array(n * cols);
    for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) flatCodes[i * cols + j] = t[i] === columnCodes[j] ? 1 : 0;
    let flatW: Float64Array | undefined;
    if (w !== undefined) {
      flatW = new Float64Array(n * cols);
      for (let i = 0; i < n; i++) flatW.fill(w[i], i * cols, (i + 1) * cols);
    }
    const auc = aucFromRanking(buildRanking(data, 1, 0, flatCodes, 1, flatW !== undefined), flatW);
    if (Number.isNaN(auc)) throw undefinedMetric('rocAuc (micro) is undefined: the samples all have weight 0.');
    return auc;
  }
  let sum = 0;
  let sumW = 0;
  for (let j = 0; j < cols; j++) {
    const auc = aucFromRanking(buildRanking(data, cols, j, t, columnCodes[j], w !== undefined), w);
    if (Number.isNaN(auc)) {
      throw undefinedMetric(
        `rocAuc (one-vs-rest) is undefined for class ${JSON.stringify(classes[columnCodes[j]])}: it has no (weighted) samples in yTrue, or it is the only class.`,
        { label: classes[columnCodes[j]] },
      );
    }
    if (average === 'weighted') {
      let prevalence = 0;
      for (let i = 0; i < n; i++) if (t[i] === columnCodes[j]) prevalence += w === undefined ? 1 : w[i];
      sum += auc * prevalence;
      sumW += prevalence;
    } else {
      sum += auc;
      sumW += 1;
    }
  }
  return sum / sumW;
}

function positivesCurve(b: BinaryScores, fn: string): ClfCurve {
  const c = clfCurve(buildRanking(b.scores, 1, 0, b.codes, b.posCode, b.w !== undefined), b.w);
  if (c.tps.length === 0 || !(c.tps[c.tps.length - 1] > 0)) {
    throw undefinedMetric(`${fn} is undefined: yTrue has no positive samples${b.w === undefined ? '' : ' with weight > 0'} (positive class ${b.posCode >= 0 ? JSON.stringify(b.classes[b.posCode]) : 'absent'}).`);
  }
  return c;
}

/**
 * Average precision: the mean of the precisions reached at each recall level, weighted
 * by the recall gained (scikit-learn's `average_precision_score`: a step-wise sum, no
 * interpolation). The precision-recall summary to gate on for rare positives (fraud),
 * where ROC AUC looks good too easily. Chance level is the share of positives.
 *
 * @throws MlopsError `METRIC_UNDEFINED` when there is no positive sample (scikit-learn
 * warns and returns 0).
 */
export function averagePrecision(yTrue: LabelArray, yScore: ArrayLike<number>, options: WeightOptions & { posLabel?: ClassLabel } = {}): number {
  const b = binaryScores(yTrue, yScore, options, 'one', 'averagePrecision');
  return precisionRecallAreas(positivesCurve(b, 'averagePrecision')).ap;
}

/**
 * Area under the precision-recall curve by the trapezoidal rule
 * (`sklearn.metrics.auc(recall, precision)` over `precision_recall_curve`, the figure
 * MLflow logs as `precision_recall_auc`). Linear interpolation between curve points is
 * optimistic; prefer {@link averagePrecision} for gates.
 *
 * @throws MlopsError `METRIC_UNDEFINED` when there is no positive sample.
 */
export function prAuc(yTrue: LabelArray, yScore: ArrayLike<number>, options: WeightOptions & { posLabel?: ClassLabel } = {}): number {
  const b = binaryScores(yTrue, yScore, options, 'one', 'prAuc');
  return precisionRecallAreas(positivesCurve(b, 'prAuc')).prAuc;
}
