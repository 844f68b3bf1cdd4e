import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { Dataset } from '../../src/dataset/dataset';
import { DriftMonitor } from '../../src/monitor/monitor';
import { createDriftMetrics } from '../../src/monitor/prometheus';
import { createRng } from '../../src/random';
import { MlopsError } from '../../src/errors';

const rng = createRng(4);
const data = (n: number, shift: number): Dataset =>
  Dataset.fromColumns({
    amount: Float64Array.from({ length: n }, () => rng.normal() + shift),
    channel: Array.from({ length: n }, () => ['web', 'app'][rng.int(2)]),
  });

function value(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  if (found === undefined) throw new Error(`no sample ${line} in:\n${text}`);
  return Number(found.slice(line.length + 1));
}

describe('mlops-kit/monitor/prometheus', () => {
  it('exposes the latest check through a real prom-client registry', async () => {
    const monitor = new DriftMonitor({
      reference: data(5000, 0).profile(),
      window: { type: 'count', size: 2000 },
      performance: { baseline: { accuracy: 0.9 } },
    });
    const registry = new Registry();
    const metrics = createDriftMetrics(monitor, { registry, labels: { model: 'fraud' } });
    // Before any check: only the row counter has a value.
    expect(value(await registry.metrics(), 'mlops_rows_observed_total{model="fraud"}')).toBe(0);

    const labels = Array.from({ length: 2000 }, (_, i) => i % 2);
    monitor.observe(data(2000, 1), { predictions: labels.map((y, i) => (i % 4 === 0 ? 1 - y : y)), labels });
    const report = monitor.check();
    const text = await registry.metrics();
    expect(text).toContain('# TYPE mlops_drift_score gauge');
    expect(text).toContain('# TYPE mlops_rows_observed_total counter');
    expect(value(text, 'mlops_drift_score{model="fraud",feature="amount",effect_size="normalized-wasserstein"}')).toBeCloseTo(report.feature('amount')!.effectSize!.value, 12);
    expect(value(text, 'mlops_feature_drifted{model="fraud",feature="amount"}')).toBe(1);
    expect(value(text, 'mlops_feature_drifted{model="fraud",feature="channel"}')).toBe(0);
    expect(value(text, 'mlops_drifted_share{model="fraud"}')).toBe(0.5);
    expect(value(text, 'mlops_dataset_drifted{model="fraud"}')).toBe(1);
    expect(value(text, 'mlops_missing_rate{model="fraud",feature="amount",window="current"}')).toBe(0);
    expect(value(text, 'mlops_window_rows{model="fraud"}')).toBe(2000);
    expect(value(text, 'mlops_rows_observed_total{model="fraud"}')).toBe(2000);
    expect(value(text, 'mlops_performance_metric{model="fraud",metric="accuracy"}')).toBeCloseTo(0.75, 12);
    expect(value(text, 'mlops_performance_baseline{model="fraud",metric="accuracy"}')).toBe(0.9);
    expect(value(text, 'mlops_performance_decayed{model="fraud",metric="accuracy"}')).toBe(1);
    expect(value(text, 'mlops_drift_p_value{model="fraud",feature="amount",test="ks"}')).toBeLessThan(1e-6);
    // The counter is monotonic across scrapes.
    monitor.observe(data(10, 0));
    expect(value(await registry.metrics(), 'mlops_rows_observed_total{model="fraud"}')).toBe(2010);
    metrics.remove();
    expect(await registry.metrics()).toBe('\n');
  });

  it('uses a custom prefix and rejects an invalid one', () => {
    const monitor = new DriftMonitor({ reference: data(100, 0).profile() });
    const registry = new Registry();
    const m = createDriftMetrics(monitor, { registry, prefix: 'svc_' });
    expect(m.names).toContain('svc_drift_score');
    expect(() => createDriftMetrics(monitor, { registry, prefix: 'bad-prefix' })).toThrow(/prefix/);
  });

  it('refuses names already registered without registering any, and says how to fix it', async () => {
    const monitor = new DriftMonitor({ reference: data(100, 0).profile() });
    const registry = new Registry();
    createDriftMetrics(monitor, { registry });
    const before = await registry.metrics();
    let error: unknown;
    try {
      createDriftMetrics(monitor, { registry, labels: { model: 'other' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MlopsError);
    expect((error as MlopsError).code).toBe('INVALID_ARGUMENT');
    expect((error as MlopsError).message).toMatch(/already registered.*prefix/);
    expect(await registry.metrics()).toBe(before);
    expect(createDriftMetrics(monitor, { registry, prefix: 'other_' }).names).toContain('other_drift_score');
  });
});
