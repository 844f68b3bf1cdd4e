/**
 * Performance decay: live metrics from predictions and their (possibly delayed) labels,
 * kept as mergeable counts and sums, compared with the model's baseline.
 *
 * - Classification: a confusion table (exact) gives accuracy with a Wilson interval;
 *   multiclass models also get macro F1 (`f1Macro`, as the Evaluator names it); binary
 *   models get precision and recall (Wilson), f1, and, from scores, ROC AUC
 *   (from two quantile sketches of the positive and negative scores, exact while they
 *   are exact, else within their rank errors; Hanley-McNeil interval), Brier score and
 *   log loss (normal intervals from running sums of squares).
 * - Regression: MAE, MSE and RMSE with normal intervals (from sums of |e|, e^2 and e^4),
 *   and R^2 (no interval).
 *
 * A metric has decayed when it is worse than the baseline by more than its tolerance AND
 * its confidence interval lies entirely on the worse side of the baseline. Metrics without
 * an interval (f1, f1Macro, r2) decay on the tolerance alone.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { ClassLabel, Task } from '../models/types';
import { QuantileSketch, type QuantileSketchJSON } from '../sketch/quantile-sketch';
import { MomentsSketch, type MomentsJSON } from '../sketch/moments-sketch';
import { normalQuantile } from '../math/special';
import { toleranceFor, type PerformanceOptions } from './options';

/** One live metric against its baseline. */
export interface MetricResult {
  /** Metric name (`accuracy`, `rocAuc`, `rmse`, ...), as the Evaluator names it. */
  name: string;
  /** Value over the labelled rows of the window. */
  value: number;
  /** Lower confidence bound (`null` when no interval is available). */
  lower: number | null;
  /** Upper confidence bound. */
  upper: number | null;
  /** How the interval was computed. */
  interval: 'wilson' | 'normal' | 'hanley-mcneil' | null;
  /** True when larger values are better. */
  higherIsBetter: boolean;
  /** Baseline value, when known. */
  baseline: number | null;
  /** `value - baseline`. */
  change: number | null;
  /** Largest tolerated worsening (absolute). */
  tolerance: number | null;
  /** Worse than baseline by more than the tolerance, significantly. */
  decayed: boolean;
}

const EPS = 2.220446049250313e-16;
const HIGHER_IS_BETTER = new Set(['accuracy', 'precision', 'recall', 'f1', 'f1Macro', 'rocAuc', 'r2']);
const SEP = '\u0001';
/** Distinct (label, prediction) pairs kept; beyond, new pairs are skipped (memory stays bounded). */
const MAX_CONFUSION_CELLS = 10_000;

/** Mergeable outcome counters for one window. @internal */
export class PerformanceState {
  /** Labelled rows. */
  n = 0;
  /** Rows whose label or prediction was missing. */
  skipped = 0;
  /** Classification: "actual SEP predicted" -> count. */
  confusion = new Map<string, number>();
  /** Binary scores of positive / negative rows. */
  pos: QuantileSketch | null = null;
  neg: QuantileSketch | null = null;
  /** [sum, sum of squares] of per-row Brier terms, log losses, |e| and e^2. */
  brier = [0, 0];
  logLoss = [0, 0];
  abs = [0, 0];
  sq = [0, 0];
  /** Regression targets (for R^2). */
  y = new MomentsSketch();

  constructor(
    readonly k: number,
    readonly seed: number,
  ) {}

  merge(o: PerformanceState): void {
    this.n += o.n;
    this.skipped += o.skipped;
    for (const [key, c] of o.confusion) this.confusion.set(key, (this.confusion.get(key) ?? 0) + c);
    if (o.pos) (this.pos ??= new QuantileSketch({ k: this.k, seed: this.seed })).merge(o.pos);
    if (o.neg) (this.neg ??= new QuantileSketch({ k: this.k, seed: this.seed + 1 })).merge(o.neg);
    for (const key of ['brier', 'logLoss', 'abs', 'sq'] as const) {
      this[key][0] += o[key][0];
      this[key][1] += o[key][1];
    }
    this.y.merge(o.y);
  }

  toJSON(): PerformanceStateJSON {
    return {
      n: this.n,
      skipped: this.skipped,
      confusion: [...this.confusion].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      pos: this.pos?.toJSON() ?? null,
      neg: this.neg?.toJSON() ?? null,
      brier: this.brier.slice(),
      logLoss: this.logLoss.slice(),
      abs: this.abs.slice(),
      sq: this.sq.slice(),
      y: this.y.toJSON(),
    };
  }

  static fromJSON(json: unknown, k: number, seed: number, what: string): PerformanceState {
    const bad = (why: string): MlopsError => new MlopsError('INVALID_ARGUMENT', `Invalid ${what}: ${why}.`);
    if (typeof json !== 'object' || json === null) throw bad('expected an object');
    const j = json as Partial<PerformanceStateJSON>;
    const s = new PerformanceState(k, seed);
    if (!Number.isSafeInteger(j.n) || !Number.isSafeInteger(j.skipped)) throw bad('n and skipped must be integers');
    s.n = j.n as number;
    s.skipped = j.skipped as number;
    if (!Array.isArray(j.confusion)) throw bad('confusion must be an array');
    for (const e of j.confusion) {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || !Number.isSafeInteger(e[1])) throw bad('confusion entries must be [string, integer]');
      s.confusion.set(e[0], e[1]);
    }
    if (j.pos) s.pos = QuantileSketch.fromJSON(j.pos, `${what} positive scores`);
    if (j.neg) s.neg = QuantileSketch.fromJSON(j.neg, `${what} negative scores`);
    for (const key of ['brier', 'logLoss', 'abs', 'sq'] as const) {
      const v = j[key];
      if (!Array.isArray(v) || v.length !== 2 || !v.every(Number.isFinite)) throw bad(`${key} must be two finite numbers`);
      s[key] = v.slice();
    }
    s.y = MomentsSketch.fromJSON(j.y, `${what} targets`);
    return s;
  }
}

/** JSON form of a {@link PerformanceState}. @internal */
export interface PerformanceStateJSON {
  n: number;
  skipped: number;
  confusion: [string, number][];
  pos: QuantileSketchJSON | null;
  neg: QuantileSketchJSON | null;
  brier: number[];
  logLoss: number[];
  abs: number[];
  sq: number[];
  y: MomentsJSON;
}

/** How predictions and labels are read. @internal */
export interface OutcomeSpec {
  task: Task;
  /** Binary: the positive class, as a string. */
  positive: string | null;
  threshold: number;
}

/** Predictions reduced to numbers (scores, values) and/or label strings. @internal */
export interface NormalizedPredictions {
  numeric: Float64Array | null;
  labels: (string | null)[] | null;
}

function labelString(v: unknown): string | null {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return null;
  return typeof v === 'string' ? v : String(v);
}

/** The positive class of a binary model when none was configured. @internal */
export function defaultPositive(labels: ArrayLike<unknown>, predictionClasses: readonly ClassLabel[] | undefined): string | null {
  if (predictionClasses !== undefined && predictionClasses.length === 2) return String(predictionClasses[1]);
  const seen = new Set<string>();
  for (let i = 0; i < labels.length && seen.size <= 2; i++) {
    const s = labelString(labels[i]);
    if (s !== null) seen.add(s);
  }
  if ([...seen].every((s) => s === '0' || s === '1')) return '1';
  if ([...seen].every((s) => s === 'true' || s === 'false')) return 'true';
  return null;
}

/** Adds a batch of outcomes. Lengths are checked by the caller. @internal */
export function addOutcomes(s: PerformanceState, spec: OutcomeSpec, preds: NormalizedPredictions, labels: ArrayLike<unknown>): void {
  const n = labels.length;
  if (spec.task === 'regression') {
    const p = preds.numeric;
    for (let i = 0; i < n; i++) {
      const y = typeof labels[i] === 'number' ? (labels[i] as number) : Number(labels[i]);
      const v = p ? p[i] : NaN;
      if (!Number.isFinite(y) || !Number.isFinite(v) || labels[i] === null || labels[i] === '') {
        s.skipped++;
        continue;
      }
      const e = v - y;
      s.n++;
      s.abs[0] += Math.abs(e);
      s.abs[1] += e * e;
      s.sq[0] += e * e;
      s.sq[1] += e * e * e * e;
      s.y.add(y);
    }
    return;
  }
  // Binary outcomes are stored as '1' (positive class) and '0', multiclass as labels.
  const binary = spec.task === 'binary';
  for (let i = 0; i < n; i++) {
    let actual = labelString(labels[i]);
    let predicted: string | null = preds.labels ? preds.labels[i] : null;
    const score = preds.numeric ? preds.numeric[i] : NaN;
    const hasScore = binary && score >= 0 && score <= 1;
    if (binary) {
      if (actual !== null) actual = actual === spec.positive ? '1' : '0';
      if (predicted !== null) predicted = predicted === spec.positive ? '1' : '0';
      else if (hasScore) predicted = score >= spec.threshold ? '1' : '0';
    }
    if (actual === null || predicted === null) {
      s.skipped++;
      continue;
    }
    const key = actual + SEP + predicted;
    const seen = s.confusion.get(key);
    if (seen === undefined && s.confusion.size >= MAX_CONFUSION_CELLS) {
      s.skipped++; // bounded memory: labels are not a small set of classes
      continue;
    }
    s.n++;
    s.confusion.set(key, (seen ?? 0) + 1);
    if (hasScore) {
      const y = actual === '1' ? 1 : 0;
      const sketch = y === 1 ? (s.pos ??= new QuantileSketch({ k: s.k, seed: s.seed })) : (s.neg ??= new QuantileSketch({ k: s.k, seed: s.seed + 1 }));
      sketch.update(score);
      const b = (score - y) * (score - y);
      s.brier[0] += b;
      s.brier[1] += b * b;
      const p = Math.min(Math.max(score, EPS), 1 - EPS);
      const ll = -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
      s.logLoss[0] += ll;
      s.logLoss[1] += ll * ll;
    }
  }
}

/** Wilson score interval for `k` successes out of `n`. @internal */
export function wilson(k: number, n: number, z: number): [number, number] {
  const p = k / n;
  const z2 = z * z;
  const center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** Normal interval for the mean of per-row values given their sum and sum of squares. */
function meanInterval(sum: number, sumSq: number, n: number, z: number): [number, number, number] {
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
  const half = z * Math.sqrt(variance / n);
  return [mean, mean - half, mean + half];
}

/** ROC AUC from the sketches of positive and negative scores (ties count one half). @internal */
export function sketchAuc(pos: QuantileSketch, neg: QuantileSketch): number {
  const P = pos.weighted();
  const N = neg.weighted();
  let j = 0;
  let below = 0;
  let total = 0;
  for (let i = 0; i < P.values.length; i++) {
    const v = P.values[i];
    while (j < N.values.length && N.values[j] < v) below += N.weights[j++];
    let equal = 0;
    for (let t = j; t < N.values.length && N.values[t] === v; t++) equal += N.weights[t];
    total += P.weights[i] * (below + equal / 2);
  }
  return total / (pos.n * neg.n);
}

/** Live metrics of a window with intervals and decay decisions. @internal */
export function performanceMetrics(s: PerformanceState, spec: OutcomeSpec, options: PerformanceOptions, baseline: Record<string, number>): MetricResult[] {
  const z = normalQuantile(1 - (1 - (options.confidence ?? 0.95)) / 2);
  const out: MetricResult[] = [];
  const push = (name: string, value: number, lower: number | null, upper: number | null, interval: MetricResult['interval']): void => {
    if (!Number.isFinite(value)) return;
    const higherIsBetter = HIGHER_IS_BETTER.has(name);
    const base = typeof baseline[name] === 'number' && Number.isFinite(baseline[name]) ? baseline[name] : null;
    const tolerance = base === null ? null : toleranceFor(name, base, options.tolerance);
    let decayed = false;
    if (base !== null && tolerance !== null) {
      decayed = higherIsBetter ? base - value > tolerance && (upper === null || upper < base) : value - base > tolerance && (lower === null || lower > base);
    }
    out.push({ name, value, lower, upper, interval, higherIsBetter, baseline: base, change: base === null ? null : value - base, tolerance, decayed });
  };
  const n = s.n;
  if (n === 0) return out;
  if (spec.task === 'regression') {
    const [mae, maeLo, maeHi] = meanInterval(s.abs[0], s.abs[1], n, z);
    const [mse, mseLo, mseHi] = meanInterval(s.sq[0], s.sq[1], n, z);
    push('mae', mae, Math.max(0, maeLo), maeHi, 'normal');
    push('mse', mse, Math.max(0, mseLo), mseHi, 'normal');
    push('rmse', Math.sqrt(mse), Math.sqrt(Math.max(0, mseLo)), Math.sqrt(mseHi), 'normal');
    if (s.y.m2 > 0) push('r2', 1 - s.sq[0] / s.y.m2, null, null, null);
    return out;
  }
  let correct = 0;
  const tp = new Map<string, number>();
  const actualCount = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  for (const [key, c] of s.confusion) {
    const [a, p] = key.split(SEP);
    if (a === p) {
      correct += c;
      tp.set(a, (tp.get(a) ?? 0) + c);
    }
    actualCount.set(a, (actualCount.get(a) ?? 0) + c);
    predictedCount.set(p, (predictedCount.get(p) ?? 0) + c);
  }
  const [accLo, accHi] = wilson(correct, n, z);
  push('accuracy', correct / n, accLo, accHi, 'wilson');
  if (spec.task === 'binary') {
    const t = tp.get('1') ?? 0;
    const predictedPos = predictedCount.get('1') ?? 0;
    const actualPos = actualCount.get('1') ?? 0;
    if (predictedPos > 0) push('precision', t / predictedPos, ...wilson(t, predictedPos, z), 'wilson');
    if (actualPos > 0) push('recall', t / actualPos, ...wilson(t, actualPos, z), 'wilson');
    if (predictedPos + actualPos > 0) push('f1', (2 * t) / (predictedPos + actualPos), null, null, null);
    if (s.pos && s.neg && s.pos.n > 0 && s.neg.n > 0) {
      const a = sketchAuc(s.pos, s.neg);
      const q1 = a / (2 - a);
      const q2 = (2 * a * a) / (1 + a);
      const np = s.pos.n;
      const nn = s.neg.n;
      const se = Math.sqrt(Math.max(0, (a * (1 - a) + (np - 1) * (q1 - a * a) + (nn - 1) * (q2 - a * a)) / (np * nn)));
      push('rocAuc', a, Math.max(0, a - z * se), Math.min(1, a + z * se), 'hanley-mcneil');
    }
    const scored = (s.pos?.n ?? 0) + (s.neg?.n ?? 0);
    if (scored > 0) {
      const [b, bLo, bHi] = meanInterval(s.brier[0], s.brier[1], scored, z);
      push('brier', b, Math.max(0, bLo), bHi, 'normal');
      const [l, lLo, lHi] = meanInterval(s.logLoss[0], s.logLoss[1], scored, z);
      push('logLoss', l, Math.max(0, lLo), lHi, 'normal');
    }
  } else if (spec.task === 'multiclass') {
    // Macro-averaged F1 over the classes seen as labels or predictions (the Evaluator's `f1Macro`).
    const classes = new Set([...actualCount.keys(), ...predictedCount.keys()]);
    let f1 = 0;
    for (const c of classes) {
      const t = tp.get(c) ?? 0;
      const denom = (predictedCount.get(c) ?? 0) + (actualCount.get(c) ?? 0);
      f1 += denom > 0 ? (2 * t) / denom : 0;
    }
    push('f1Macro', f1 / classes.size, null, null, null);
  }
  return out;
}
