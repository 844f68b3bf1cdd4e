/**
 * The ranking core behind ROC AUC, average precision, the ROC and precision-recall curves
 * and threshold selection.
 *
 * The scores of positive and negative samples are split into two arrays and each is
 * radix-sorted; walking both from the highest score down visits every distinct score
 * once and yields scikit-learn's `_binary_clf_curve`: for each distinct threshold `t`
 * (descending), the (weighted) counts of positives and negatives scoring `>= t`. Ties
 * are grouped exactly as scikit-learn groups them, and within a tie group weights are
 * added in the same order, so the cumulative sums are identical.
 *
 * Weights are looked up by row index (the payload sorted with each score), so the
 * bootstrap re-weights rows without sorting again.
 *
 * @module
 */
import { invalidInput } from './inputs';
import { radixSort } from '../math/radix-sort';

/** Scores of positive and negative samples, ascending, with their row indices when weighted. */
export interface Ranking {
  /** Scores of the positive samples, ascending. */
  readonly pos: Float64Array;
  /** Scores of the negative samples, ascending. */
  readonly neg: Float64Array;
  /** Row index of each entry of `pos` (present when built with indices). */
  readonly posIdx?: Float64Array;
  /** Row index of each entry of `neg`. */
  readonly negIdx?: Float64Array;
}

/** Cumulative counts at each distinct threshold, highest threshold first. */
export interface ClfCurve {
  /** Distinct scores, descending. */
  thresholds: Float64Array;
  /** Weighted positives scoring `>=` each threshold. */
  tps: Float64Array;
  /** Weighted negatives scoring `>=` each threshold. */
  fps: Float64Array;
}

/**
 * Splits column `offset` of a row-major score array (`stride` values per row) into sorted
 * positive and negative scores; a row is positive when `codes[i] === posCode`. Checks
 * that every score is finite.
 * @internal
 */
export function buildRanking(
  scores: ArrayLike<number>,
  stride: number,
  offset: number,
  codes: Int32Array,
  posCode: number,
  withIndex: boolean,
  name = 'yScore',
): Ranking {
  const n = codes.length;
  let np = 0;
  for (let i = 0; i < n; i++) if (codes[i] === posCode) np++;
  const pos = new Float64Array(np);
  const neg = new Float64Array(n - np);
  const posIdx = withIndex ? new Float64Array(np) : undefined;
  const negIdx = withIndex ? new Float64Array(n - np) : undefined;
  let a = 0;
  let b = 0;
  const fail = (i: number, v: number): never => {
    throw invalidInput(`${name}${stride > 1 ? `[${i}][${offset}]` : `[${i}]`} is ${v}; scores must be finite numbers (no NaN or infinity).`, {
      argument: name,
      index: i,
      value: String(v),
    });
  };
  if (stride === 1 && !withIndex) {
    // The hot path of rocAuc on millions of scores.
    for (let i = 0; i < n; i++) {
      const v = scores[i];
      if (v - v !== 0) fail(i, v);
      if (codes[i] === posCode) pos[a++] = v + 0;
      else neg[b++] = v + 0;
    }
    radixSort(pos);
    radixSort(neg);
    return { pos, neg };
  }
  for (let i = 0; i < n; i++) {
    const v = scores[i * stride + offset];
    if (v - v !== 0) fail(i, v);
    if (codes[i] === posCode) {
      if (posIdx !== undefined) posIdx[a] = i;
      pos[a++] = v + 0;
    } else {
      if (negIdx !== undefined) negIdx[b] = i;
      neg[b++] = v + 0;
    }
  }
  radixSort(pos, posIdx);
  radixSort(neg, negIdx);
  return { pos, neg, posIdx, negIdx };
}

/**
 * Area under the ROC curve from a ranking: the trapezoidal area, computed in counts
 * (exact for unweighted data up to a single final division). `NaN` when the positives
 * or the negatives have zero total weight.
 * @internal
 */
export function aucFromRanking(r: Ranking, w?: Float64Array): number {
  const { pos, neg, posIdx, negIdx } = r;
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let area = 0;
  if (w === undefined) {
    while (i >= 0 && j >= 0) {
      const t = pos[i] > neg[j] ? pos[i] : neg[j];
      const tp0 = tp;
      while (i >= 0 && pos[i] === t) {
        tp++;
        i--;
      }
      const fp0 = fp;
      while (j >= 0 && neg[j] === t) {
        fp++;
        j--;
      }
      area += (fp - fp0) * (tp + tp0);
    }
    // Remaining negatives all score below every positive: tp is final.
    area += (j + 1) * 2 * (tp + i + 1);
    fp += j + 1;
    tp += i + 1;
    return area / (2 * tp * fp);
  }
  const pi = posIdx!;
  const ni = negIdx!;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j] : j < 0 ? pos[i] : pos[i] > neg[j] ? pos[i] : neg[j];
    const tp0 = tp;
    while (i >= 0 && pos[i] === t) tp += w[pi[i--]];
    const fp0 = fp;
    while (j >= 0 && neg[j] === t) fp += w[ni[j--]];
    area += (fp - fp0) * (tp + tp0);
  }
  if (!(tp > 0 && fp > 0)) return NaN;
  return area / (2 * tp * fp);
}

/**
 * scikit-learn's `_binary_clf_curve`: distinct thresholds (descending) with cumulative
 * true and false positives. Thresholds whose samples all have zero weight are left out,
 * as scikit-learn drops zero-weight samples.
 * @internal
 */
export function clfCurve(r: Ranking, w?: Float64Array, scratch?: ClfCurve): ClfCurve {
  const { pos, neg, posIdx, negIdx } = r;
  const cap = pos.length + neg.length;
  // A caller that walks many curves (the bootstrap) passes buffers to reuse; too small ones are not used.
  const reuse = scratch !== undefined && scratch.thresholds.length >= cap && scratch.tps.length >= cap && scratch.fps.length >= cap;
  const thresholds = reuse ? scratch.thresholds : new Float64Array(cap);
  const tps = reuse ? scratch.tps : new Float64Array(cap);
  const fps = reuse ? scratch.fps : new Float64Array(cap);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let m = 0;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j] : j < 0 ? pos[i] : pos[i] > neg[j] ? pos[i] : neg[j];
    let any = w === undefined;
    if (w === undefined) {
      while (i >= 0 && pos[i] === t) {
        tp++;
        i--;
      }
      while (j >= 0 && neg[j] === t) {
        fp++;
        j--;
      }
    } else {
      while (i >= 0 && pos[i] === t) {
        const x = w[posIdx![i--]];
        if (x !== 0) any = true;
        tp += x;
      }
      while (j >= 0 && neg[j] === t) {
        const x = w[negIdx![j--]];
        if (x !== 0) any = true;
        fp += x;
      }
    }
    if (!any) continue;
    thresholds[m] = t;
    tps[m] = tp;
    fps[m] = fp;
    m++;
  }
  return { thresholds: thresholds.subarray(0, m), tps: tps.subarray(0, m), fps: fps.subarray(0, m) };
}

/**
 * Average precision, `sum_k (R_k - R_{k-1}) P_k` over the curve's thresholds (scikit-learn's
 * step-wise integral, no interpolation), and the trapezoidal area under the
 * precision-recall curve, `sklearn.metrics.auc(recall, precision)` over
 * `precision_recall_curve`'s points (which end at recall 0, precision 1). Both `NaN`
 * without positives.
 * @internal
 */
export function precisionRecallAreas(c: ClfCurve): { ap: number; prAuc: number } {
  const m = c.tps.length;
  const total = m > 0 ? c.tps[m - 1] : 0;
  if (!(total > 0)) return { ap: NaN, prAuc: NaN };
  let ap = 0;
  let area = 0;
  let prevRecall = 0;
  let prevPrecision = 1;
  for (let k = 0; k < m; k++) {
    const ps = c.tps[k] + c.fps[k];
    const precision = ps !== 0 ? c.tps[k] / ps : 0;
    const recall = c.tps[k] / total;
    ap += (recall - prevRecall) * precision;
    area += ((recall - prevRecall) * (precision + prevPrecision)) / 2;
    prevRecall = recall;
    prevPrecision = precision;
  }
  return { ap, prAuc: area };
}

/**
 * Indices of the curve points kept by scikit-learn's `drop_intermediate`: the ends and
 * every point where the second difference of fps or tps is non-zero.
 * @internal
 */
export function keptRocPoints(c: ClfCurve): Int32Array {
  const m = c.fps.length;
  if (m <= 2) return Int32Array.from({ length: m }, (_, i) => i);
  const keep: number[] = [0];
  for (let k = 1; k < m - 1; k++) {
    // numpy's diff(x, 2): a difference of differences, evaluated in that order.
    const d2f = c.fps[k + 1] - c.fps[k] - (c.fps[k] - c.fps[k - 1]);
    const d2t = c.tps[k + 1] - c.tps[k] - (c.tps[k] - c.tps[k - 1]);
    if (d2f !== 0 || d2t !== 0) keep.push(k);
  }
  keep.push(m - 1);
  return Int32Array.from(keep);
}
