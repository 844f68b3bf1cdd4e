/**
 * Promotion gates: the "Validate" step of a model's CI. A gate checks a report against
 * thresholds and against the production model, and says in plain words what failed.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { HEADLINE_METRICS, metricInfo } from './catalog';
import type { EvaluationReport, MetricValues, SliceReport } from './report';

/** Lower and upper limits per metric. */
export interface Limits {
  /** The metric must be at least this. */
  min?: Record<string, number>;
  /** The metric must be at most this. */
  max?: Record<string, number>;
}

/** Rules of a {@link gate}. */
export interface GateRules extends Limits {
  /**
   * The report of the model in production, evaluated on the same test data: the
   * candidate may not be worse on any of `notWorseMetrics` by more than `tolerance`.
   */
  notWorseThan?: EvaluationReport;
  /**
   * Metrics checked against `notWorseThan` (default: the task's headline metrics,
   * {@link HEADLINE_METRICS}: rocAuc and averagePrecision for binary, accuracy and f1Macro
   * for multiclass, rmse and mae for regression).
   */
  notWorseMetrics?: readonly string[];
  /** Allowed shortfall against `notWorseThan`, absolute: one number or one per metric (default 0). */
  tolerance?: number | Record<string, number>;
  /**
   * Limits per slice: the key is a slice name (`country=DE`, a predicate's name), a
   * column sliced by value (`country`: every `country=...` slice), or `*` (every slice).
   */
  slices?: Record<string, Limits>;
  /** Slices with fewer rows are skipped (listed as skipped in `checks`). Default 1. */
  minSliceRows?: number;
  /**
   * What `min`/`max` compare: the point estimate (default) or the bootstrap interval's
   * pessimistic end (`min` against the lower bound, `max` against the upper), so a pass
   * means "at least this good with the report's confidence".
   */
  use?: 'estimate' | 'interval';
}

/** One evaluated rule. */
export interface GateCheck {
  /** `min`, `max` or `notWorseThan`. */
  rule: 'min' | 'max' | 'notWorseThan';
  /** Metric name. */
  metric: string;
  /** Slice name, for slice rules. */
  slice?: string;
  /** The value compared (`null` when undefined). */
  actual: number | null;
  /** The limit it was compared with (for `notWorseThan`: the champion's value with the tolerance applied). */
  limit: number;
  /** Whether it passed. */
  passed: boolean;
  /** True when the rule did not apply (a slice below `minSliceRows`). Skipped checks pass. */
  skipped?: boolean;
  /** One sentence. */
  message: string;
}

/** The verdict of a {@link gate}. */
export interface GateResult {
  /** True when every rule passed. */
  passed: boolean;
  /** One human-readable reason per failed rule. */
  reasons: string[];
  /** Every rule, passed or failed. */
  checks: GateCheck[];
}

function gateInvalid(message: string, details?: Record<string, unknown>): never {
  throw new MlopsError('GATE_INVALID', message, details === undefined ? {} : { details });
}

function checkLimits(limits: Limits | undefined, available: readonly string[], where: string): void {
  if (limits === undefined) return;
  if (typeof limits !== 'object' || limits === null) gateInvalid(`gate: ${where} must be an object like { min: { rocAuc: 0.9 } }.`);
  for (const kind of ['min', 'max'] as const) {
    const rules = limits[kind];
    if (rules === undefined) continue;
    if (typeof rules !== 'object' || rules === null) gateInvalid(`gate: ${where}.${kind} must map metric names to numbers.`);
    for (const [name, v] of Object.entries(rules)) {
      if (!available.includes(name)) {
        gateInvalid(`gate: unknown metric "${name}" in ${where}.${kind}. Metrics in this report: ${available.join(', ')}.`, { metric: name, available });
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) gateInvalid(`gate: ${where}.${kind}.${name} must be a finite number, got ${String(v)}.`, { metric: name });
    }
  }
}

const fmt = (v: number): string => Number(v.toPrecision(4)).toString();

function limitChecks(
  limits: Limits,
  metrics: MetricValues,
  intervals: SliceReport['intervals'],
  notes: Record<string, string>,
  use: 'estimate' | 'interval',
  slice: string | undefined,
): GateCheck[] {
  const out: GateCheck[] = [];
  const where = slice === undefined ? '' : ` on slice ${slice}`;
  for (const kind of ['min', 'max'] as const) {
    for (const [metric, limit] of Object.entries(limits[kind] ?? {})) {
      const interval = intervals[metric];
      const byInterval = use === 'interval';
      const actual = byInterval ? (interval ? (kind === 'min' ? interval.lower : interval.upper) : null) : (metrics[metric] ?? null);
      const what = byInterval ? `the ${kind === 'min' ? 'lower' : 'upper'} bound of ${metric}'s interval` : metric;
      const base = { rule: kind, metric, ...(slice !== undefined ? { slice } : {}), actual, limit };
      if (actual === null) {
        const why = byInterval && metrics[metric] !== null && metrics[metric] !== undefined ? 'no bootstrap interval (evaluate with bootstrap on)' : (notes[metric] ?? 'undefined');
        out.push({ ...base, passed: false, message: `${what}${where} is not available (${why}); the rule ${kind} ${fmt(limit)} cannot pass.` });
        continue;
      }
      const passed = kind === 'min' ? actual >= limit : actual <= limit;
      out.push({
        ...base,
        passed,
        message: passed
          ? `${what}${where} is ${fmt(actual)}, ${kind === 'min' ? 'at least' : 'at most'} ${fmt(limit)}.`
          : `${what}${where} is ${fmt(actual)}, ${kind === 'min' ? 'below the minimum' : 'above the maximum'} ${fmt(limit)}.`,
      });
    }
  }
  return out;
}

/**
 * Checks a report against promotion rules: minimum and maximum metric values overall and
 * per slice, and "not worse than the production model" within a tolerance.
 *
 * @throws MlopsError `GATE_INVALID` for a metric or slice name the report does not have
 * (the message lists what it has), a non-numeric limit, or a champion report of another
 * task or evaluated on other data.
 * @example
 * ```ts
 * const verdict = gate(report, {
 *   min: { rocAuc: 0.9, recall: 0.7 },
 *   max: { logLoss: 0.3 },
 *   notWorseThan: championReport,
 *   tolerance: 0.005,
 *   slices: { country: { min: { rocAuc: 0.85 } } },
 * });
 * if (!verdict.passed) { console.error(verdict.reasons.join('\n')); process.exit(1); }
 * ```
 */
export function gate(report: EvaluationReport, rules: GateRules): GateResult {
  if (typeof rules !== 'object' || rules === null) gateInvalid('gate: rules must be an object, e.g. { min: { rocAuc: 0.9 } }.');
  const known = new Set(['min', 'max', 'notWorseThan', 'notWorseMetrics', 'tolerance', 'slices', 'minSliceRows', 'use']);
  const extra = Object.keys(rules).filter((k) => !known.has(k));
  if (extra.length > 0) gateInvalid(`gate: unknown rule${extra.length > 1 ? 's' : ''} ${extra.join(', ')}; rules are: ${[...known].join(', ')}.`);
  const available = report.metricNames;
  const use = rules.use ?? 'estimate';
  if (use !== 'estimate' && use !== 'interval') gateInvalid(`gate: use must be 'estimate' or 'interval', got ${String(use)}.`);
  checkLimits(rules, available, 'rules');
  const checks: GateCheck[] = limitChecks(rules, report.metrics, report.intervals, report.notes, use, undefined);

  if (rules.notWorseThan !== undefined) checks.push(...notWorseChecks(report, rules));

  if (rules.slices !== undefined) {
    if (typeof rules.slices !== 'object' || rules.slices === null) gateInvalid('gate: slices must map slice names to { min, max }.');
    const minRows = rules.minSliceRows ?? 1;
    for (const [key, limits] of Object.entries(rules.slices)) {
      const matched = report.slices.filter((s) => key === '*' || s.name === key || s.column === key);
      if (matched.length === 0) {
        gateInvalid(`gate: no slice "${key}" in the report. Slices: ${report.slices.map((s) => s.name).join(', ') || '(none: evaluate with slices)'}.`, {
          slice: key,
          available: report.slices.map((s) => s.name),
        });
      }
      checkLimits(limits, available, `slices["${key}"]`);
      for (const s of matched) {
        if (s.rows < minRows) {
          for (const kind of ['min', 'max'] as const) {
            for (const [metric, limit] of Object.entries(limits[kind] ?? {})) {
              checks.push({ rule: kind, metric, slice: s.name, actual: s.metrics[metric] ?? null, limit, passed: true, skipped: true, message: `skipped on slice ${s.name}: ${s.rows} rows, fewer than minSliceRows ${minRows}.` });
            }
          }
          continue;
        }
        checks.push(...limitChecks(limits, s.metrics, s.intervals, s.notes, use, s.name));
      }
    }
  }
  const reasons = checks.filter((c) => !c.passed).map((c) => c.message);
  return { passed: reasons.length === 0, reasons, checks };
}

function notWorseChecks(report: EvaluationReport, rules: GateRules): GateCheck[] {
  const champion = rules.notWorseThan!;
  if (typeof champion !== 'object' || champion === null || typeof champion.metrics !== 'object') gateInvalid('gate: notWorseThan must be an EvaluationReport.');
  if (champion.task !== report.task) gateInvalid(`gate: notWorseThan is a ${champion.task} report but the candidate is ${report.task}.`);
  if (champion.data.fingerprint !== report.data.fingerprint) {
    gateInvalid(
      `gate: notWorseThan was evaluated on other data (fingerprint ${champion.data.fingerprint.slice(0, 12)}…, candidate ${report.data.fingerprint.slice(0, 12)}…). Evaluate the production model on the candidate's test set and gate against that report.`,
    );
  }
  const shared = report.metricNames.filter((n) => n in champion.metrics);
  const names = rules.notWorseMetrics ?? HEADLINE_METRICS[report.task].filter((n) => shared.includes(n));
  for (const n of names) if (!shared.includes(n)) gateInvalid(`gate: unknown metric "${n}" in notWorseMetrics. Metrics in both reports: ${shared.join(', ')}.`, { metric: n, available: shared });
  const tol = rules.tolerance ?? 0;
  if (typeof tol === 'number') {
    if (!(tol >= 0)) gateInvalid(`gate: tolerance must be >= 0, got ${tol}.`);
  } else if (typeof tol === 'object' && tol !== null) {
    for (const [n, v] of Object.entries(tol)) {
      if (!shared.includes(n)) gateInvalid(`gate: unknown metric "${n}" in tolerance. Metrics in both reports: ${shared.join(', ')}.`, { metric: n, available: shared });
      if (typeof v !== 'number' || !(v >= 0)) gateInvalid(`gate: tolerance.${n} must be a number >= 0, got ${String(v)}.`);
    }
  } else gateInvalid('gate: tolerance must be a number or an object of numbers per metric.');
  return names.map((metric): GateCheck => {
    const info = metricInfo(report.task, metric);
    const higher = info?.better !== 'lower';
    const t = typeof tol === 'number' ? tol : (tol[metric] ?? 0);
    const a = report.metrics[metric] ?? null;
    const b = champion.metrics[metric] ?? null;
    const limit = b === null ? NaN : higher ? b - t : b + t;
    const base = { rule: 'notWorseThan' as const, metric, actual: a, limit };
    if (a === null || b === null) {
      return { ...base, passed: false, message: `${metric} cannot be compared with the production model: it is undefined in the ${a === null ? 'candidate' : 'production'} report.` };
    }
    const passed = higher ? a >= limit : a <= limit;
    const diff = a - b;
    return {
      ...base,
      passed,
      message: passed
        ? `${metric} is ${fmt(a)} vs ${fmt(b)} in production (${diff >= 0 ? '+' : ''}${fmt(diff)}), within tolerance ${fmt(t)}.`
        : `${metric} is ${fmt(a)}, worse than production's ${fmt(b)} by ${fmt(Math.abs(diff))} (tolerance ${fmt(t)}; ${higher ? 'higher' : 'lower'} is better).`,
    };
  });
}
