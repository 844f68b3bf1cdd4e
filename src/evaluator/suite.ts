/**
 * The metric set of each task, computed from predictions held in compact arrays.
 *
 * A suite is prepared once (labels encoded, scores sorted, per-row losses computed) and
 * then evaluated any number of times with per-row multiplicities: all ones for the point
 * estimate, bootstrap counts for a resample. Evaluating with counts gives exactly the
 * metrics of the materialised resample (rows repeated), in O(n) per resample and with no
 * new sort. The values equal those of the exported metric functions called with the
 * model's classes (`labels`) and, for binary models, `posLabel: classes[1]`.
 *
 * @module
 */
import type { ClassLabel, Task } from '../models/types';
import { balancedAccuracyFromCounts, confusionCounts, kappaFromCounts, matthewsFromCounts, prfAveraged, sumsFromCounts } from './metrics/classification';
import { brierRows, logLossRowsBinary, logLossRowsMatrix, topKHits } from './metrics/probability';
import { explainedVarianceFrom, medianSorted, r2From, regressionRows } from './metrics/regression';
import { aucFromRanking, buildRanking, clfCurve, type ClfCurve, precisionRecallAreas, type Ranking } from './ranking';
import { radixSort } from '../math/radix-sort';

/**
 * Predictions and truth for one evaluation, validated. Classification: `y` holds class
 * indices into `classes`; binary `output` holds P(classes[1]) per row, multiclass
 * `output` the row-major class probabilities. Regression: values.
 */
export interface EvalData {
  /** What the model predicts. */
  task: Task;
  /** Rows. */
  n: number;
  /** Class labels in output order (classification). */
  classes?: readonly ClassLabel[];
  /** True value or class index per row. */
  y: Float64Array;
  /** Model output, `n * width` values. */
  output: Float64Array;
  /** Outputs per row. */
  width: number;
  /** Sample weights, when the evaluation is weighted. */
  weights?: Float64Array;
  /** Binary decision threshold on P(classes[1]). */
  threshold: number;
}

/** A prepared metric set. */
export interface Suite {
  /** The metrics it computes, in report order. */
  readonly names: readonly string[];
  /**
   * Computes every metric; `NaN` where undefined (with the reason in `reasons`). `mult`
   * holds per-row multiplicities (bootstrap counts); omitted means one each.
   */
  compute(mult?: Uint32Array, reasons?: Record<string, string>): Record<string, number>;
}

function effectiveWeights(base: Float64Array | undefined, mult: Uint32Array | undefined, n: number): Float64Array | undefined {
  if (mult === undefined) return base;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = base === undefined ? mult[i] : base[i] * mult[i];
  return w;
}

function mean(x: Float64Array | Uint8Array, w: Float64Array | undefined): number {
  let s = 0;
  if (w === undefined) {
    for (let i = 0; i < x.length; i++) s += x[i];
    return s / x.length;
  }
  let sw = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i] * w[i];
    sw += w[i];
  }
  return sw > 0 ? s / sw : NaN;
}

function totalOf(c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i];
  return s;
}

function classCodes(y: Float64Array): Int32Array {
  return Int32Array.from(y);
}

function binarySuite(d: EvalData): Suite {
  const t = classCodes(d.y);
  const p = d.output;
  const pred = new Int32Array(d.n);
  for (let i = 0; i < d.n; i++) pred[i] = p[i] >= d.threshold ? 1 : 0;
  let ranking: Ranking | undefined;
  let scratch: ClfCurve | undefined;
  const rows = {
    logLoss: logLossRowsBinary(p, (i) => t[i] === 1),
    brier: brierRows(p, (i) => t[i] === 1),
  };
  const names = ['rocAuc', 'averagePrecision', 'prAuc', 'accuracy', 'balancedAccuracy', 'precision', 'recall', 'f1', 'matthewsCorrelation', 'cohenKappa', 'logLoss', 'brier'];
  const ones = Uint8Array.of(1, 1);
  return {
    names,
    compute(mult, reasons) {
      const w = effectiveWeights(d.weights, mult, d.n);
      const c = confusionCounts(t, pred, 2, w);
      const total = totalOf(c);
      const prf = prfAveraged(sumsFromCounts(c, 2, Int32Array.of(1), [d.classes![1]]), 'binary', 1, 0, 'f', 'f1');
      ranking ??= buildRanking(p, 1, 0, t, 1, true);
      scratch ??= { thresholds: new Float64Array(d.n), tps: new Float64Array(d.n), fps: new Float64Array(d.n) };
      const areas = precisionRecallAreas(clfCurve(ranking, w, scratch));
      const out: Record<string, number> = {
        rocAuc: aucFromRanking(ranking, w),
        averagePrecision: areas.ap,
        prAuc: areas.prAuc,
        accuracy: total > 0 ? (c[0] + c[3]) / total : NaN,
        balancedAccuracy: balancedAccuracyFromCounts(c, 2, ones, false),
        precision: prf.precision,
        recall: prf.recall,
        f1: prf.fScore,
        matthewsCorrelation: matthewsFromCounts(c, 2),
        cohenKappa: kappaFromCounts(c, 2),
        logLoss: mean(rows.logLoss, w),
        brier: mean(rows.brier, w),
      };
      if (reasons !== undefined) {
        const pos = c[2] + c[3];
        const neg = c[0] + c[1];
        const only = `only one class is present (${pos > 0 ? 'positives' : 'negatives'} only)`;
        if (Number.isNaN(out.rocAuc)) reasons.rocAuc = `undefined: ${only}`;
        if (Number.isNaN(out.averagePrecision)) reasons.averagePrecision = reasons.prAuc = 'undefined: there are no positive rows';
        if (!Number.isFinite(out.cohenKappa)) reasons.cohenKappa = 'undefined: truth and predictions are one and the same class throughout';
        if (pos === 0 || neg === 0) reasons.matthewsCorrelation = `0 by convention: ${only}`;
      }
      if (!Number.isFinite(out.cohenKappa)) out.cohenKappa = NaN;
      return out;
    },
  };
}

function multiclassSuite(d: EvalData): Suite {
  const k = d.width;
  const t = classCodes(d.y);
  const pred = new Int32Array(d.n);
  for (let i = 0; i < d.n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (d.output[i * k + j] > d.output[i * k + best]) best = j;
    pred[i] = best;
  }
  const logRows = logLossRowsMatrix(d.output, k, (i) => t[i]);
  const top2 = k >= 3 ? topKHits(d.output, k, (i) => t[i], 2) : undefined;
  let rankings: Ranking[] | undefined;
  const names = ['accuracy', 'balancedAccuracy', 'f1Macro', 'f1Weighted', 'precisionMacro', 'recallMacro', 'rocAucOvr', ...(top2 ? ['top2Accuracy'] : []), 'matthewsCorrelation', 'cohenKappa', 'logLoss'];
  return {
    names,
    compute(mult, reasons) {
      const w = effectiveWeights(d.weights, mult, d.n);
      const c = confusionCounts(t, pred, k, w);
      const total = totalOf(c);
      const present = new Uint8Array(k);
      for (let i = 0; i < d.n; i++) {
        if (mult === undefined || mult[i] > 0) {
          present[t[i]] = 1;
          present[pred[i]] = 1;
        }
      }
      const sel = Int32Array.from(Array.from(present.keys()).filter((j) => present[j] === 1));
      const sums = sumsFromCounts(c, k, sel, Array.from(sel, (j) => d.classes![j]));
      const macro = prfAveraged(sums, 'macro', 1, 0, 'f', 'f1');
      const weighted = prfAveraged(sums, 'weighted', 1, 0, 'f', 'f1');
      rankings ??= Array.from({ length: k }, (_, j) => buildRanking(d.output, k, j, t, j, true));
      let auc = 0;
      let missing = -1;
      for (let j = 0; j < k; j++) {
        const a = aucFromRanking(rankings[j], w);
        if (Number.isNaN(a)) missing = j;
        auc += a;
      }
      const out: Record<string, number> = {
        accuracy: total > 0 ? Array.from({ length: k }, (_, j) => c[j * k + j]).reduce((a, b) => a + b, 0) / total : NaN,
        balancedAccuracy: balancedAccuracyFromCounts(c, k, present, false),
        f1Macro: macro.fScore,
        f1Weighted: weighted.fScore,
        precisionMacro: macro.precision,
        recallMacro: macro.recall,
        rocAucOvr: auc / k,
        matthewsCorrelation: matthewsFromCounts(c, k),
        cohenKappa: kappaFromCounts(c, k),
        logLoss: mean(logRows, w),
      };
      if (top2) out.top2Accuracy = mean(top2, w);
      if (!Number.isFinite(out.cohenKappa)) out.cohenKappa = NaN;
      if (reasons !== undefined) {
        if (missing >= 0) reasons.rocAucOvr = `undefined: class ${JSON.stringify(d.classes![missing])} has no rows (one-vs-rest needs every class)`;
        if (Number.isNaN(out.cohenKappa)) reasons.cohenKappa = 'undefined: truth and predictions are one and the same class throughout';
      }
      return out;
    },
  };
}

function regressionSuite(d: EvalData): Suite {
  const y = d.y;
  const p = d.output;
  const n = d.n;
  const abs = new Float64Array(n);
  const sq = new Float64Array(n);
  const pct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    abs[i] = regressionRows.absolute(y[i], p[i]);
    sq[i] = regressionRows.squared(y[i], p[i]);
    pct[i] = regressionRows.percentage(y[i], p[i]);
  }
  const sortedAbs = abs.slice();
  const order = Float64Array.from({ length: n }, (_, i) => i);
  radixSort(sortedAbs, order);
  const names = ['mae', 'rmse', 'mse', 'r2', 'explainedVariance', 'mape', 'medianAbsoluteError'];
  return {
    names,
    compute(mult, reasons) {
      const w = effectiveWeights(d.weights, mult, n);
      let median: number;
      if (w === undefined) median = medianSorted(sortedAbs, undefined);
      else if (d.weights === undefined) median = medianOfCounts(sortedAbs, order, mult!);
      else median = medianSorted(sortedAbs, Float64Array.from(order, (i) => w[i]));
      const mseValue = mean(sq, w);
      const rows = mult === undefined ? n : mult.reduce((a, b) => a + b, 0);
      const out: Record<string, number> = {
        mae: mean(abs, w),
        rmse: Math.sqrt(mseValue),
        mse: mseValue,
        r2: rows >= 2 ? r2From(y, p, w) : NaN,
        explainedVariance: explainedVarianceFrom(y, p, w),
        mape: mean(pct, w),
        medianAbsoluteError: median,
      };
      if (reasons !== undefined && rows < 2) reasons.r2 = 'undefined with fewer than two rows';
      return out;
    },
  };
}

/** numpy's median of the sample where row `order[k]` appears `mult[order[k]]` times. */
function medianOfCounts(sorted: Float64Array, order: Float64Array, mult: Uint32Array): number {
  let total = 0;
  for (let i = 0; i < mult.length; i++) total += mult[i];
  const lo = Math.floor((total - 1) / 2);
  const hi = Math.floor(total / 2);
  let seen = 0;
  let a = NaN;
  for (let k = 0; k < sorted.length; k++) {
    const c = mult[order[k]];
    if (c === 0) continue;
    if (Number.isNaN(a) && lo < seen + c) a = sorted[k];
    if (hi < seen + c) return (a + sorted[k]) / 2;
    seen += c;
  }
  return NaN;
}

/**
 * Prepares the metric set of the data's task. Where every row has weight 0 (possible in a
 * resample of weighted data) every metric is `NaN`.
 * @internal
 */
export function prepareSuite(d: EvalData): Suite {
  const inner = d.task === 'binary' ? binarySuite(d) : d.task === 'multiclass' ? multiclassSuite(d) : regressionSuite(d);
  return {
    names: inner.names,
    compute(mult, reasons) {
      let total = 0;
      for (let i = 0; i < d.n; i++) total += (d.weights === undefined ? 1 : d.weights[i]) * (mult === undefined ? 1 : mult[i]);
      if (!(total > 0)) {
        const out: Record<string, number> = {};
        for (const name of inner.names) {
          out[name] = NaN;
          if (reasons !== undefined) reasons[name] = 'undefined: every row has weight 0';
        }
        return out;
      }
      return inner.compute(mult, reasons);
    },
  };
}

/** The rows `idx` of the data, as new data. @internal */
export function subsetData(d: EvalData, idx: ArrayLike<number>): EvalData {
  const m = idx.length;
  const y = new Float64Array(m);
  const output = new Float64Array(m * d.width);
  const weights = d.weights === undefined ? undefined : new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const i = idx[r];
    y[r] = d.y[i];
    for (let j = 0; j < d.width; j++) output[r * d.width + j] = d.output[i * d.width + j];
    if (weights !== undefined) weights[r] = d.weights![i];
  }
  return { ...d, n: m, y, output, weights };
}
