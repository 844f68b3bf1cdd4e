/**
 * Choosing the decision threshold of a binary classifier: for a precision or recall
 * target, for the best F1, or for the lowest cost when a missed positive and a false
 * alarm cost different amounts (a missed fraud costs the chargeback; a false alarm, a
 * support call).
 *
 * Choose the threshold on validation data, then evaluate it on the test set: a threshold
 * tuned on the test set overstates how good it is.
 *
 * @module
 */
import { invalidInput, type LabelArray, undefinedMetric } from './inputs';
import type { CurveOptions } from './curves';
import { binaryScores } from './metrics/ranking';
import { buildRanking, clfCurve, type ClfCurve } from './ranking';

/** A threshold and what it does on the data it was chosen on. */
export interface ThresholdChoice {
  /**
   * Flag a sample as positive when its score is `>= threshold`. `Infinity` means flag
   * nothing (the best choice when every alert costs more than it saves).
   */
  threshold: number;
  /** Precision at the threshold (`NaN` when nothing is flagged). */
  precision: number;
  /** Recall (true positive rate). */
  recall: number;
  /** F1 at the threshold. */
  f1: number;
  /** False positive rate (share of negatives flagged). */
  falsePositiveRate: number;
  /** (Weighted) counts at the threshold. */
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
  /** Total cost, for {@link thresholdForCost}. */
  cost?: number;
}

/** Costs per outcome for {@link thresholdForCost}. */
export interface OutcomeCosts {
  /** Cost of flagging a negative (a false alarm). */
  falsePositive: number;
  /** Cost of missing a positive. */
  falseNegative: number;
  /** Cost (negative: gain) of a caught positive. Default 0. */
  truePositive?: number;
  /** Cost of a correctly passed negative. Default 0. */
  trueNegative?: number;
}

interface Candidates {
  curve: ClfCurve;
  pos: number;
  neg: number;
}

function candidates(yTrue: LabelArray, yScore: ArrayLike<number>, options: CurveOptions, fn: string, needPositives: boolean): Candidates {
  const b = binaryScores(yTrue, yScore, options, 'consistency', fn);
  const curve = clfCurve(buildRanking(b.scores, 1, 0, b.codes, b.posCode, b.w !== undefined), b.w);
  const m = curve.tps.length;
  const pos = m > 0 ? curve.tps[m - 1] : 0;
  const neg = m > 0 ? curve.fps[m - 1] : 0;
  if (needPositives && !(pos > 0)) throw undefinedMetric(`${fn}: there are no positive samples, so recall is undefined at every threshold.`);
  return { curve, pos, neg };
}

/** The choice at candidate k (-1: flag nothing). */
function choiceAt(c: Candidates, k: number): ThresholdChoice {
  const tp = k < 0 ? 0 : c.curve.tps[k];
  const fp = k < 0 ? 0 : c.curve.fps[k];
  const precision = tp + fp > 0 ? tp / (tp + fp) : NaN;
  const recall = c.pos > 0 ? tp / c.pos : NaN;
  const f1 = tp > 0 ? (2 * tp) / (2 * tp + fp + (c.pos - tp)) : 0;
  return {
    threshold: k < 0 ? Infinity : c.curve.thresholds[k],
    precision,
    recall,
    f1,
    falsePositiveRate: c.neg > 0 ? fp / c.neg : NaN,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: c.neg - fp,
    falseNegatives: c.pos - tp,
  };
}

function checkTarget(v: unknown, name: string, fn: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw invalidInput(`${fn}: ${name} must be a number in [0, 1], got ${String(v)}.`, { argument: name });
  return v;
}

/**
 * The threshold with the highest recall among those whose precision is at least
 * `minPrecision` ("flag as much fraud as possible while 90% of alerts are real").
 *
 * @throws MlopsError `METRIC_UNDEFINED` when no threshold reaches the precision (the
 * message gives the best precision available).
 */
export function thresholdForPrecision(yTrue: LabelArray, yScore: ArrayLike<number>, minPrecision: number, options: CurveOptions = {}): ThresholdChoice {
  checkTarget(minPrecision, 'minPrecision', 'thresholdForPrecision');
  const c = candidates(yTrue, yScore, options, 'thresholdForPrecision', true);
  let best = -2;
  let bestPrecision = 0;
  for (let k = 0; k < c.curve.tps.length; k++) {
    const tp = c.curve.tps[k];
    const p = tp / (tp + c.curve.fps[k]);
    if (p > bestPrecision) bestPrecision = p;
    if (p >= minPrecision && (best < 0 || tp > c.curve.tps[best])) best = k;
  }
  if (best < 0) throw undefinedMetric(`thresholdForPrecision: no threshold reaches precision ${minPrecision}; the best precision on this data is ${bestPrecision}.`, { bestPrecision });
  return choiceAt(c, best);
}

/**
 * The threshold with the highest precision among those whose recall is at least
 * `minRecall` ("catch 95% of fraud with as few false alarms as possible"). Ties go to
 * the higher recall.
 */
export function thresholdForRecall(yTrue: LabelArray, yScore: ArrayLike<number>, minRecall: number, options: CurveOptions = {}): ThresholdChoice {
  checkTarget(minRecall, 'minRecall', 'thresholdForRecall');
  const c = candidates(yTrue, yScore, options, 'thresholdForRecall', true);
  let best = -1;
  let bestPrecision = -1;
  for (let k = 0; k < c.curve.tps.length; k++) {
    const tp = c.curve.tps[k];
    if (tp / c.pos < minRecall) continue;
    const p = tp / (tp + c.curve.fps[k]);
    if (p > bestPrecision || (p === bestPrecision && tp > c.curve.tps[best])) {
      best = k;
      bestPrecision = p;
    }
  }
  return choiceAt(c, best);
}

/**
 * The threshold with the highest F-beta (F1 by default); ties go to the higher
 * threshold (fewer alerts).
 */
export function thresholdForMaxF1(yTrue: LabelArray, yScore: ArrayLike<number>, options: CurveOptions & { beta?: number } = {}): ThresholdChoice {
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !(beta > 0) || !Number.isFinite(beta)) throw invalidInput(`thresholdForMaxF1: beta must be a positive number, got ${String(beta)}.`, { argument: 'beta' });
  const c = candidates(yTrue, yScore, options, 'thresholdForMaxF1', true);
  const b2 = beta * beta;
  let best = -1;
  let bestF = 0;
  for (let k = 0; k < c.curve.tps.length; k++) {
    const tp = c.curve.tps[k];
    const f = ((1 + b2) * tp) / ((1 + b2) * tp + b2 * (c.pos - tp) + c.curve.fps[k]);
    if (f > bestF) {
      bestF = f;
      best = k;
    }
  }
  return choiceAt(c, best);
}

/**
 * The threshold with the lowest total cost `FP * falsePositive + FN * falseNegative +
 * TP * truePositive + TN * trueNegative`; ties go to the higher threshold. Flagging
 * nothing is a candidate (threshold `Infinity`).
 *
 * @example
 * ```ts
 * // A missed fraud costs 500, reviewing a false alarm costs 5.
 * const choice = thresholdForCost(yVal, scoresVal, { falseNegative: 500, falsePositive: 5 });
 * choice.threshold; // e.g. 0.07: flag far more than at 0.5
 * ```
 */
export function thresholdForCost(yTrue: LabelArray, yScore: ArrayLike<number>, costs: OutcomeCosts, options: CurveOptions = {}): ThresholdChoice {
  if (typeof costs !== 'object' || costs === null) throw invalidInput('thresholdForCost: costs must be { falsePositive, falseNegative, truePositive?, trueNegative? }.', { argument: 'costs' });
  const cfp = costs.falsePositive;
  const cfn = costs.falseNegative;
  const ctp = costs.truePositive ?? 0;
  const ctn = costs.trueNegative ?? 0;
  for (const [name, v] of [['falsePositive', cfp], ['falseNegative', cfn], ['truePositive', ctp], ['trueNegative', ctn]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidInput(`thresholdForCost: costs.${name} must be a finite number, got ${String(v)}.`, { argument: name });
  }
  const c = candidates(yTrue, yScore, options, 'thresholdForCost', false);
  const cost = (tp: number, fp: number): number => fp * cfp + (c.pos - tp) * cfn + tp * ctp + (c.neg - fp) * ctn;
  let best = -1;
  let bestCost = cost(0, 0);
  for (let k = 0; k < c.curve.tps.length; k++) {
    const v = cost(c.curve.tps[k], c.curve.fps[k]);
    if (v < bestCost) {
      bestCost = v;
      best = k;
    }
  }
  return { ...choiceAt(c, best), cost: bestCost };
}
