/**
 * Curves for binary scores: ROC, precision-recall and calibration (reliability).
 *
 * @module
 */
import type { ClassLabel } from '../models/types';
import { invalidInput, type LabelArray, toFiniteArray, undefinedMetric, type WeightOptions } from './inputs';
import { binaryScores, rocPoints } from './metrics/ranking';
import { buildRanking, clfCurve, type ClfCurve } from './ranking';
import { percentileSorted } from '../math/summary';

/** Options of the binary curves. */
export interface CurveOptions extends WeightOptions {
  /**
   * The positive class. Default: 1 when the labels are {0, 1}, {-1, 1} or booleans;
   * required otherwise (string labels, say).
   */
  posLabel?: ClassLabel;
}

/** Points of a ROC curve, from (0, 0) to (1, 1). */
export interface RocCurve {
  /** False positive rate at each threshold (share of negatives flagged). */
  fpr: Float64Array;
  /** True positive rate (recall) at each threshold. */
  tpr: Float64Array;
  /**
   * Decreasing thresholds: point `k` flags samples with `score >= thresholds[k]`. The
   * first is `thresholds[1] + 1`, a threshold nothing reaches (scikit-learn 1.2).
   */
  thresholds: Float64Array;
}

/** Points of a precision-recall curve, in increasing threshold order. */
export interface PrecisionRecallCurve {
  /** Precision at each threshold, then a final 1. */
  precision: Float64Array;
  /** Recall at each threshold, then a final 0. */
  recall: Float64Array;
  /** Increasing distinct scores (one fewer than precision and recall). */
  thresholds: Float64Array;
}

/** A calibration (reliability) curve: one entry per non-empty bin. */
export interface CalibrationCurve {
  /** Observed share of positives in each bin (scikit-learn's `prob_true`). */
  fractionPositive: Float64Array;
  /** Mean predicted probability in each bin (`prob_pred`). */
  meanPredicted: Float64Array;
  /** (Weighted) number of samples in each bin. */
  count: Float64Array;
}

function curveOf(yTrue: LabelArray, yScore: ArrayLike<number>, options: CurveOptions, fn: string): ClfCurve {
  const b = binaryScores(yTrue, yScore, options, 'consistency', fn);
  return clfCurve(buildRanking(b.scores, 1, 0, b.codes, b.posCode, b.w !== undefined), b.w);
}

/**
 * The ROC curve: true positive rate against false positive rate as the threshold falls
 * through every distinct score. Tied scores make one point. With `dropIntermediate`
 * (default true, as scikit-learn) points that lie on a straight segment between their
 * neighbours are removed; the area is unchanged.
 *
 * @throws MlopsError `METRIC_UNDEFINED` when there is no positive or no negative sample
 * (scikit-learn warns and returns NaN rates).
 * @example
 * ```ts
 * const { fpr, tpr, thresholds } = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * ```
 */
export function rocCurve(yTrue: LabelArray, yScore: ArrayLike<number>, options: CurveOptions & { dropIntermediate?: boolean } = {}): RocCurve {
  const c = curveOf(yTrue, yScore, options, 'rocCurve');
  const m = c.tps.length;
  if (m === 0 || !(c.fps[m - 1] > 0)) throw undefinedMetric('rocCurve is undefined: there are no negative samples, so the false positive rate is 0/0.');
  if (!(c.tps[m - 1] > 0)) throw undefinedMetric('rocCurve is undefined: there are no positive samples, so the true positive rate is 0/0.');
  return rocFromCurve(c, options.dropIntermediate !== false);
}

/** ROC points of a curve with both classes present. @internal */
export function rocFromCurve(c: ClfCurve, dropIntermediate: boolean): RocCurve {
  if (dropIntermediate) {
    const { fpr, tpr, keep } = rocPoints(c);
    const thresholds = new Float64Array(keep.length + 1);
    keep.forEach((k, i) => (thresholds[i + 1] = c.thresholds[k]));
    thresholds[0] = thresholds[1] + 1;
    return { fpr, tpr, thresholds };
  }
  const m = c.tps.length;
  const fpr = new Float64Array(m + 1);
  const tpr = new Float64Array(m + 1);
  const thresholds = new Float64Array(m + 1);
  for (let k = 0; k < m; k++) {
    fpr[k + 1] = c.fps[k] / c.fps[m - 1];
    tpr[k + 1] = c.tps[k] / c.tps[m - 1];
    thresholds[k + 1] = c.thresholds[k];
  }
  thresholds[0] = thresholds[1] + 1;
  return { fpr, tpr, thresholds };
}

/**
 * The precision-recall curve (scikit-learn 1.2's `precision_recall_curve`: every distinct
 * score is a threshold; precision is 0 where nothing is flagged; the arrays end with
 * precision 1 at recall 0).
 *
 * @throws MlopsError `METRIC_UNDEFINED` when there is no positive sample.
 */
export function precisionRecallCurve(yTrue: LabelArray, yScore: ArrayLike<number>, options: CurveOptions = {}): PrecisionRecallCurve {
  const c = curveOf(yTrue, yScore, options, 'precisionRecallCurve');
  const m = c.tps.length;
  if (m === 0 || !(c.tps[m - 1] > 0)) throw undefinedMetric('precisionRecallCurve is undefined: there are no positive samples, so recall is 0/0.');
  return prFromCurve(c);
}

/** Precision-recall points of a curve with positives. @internal */
export function prFromCurve(c: ClfCurve): PrecisionRecallCurve {
  const m = c.tps.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thresholds = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const ps = c.tps[k] + c.fps[k];
    precision[m - 1 - k] = ps !== 0 ? c.tps[k] / ps : 0;
    recall[m - 1 - k] = c.tps[k] / c.tps[m - 1];
    thresholds[m - 1 - k] = c.thresholds[k];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds };
}

/** Options of {@link calibrationCurve}. */
export interface CalibrationOptions extends CurveOptions {
  /** Number of bins (default 5, as scikit-learn). */
  bins?: number;
  /**
   * `uniform` (default): bins of equal width on [0, 1]; `quantile`: bins holding equal
   * numbers of samples (edges at the percentiles of the predictions).
   */
  strategy?: 'uniform' | 'quantile';
}

/**
 * The calibration (reliability) curve: predictions are binned, and in each bin the mean
 * prediction is set against the observed share of positives. A calibrated model's
 * points lie on the diagonal: of the samples given 0.8, 80% are positive.
 * Matches scikit-learn's `calibration_curve` (which has no sample weights; with weights,
 * each sample counts its weight).
 *
 * @throws MlopsError `METRIC_INVALID_INPUT` for probabilities outside [0, 1] or more
 * than two classes.
 */
export function calibrationCurve(yTrue: LabelArray, yProb: ArrayLike<number>, options: CalibrationOptions = {}): CalibrationCurve {
  const bins = options.bins ?? 5;
  const strategy = options.strategy ?? 'uniform';
  if (!Number.isInteger(bins) || bins < 1) throw invalidInput(`calibrationCurve: bins must be a positive integer, got ${String(bins)}.`, { argument: 'bins' });
  if (strategy !== 'uniform' && strategy !== 'quantile') throw invalidInput(`calibrationCurve: strategy must be 'uniform' or 'quantile', got ${String(strategy)}.`, { argument: 'strategy' });
  const b = binaryScores(yTrue, yProb, options, 'consistency', 'calibrationCurve');
  if (b.classes.length > 2) throw invalidInput(`calibrationCurve needs binary labels, got ${b.classes.length} classes.`, { classes: b.classes.slice(0, 20) });
  const p = toFiniteArray(b.scores, 'yProb', { min: 0, max: 1, what: 'probabilities must lie in [0, 1]' });
  return calibrationFrom(b.codes, b.posCode, p, b.w, bins, strategy);
}

/** The calibration curve over validated inputs. @internal */
export function calibrationFrom(codes: Int32Array, posCode: number, p: Float64Array, w: Float64Array | undefined, bins: number, strategy: 'uniform' | 'quantile'): CalibrationCurve {
  const edges = new Float64Array(bins + 1);
  if (strategy === 'uniform') {
    const step = 1 / bins;
    for (let i = 0; i < bins; i++) edges[i] = i * step;
    edges[bins] = 1;
  } else {
    const sorted = Float64Array.from(p).sort();
    const step = 1 / bins;
    for (let i = 0; i <= bins; i++) edges[i] = percentileSorted(sorted, (i === bins ? 1 : i * step) * 100);
  }
  const sums = new Float64Array(bins);
  const trues = new Float64Array(bins);
  const totals = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    // numpy.searchsorted(edges[1:-1], p, side='left'): inner edges strictly below p.
    let lo = 1;
    let hi = bins;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] < p[i]) lo = mid + 1;
      else hi = mid;
    }
    const bin = lo - 1;
    const wi = w === undefined ? 1 : w[i];
    sums[bin] += p[i] * wi;
    if (codes[i] === posCode) trues[bin] += wi;
    totals[bin] += wi;
  }
  const fractionPositive: number[] = [];
  const meanPredicted: number[] = [];
  const count: number[] = [];
  for (let k = 0; k < bins; k++) {
    if (totals[k] === 0) continue;
    fractionPositive.push(trues[k] / totals[k]);
    meanPredicted.push(sums[k] / totals[k]);
    count.push(totals[k]);
  }
  return { fractionPositive: Float64Array.from(fractionPositive), meanPredicted: Float64Array.from(meanPredicted), count: Float64Array.from(count) };
}
