/**
 * Prometheus metrics for a DriftMonitor, through prom-client (an optional peer
 * dependency: `npm install prom-client`). Import from `mlops-kit/monitor/prometheus`.
 *
 * Metrics read the monitor's latest report at scrape time, so a scrape never runs a
 * check: call `monitor.check()` on your schedule (a timer, a cron job).
 *
 * | metric (default prefix `mlops_`) | type | labels |
 * |---|---|---|
 * | `drift_score` | gauge: effect size of each feature | `feature`, `effect_size` |
 * | `drift_p_value` | gauge: corrected p-value of each feature's test | `feature`, `test` |
 * | `feature_drifted` | gauge 0/1: distribution or missing-rate drift | `feature` |
 * | `feature_errored` | gauge 0/1: the feature could not be tested | `feature` |
 * | `missing_rate` | gauge: missing-value rate | `feature`, `window` (`reference`/`current`) |
 * | `drifted_share` | gauge: share of drifted features | |
 * | `dataset_drifted` | gauge 0/1: the dataset-level verdict | |
 * | `prediction_drift_score` / `prediction_drifted` | gauges | |
 * | `window_rows` | gauge: rows in the checked window | |
 * | `rows_observed_total` | counter: rows observed | |
 * | `performance_metric` / `performance_baseline` | gauges | `metric` |
 * | `performance_decayed` | gauge 0/1 per metric | `metric` |
 * | `labelled_rows` | gauge: labelled rows in the window | |
 * | `last_check_timestamp_seconds` | gauge: time of the latest check | |
 *
 * Infinite effect sizes (two different constant columns) are exported as `+Inf`.
 *
 * @module
 */
import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';
import { MlopsError } from '../errors';
import type { DriftMonitor } from './monitor';

/** Options of {@link createDriftMetrics}. */
export interface DriftMetricsOptions {
  /** Registry to register into (default: prom-client's global registry). */
  registry?: Registry;
  /** Metric name prefix (default `'mlops_'`). */
  prefix?: string;
  /** Constant labels added to every metric, e.g. `{ model: 'fraud' }` to tell monitors apart. */
  labels?: Record<string, string>;
}

/** What {@link createDriftMetrics} returns. */
export interface DriftMetrics {
  /** The metric names registered. */
  readonly names: string[];
  /** Unregisters every metric. */
  remove(): void;
}

/**
 * Registers Prometheus metrics that expose a monitor's latest check.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { createDriftMetrics } from 'mlops-kit/monitor/prometheus';
 * const registry = new Registry();
 * createDriftMetrics(monitor, { registry, labels: { model: 'fraud' } });
 * setInterval(() => monitor.check(), 60_000);
 * // GET /metrics -> await registry.metrics()
 * ```
 */
export function createDriftMetrics(monitor: DriftMonitor, options: DriftMetricsOptions = {}): DriftMetrics {
  const registry = options.registry ?? defaultRegistry;
  const prefix = options.prefix ?? 'mlops_';
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${prefix}x`)) {
    throw new MlopsError('INVALID_ARGUMENT', `createDriftMetrics: prefix ${JSON.stringify(prefix)} is not a valid Prometheus metric name prefix.`);
  }
  const constant = options.labels ?? {};
  const constantNames = Object.keys(constant);
  // Gauges are defined first and registered together, after checking that no name is taken,
  // so a clash registers nothing (prom-client would throw half-way through).
  const gauges: { name: string; help: string; labelNames: string[]; collect: (g: Gauge<string>) => void }[] = [];
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge<string>) => void): void => {
    gauges.push({ name: prefix + name, help, labelNames, collect });
  };
  const set = (g: Gauge<string>, labels: Record<string, string>, value: number): void => g.set({ ...constant, ...labels }, value);
  const report = (): ReturnType<DriftMonitor['check']> | null => (monitor.lastReport?.status === 'ok' ? monitor.lastReport : null);

  gauge('drift_score', 'Effect size of each monitored feature in the latest drift check.', ['feature', 'effect_size'], (g) => {
    for (const f of report()?.features ?? []) if (f.effectSize) set(g, { feature: f.name, effect_size: f.effectSize.name }, f.effectSize.value);
  });
  gauge('drift_p_value', "Corrected p-value of each feature's drift test in the latest check.", ['feature', 'test'], (g) => {
    for (const f of report()?.features ?? []) if (f.test) set(g, { feature: f.name, test: f.test.name }, f.test.adjustedPValue);
  });
  gauge('feature_drifted', '1 when the feature drifted (distribution or missing rate) in the latest check.', ['feature'], (g) => {
    for (const f of report()?.features ?? []) set(g, { feature: f.name }, f.drifted ? 1 : 0);
  });
  gauge('feature_errored', '1 when the feature could not be tested in the latest check.', ['feature'], (g) => {
    for (const f of report()?.features ?? []) set(g, { feature: f.name }, f.status === 'errored' ? 1 : 0);
  });
  gauge('missing_rate', 'Missing-value rate of each feature, in the reference and in the checked window.', ['feature', 'window'], (g) => {
    for (const f of report()?.features ?? []) {
      if (f.missing.referenceRate !== null) set(g, { feature: f.name, window: 'reference' }, f.missing.referenceRate);
      if (f.missing.currentRate !== null) set(g, { feature: f.name, window: 'current' }, f.missing.currentRate);
    }
  });
  gauge('drifted_share', 'Share of monitored features that drifted in the latest check.', [], (g) => {
    const r = report();
    if (r) set(g, {}, r.driftShare);
  });
  gauge('dataset_drifted', '1 when the dataset-level drift verdict of the latest check is true.', [], (g) => {
    const r = report();
    if (r) set(g, {}, r.drifted ? 1 : 0);
  });
  gauge('prediction_drift_score', 'Effect size of the prediction drift in the latest check.', [], (g) => {
    const p = report()?.prediction;
    if (p?.effectSize) set(g, {}, p.effectSize.value);
  });
  gauge('prediction_drifted', '1 when the predictions drifted in the latest check.', [], (g) => {
    const p = report()?.prediction;
    if (p) set(g, {}, p.drifted ? 1 : 0);
  });
  gauge('window_rows', 'Rows in the window of the latest check.', [], (g) => {
    if (monitor.lastReport) set(g, {}, monitor.lastReport.window.rows);
  });
  gauge('performance_metric', 'Live model metrics over the labelled rows of the latest check.', ['metric'], (g) => {
    for (const m of monitor.lastReport?.performance?.metrics ?? []) set(g, { metric: m.name }, m.value);
  });
  gauge('performance_baseline', 'Baseline (training-time) value of each live metric.', ['metric'], (g) => {
    for (const m of monitor.lastReport?.performance?.metrics ?? []) if (m.baseline !== null) set(g, { metric: m.name }, m.baseline);
  });
  gauge('performance_decayed', '1 when the metric decayed significantly beyond its tolerance.', ['metric'], (g) => {
    for (const m of monitor.lastReport?.performance?.metrics ?? []) set(g, { metric: m.name }, m.decayed ? 1 : 0);
  });
  gauge('labelled_rows', 'Labelled rows in the window of the latest check.', [], (g) => {
    const p = monitor.lastReport?.performance;
    if (p) set(g, {}, p.labelled);
  });
  gauge('last_check_timestamp_seconds', 'Unix time of the latest drift check.', [], (g) => {
    if (monitor.lastReport) set(g, {}, Date.parse(monitor.lastReport.generatedAt) / 1000);
  });
  const names = [...gauges.map((g) => g.name), `${prefix}rows_observed_total`];
  const taken = names.filter((n) => registry.getSingleMetric(n) !== undefined);
  if (taken.length > 0) {
    throw new MlopsError(
      'INVALID_ARGUMENT',
      `createDriftMetrics: ${taken.join(', ')} ${taken.length > 1 ? 'are' : 'is'} already registered in this registry. Give each monitor its own prefix (prefix: 'fraud_') or registry, or call remove() on the previous metrics first.`,
    );
  }
  for (const g of gauges) {
    new Gauge({
      name: g.name,
      help: g.help,
      labelNames: [...constantNames, ...g.labelNames],
      registers: [registry],
      collect() {
        this.reset();
        g.collect(this);
      },
    });
  }
  let counted = 0;
  new Counter({
    name: `${prefix}rows_observed_total`,
    help: 'Rows observed by the drift monitor.',
    labelNames: constantNames,
    registers: [registry],
    collect() {
      this.inc(constant, Math.max(0, monitor.rowsObserved - counted));
      counted = Math.max(counted, monitor.rowsObserved);
    },
  });

  return {
    names,
    remove() {
      for (const n of names) registry.removeSingleMetric(n);
    },
  };
}
