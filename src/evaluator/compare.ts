/**
 * Paired comparison of two models evaluated on the same test rows: is the candidate
 * better than the champion, or only luckier on this test set?
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { Seed } from '../random';
import { bootstrapSettings, type BootstrapSettings, runBootstrap } from './bootstrap';
import { metricInfo, type MetricInfo } from './catalog';
import type { EvaluationReport } from './report';
import { percentileSorted } from '../math/summary';
import { mcnemarTest } from './stats';
import { type EvalData, prepareSuite } from './suite';

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Metrics to compare (default: every metric both reports hold). */
  metrics?: readonly string[];
  /** Paired bootstrap resamples (default 1000). */
  resamples?: number;
  /** Confidence of the intervals; `1 - confidence` is the significance level (default 0.95). */
  confidence?: number;
  /** Seed of the paired bootstrap (default 42). */
  seed?: Seed;
}

/** The comparison of one metric. */
export interface MetricComparison {
  /** Metric name. */
  metric: string;
  /** `mcnemar-exact` / `mcnemar-chi-square` for accuracy, `paired-bootstrap` otherwise. */
  test: 'mcnemar-exact' | 'mcnemar-chi-square' | 'paired-bootstrap';
  /** Candidate's value on the test set. */
  candidate: number | null;
  /** Champion's value. */
  champion: number | null;
  /** `candidate - champion`. */
  difference: number | null;
  /** Bootstrap interval of the difference (for accuracy too, from the same resamples). */
  interval: { lower: number; upper: number } | null;
  /** Two-sided p-value of "no difference". */
  pValue: number | null;
  /** `pValue < 1 - confidence`. */
  significant: boolean;
  /** Which model is significantly better (by the metric's direction), or `none`. */
  better: 'candidate' | 'champion' | 'none';
  /** Whether larger values are better. */
  direction: MetricInfo['better'];
  /** One line for a person. */
  summary: string;
}

/** The result of {@link compare}. */
export interface Comparison {
  /** Rows compared. */
  rows: number;
  /** Fingerprint of the shared test data. */
  dataFingerprint: string;
  /** Confidence level used. */
  confidence: number;
  /** Per-metric results. */
  metrics: MetricComparison[];
  /** Metrics where the candidate is significantly better. */
  candidateBetter: string[];
  /** Metrics where the champion is significantly better. */
  championBetter: string[];
  /** One line per metric. */
  summary: string[];
}

function incompatible(message: string): never {
  throw new MlopsError('COMPARE_INCOMPATIBLE', message);
}

function pairedData(candidate: EvaluationReport, champion: EvaluationReport): [EvalData, EvalData] {
  if (candidate.task !== champion.task) incompatible(`compare: the candidate is a ${candidate.task} model and the champion a ${champion.task} model; only models of one task can be compared.`);
  if (candidate.data.fingerprint !== champion.data.fingerprint || candidate.data.rows !== champion.data.rows) {
    incompatible(
      `compare: the reports were evaluated on different data (fingerprints ${candidate.data.fingerprint.slice(0, 12)}… and ${champion.data.fingerprint.slice(0, 12)}…, ${candidate.data.rows} and ${champion.data.rows} rows). Evaluate both models on the same test set: a paired test needs the same rows.`,
    );
  }
  if (candidate.target !== champion.target) incompatible(`compare: the targets differ ("${candidate.target}" and "${champion.target}").`);
  const a = candidate.evalData();
  const b = champion.evalData();
  if (a === undefined || b === undefined) {
    incompatible(`compare: the ${a === undefined ? 'candidate' : 'champion'} report holds no predictions; evaluate with keepPredictions: true (the default) to compare.`);
  }
  if ((a.weights === undefined) !== (b.weights === undefined) || (a.weights !== undefined && a.weights.some((v, i) => v !== b.weights![i]))) {
    incompatible('compare: the reports use different sample weights; evaluate both with the same sampleWeight column.');
  }
  if (candidate.task !== 'regression') {
    const ca = candidate.classes!.map(String);
    const cb = champion.classes!.map(String);
    for (let i = 0; i < a.n; i++) {
      if (ca[a.y[i]] !== cb[b.y[i]]) incompatible(`compare: the true labels differ at row ${i} (${ca[a.y[i]]} and ${cb[b.y[i]]}); the reports do not describe the same rows.`);
    }
  } else {
    for (let i = 0; i < a.n; i++) if (a.y[i] !== b.y[i]) incompatible(`compare: the true values differ at row ${i}; the reports do not describe the same rows.`);
  }
  return [a, b];
}

function correct(d: EvalData): Uint8Array {
  const out = new Uint8Array(d.n);
  const k = d.width;
  for (let i = 0; i < d.n; i++) {
    let pred: number;
    if (d.task === 'binary') pred = d.output[i] >= d.threshold ? 1 : 0;
    else {
      pred = 0;
      for (let j = 1; j < k; j++) if (d.output[i * k + j] > d.output[i * k + pred]) pred = j;
    }
    out[i] = pred === d.y[i] ? 1 : 0;
  }
  return out;
}

const fmt = (v: number | null): string => (v === null ? 'undefined' : Number(v.toPrecision(4)).toString());

/**
 * Compares a candidate with the champion on the same test rows, metric by metric, with
 * paired tests: McNemar's test for accuracy (exact binomial when fewer than 25 rows
 * disagree, chi-square with continuity correction otherwise, as statsmodels), and a
 * paired bootstrap for every other metric (both models scored on the same resampled
 * rows; the p-value is the two-sided share of resampled differences on the other side
 * of zero). A difference is significant when `pValue < 1 - confidence`.
 *
 * Both reports need their predictions (the default) and the same data fingerprint.
 * McNemar counts rows, ignoring sample weights.
 *
 * @throws MlopsError `COMPARE_INCOMPATIBLE` when the reports are of different tasks or
 * data, or lack predictions.
 * @example
 * ```ts
 * const result = await compare(candidateReport, championReport);
 * result.summary; // ['rocAuc: 0.912 vs 0.897, +0.015 [0.004, 0.026], p = 0.008: candidate better', ...]
 * ```
 */
export async function compare(candidate: EvaluationReport, champion: EvaluationReport, options: CompareOptions = {}): Promise<Comparison> {
  const [a, b] = pairedData(candidate, champion);
  const settings: BootstrapSettings = bootstrapSettings({ resamples: options.resamples, confidence: options.confidence, seed: options.seed });
  const available = candidate.metricNames.filter((n) => n in champion.metrics);
  const names = options.metrics ?? available;
  const unknown = names.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    throw new MlopsError('INVALID_ARGUMENT', `compare: unknown metric${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; both reports hold: ${available.join(', ')}.`, { details: { unknown, available } });
  }
  const suiteA = prepareSuite(a);
  const suiteB = prepareSuite(b);
  const diffs: Record<string, Float64Array> = {};
  for (const n of names) diffs[n] = new Float64Array(settings.resamples);
  await runBootstrap([suiteA, suiteB], a.n, settings, (r, [ma, mb]) => {
    for (const n of names) diffs[n][r] = ma[n] - mb[n];
  });
  const alpha = 1 - settings.confidence;
  const results = names.map((name): MetricComparison => {
    const info = metricInfo(candidate.task, name)!;
    const ca = candidate.metrics[name];
    const cb = champion.metrics[name];
    const difference = ca === null || cb === null ? null : ca - cb;
    const valid = diffs[name].filter((v) => !Number.isNaN(v)).sort();
    const interval = valid.length >= 2 ? { lower: percentileSorted(valid, (100 * alpha) / 2), upper: percentileSorted(valid, 100 * (1 - alpha / 2)) } : null;
    let pValue: number | null;
    let test: MetricComparison['test'];
    if (info.test === 'mcnemar') {
      const ka = correct(a);
      const kb = correct(b);
      let onlyA = 0;
      let onlyB = 0;
      for (let i = 0; i < a.n; i++) {
        if (ka[i] && !kb[i]) onlyA++;
        else if (!ka[i] && kb[i]) onlyB++;
      }
      const m = mcnemarTest(onlyA, onlyB);
      pValue = m.pValue;
      test = m.method === 'exact' ? 'mcnemar-exact' : 'mcnemar-chi-square';
    } else {
      test = 'paired-bootstrap';
      if (valid.length === 0 || difference === null) pValue = null;
      else {
        let le = 0;
        let ge = 0;
        for (const v of valid) {
          if (v <= 0) le++;
          if (v >= 0) ge++;
        }
        pValue = Math.min(1, (2 * (Math.min(le, ge) + 1)) / (valid.length + 1));
      }
    }
    const significant = pValue !== null && difference !== null && pValue < alpha && difference !== 0;
    const better = !significant ? 'none' : (difference! > 0) === (info.better === 'higher') ? 'candidate' : 'champion';
    const summary = `${name}: ${fmt(ca)} vs ${fmt(cb)}, ${difference === null ? 'no difference computable' : `${difference >= 0 ? '+' : ''}${fmt(difference)}`}${
      interval ? ` [${fmt(interval.lower)}, ${fmt(interval.upper)}]` : ''
    }${pValue === null ? '' : `, p = ${fmt(pValue)}`}: ${better === 'none' ? 'no significant difference' : `${better} significantly better`} (${test})`;
    return { metric: name, test, candidate: ca, champion: cb, difference, interval, pValue, significant, better, direction: info.better, summary };
  });
  return {
    rows: a.n,
    dataFingerprint: candidate.data.fingerprint,
    confidence: settings.confidence,
    metrics: results,
    candidateBetter: results.filter((r) => r.better === 'candidate').map((r) => r.metric),
    championBetter: results.filter((r) => r.better === 'champion').map((r) => r.metric),
    summary: results.map((r) => r.summary),
  };
}
