import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { DriftMonitor, type MonitorState } from '../../src/monitor/monitor';
import { createRng } from '../../src/random';
import { MlopsError } from '../../src/errors';

const rng = createRng(8);
const START = Date.UTC(2024, 5, 1, 0, 0);

function rows(n: number, t0: number, shift: number): { batch: Record<string, unknown>[]; ts: number[]; predictions: number[]; labels: number[] } {
  const batch: Record<string, unknown>[] = [];
  const ts: number[] = [];
  const predictions: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = rng.next() < 0.2 ? 1 : 0;
    batch.push({
      amount: rng.next() < 0.05 ? null : Math.exp(rng.normal() * 0.7 + 3 + shift),
      hour: rng.int(24),
      channel: ['web', 'app', 'pos'][rng.int(3)],
      vip: rng.next() < 0.1,
    });
    ts.push(t0 + rng.int(3_600_000 * 3));
    predictions.push(Math.min(1, Math.max(0, 0.3 * y + rng.next() * 0.7)));
    labels.push(y);
  }
  return { batch, ts, predictions, labels };
}

const referenceRows = rows(5000, START, 0).batch;
const reference = Dataset.fromRows(referenceRows.map((r) => ({ ...r, label: rng.int(2) }))).profile();
const options = {
  reference,
  target: 'label',
  window: { type: 'time' as const, size: '3h', slide: '30m' },
  clock: () => START + 3 * 3_600_000 + 60_000,
};

describe('serialize / merge across processes', () => {
  it('eight monitors merged equal one monitor that saw the whole stream (exact counts, frequencies, moments; sketches within bounds)', () => {
    const single = new DriftMonitor(options);
    const parts = Array.from({ length: 8 }, () => new DriftMonitor(options));
    for (let b = 0; b < 40; b++) {
      const { batch, ts, predictions, labels } = rows(250, START, b > 20 ? 0.4 : 0);
      single.observe(batch, { timestamps: ts, predictions, labels });
      parts[b % 8].observe(batch, { timestamps: ts, predictions, labels });
    }
    // States travel as JSON (a queue, a blob store) before the aggregator merges them.
    const states: MonitorState[] = parts.map((p) => JSON.parse(JSON.stringify(p.serialize())));
    const merged = new DriftMonitor(options).merge(...states);
    expect(merged.rowsObserved).toBe(single.rowsObserved);

    const a = single.check();
    const b = merged.check();
    expect(b.window).toEqual(a.window);
    for (const fa of a.features) {
      const fb = b.feature(fa.name)!;
      expect(fb.status).toBe(fa.status);
      expect([fb.current.count, fb.current.missing, fb.current.min, fb.current.max]).toEqual([fa.current.count, fa.current.missing, fa.current.min, fa.current.max]);
      expect(fb.missing).toEqual(fa.missing);
      if (fa.kind === 'numeric') {
        expect(Math.abs(fb.current.mean! - fa.current.mean!)).toBeLessThanOrEqual(1e-12 * Math.abs(fa.current.mean!));
        expect(Math.abs(fb.current.std! - fa.current.std!)).toBeLessThanOrEqual(1e-9 * fa.current.std!);
        expect(Math.abs(fb.test!.statistic - fa.test!.statistic)).toBeLessThanOrEqual(fa.test!.statisticError! + fb.test!.statisticError!);
      } else {
        expect(fb.current.top).toEqual(fa.current.top);
        // Exact frequencies: the same test. (The adjusted p-value also depends on the other
        // features' p-values, which come from sketches and differ within their bounds.)
        expect({ ...fb.test, adjustedPValue: 0 }).toEqual({ ...fa.test, adjustedPValue: 0 });
        expect(fb.metrics).toEqual(fa.metrics);
      }
    }
    const pa = a.performance!;
    const pb = b.performance!;
    expect(pb.labelled).toBe(pa.labelled);
    for (const name of ['accuracy', 'precision', 'recall', 'brier', 'logLoss']) {
      const ma = pa.metrics.find((m) => m.name === name)!;
      const mb = pb.metrics.find((m) => m.name === name)!;
      expect(mb.value).toBeCloseTo(ma.value, 12);
    }
    expect(b.labels!.current.top).toEqual(a.labels!.current.top);
  });

  it('merging monitors directly equals merging their states, and a merged state restores a monitor', () => {
    const one = new DriftMonitor(options);
    const two = new DriftMonitor(options);
    const x = rows(300, START, 0);
    const y = rows(300, START, 0.2);
    one.observe(x.batch, { timestamps: x.ts });
    two.observe(y.batch, { timestamps: y.ts });
    const viaMonitors = new DriftMonitor(options).merge(one, two).serialize();
    const viaStates = new DriftMonitor(options).merge(one.serialize(), two.serialize()).serialize();
    expect(viaMonitors).toEqual(viaStates);
    const restored = new DriftMonitor(options).merge(viaStates);
    expect(restored.serialize()).toEqual(viaStates);
  });

  it('count windows merge newest pane with newest pane', () => {
    const opts = { reference, window: { type: 'count' as const, size: 200 } };
    const a = new DriftMonitor(opts);
    const b = new DriftMonitor(opts);
    a.observe(rows(450, START, 0).batch); // panes 0, 1 complete, 50 rows in pane 2
    b.observe(rows(230, START, 0).batch); // pane 0 complete, 30 rows in pane 1
    const m = new DriftMonitor(opts).merge(a, b);
    const r = m.check();
    expect(r.window.rows).toBe(400); // the newest complete window of each
    expect(m.rowsObserved).toBe(680);
  });

  it('count windows: merged partial panes that reach a slide close it, and later rows stay consistent', () => {
    const opts = { reference, window: { type: 'count' as const, size: 200 } };
    const a = new DriftMonitor(opts);
    const b = new DriftMonitor(opts);
    a.observe(rows(120, START, 0).batch);
    b.observe(rows(130, START, 0).batch); // 250 rows in the merged partial pane: more than a slide
    const m = new DriftMonitor(opts).merge(a, b);
    expect(m.serialize().count).toEqual({ current: 1, filled: 0 });
    m.observe(rows(50, START, 0).batch);
    const s = m.serialize();
    expect(s.count).toEqual({ current: 1, filled: 50 });
    expect(s.panes.map((p) => [p.key, p.rows])).toEqual([
      [0, 250],
      [1, 50],
    ]);
    for (const p of s.panes) for (const f of p.features) expect(f.rows).toBe(p.rows);
    expect(m.check().window).toMatchObject({ complete: true, rows: 250 });
  });

  it('monitors with their own seeds (independent coin flips) merge, also with a Dataset reference', () => {
    const data = Dataset.fromRows(referenceRows);
    const opts = (seed: number) => ({ reference: data, window: { type: 'count' as const, size: 2000 }, seed });
    const workers = [1, 2, 3].map((seed) => new DriftMonitor(opts(seed)));
    workers.forEach((w) => w.observe(rows(700, START, 0).batch));
    const merged = new DriftMonitor(opts(0)).merge(...workers.map((w) => w.serialize()));
    expect(merged.rowsObserved).toBe(2100);
    expect(merged.check().window.rows).toBe(2100);
  });

  it('validates outcome and prediction settings across all states before merging any', () => {
    const opts = { reference, target: 'label', window: { type: 'count' as const, size: 200 } };
    const binary = new DriftMonitor(opts);
    const x = rows(50, START, 0);
    binary.observe(x.batch, { predictions: x.predictions, labels: x.labels });
    const regression = new DriftMonitor({ ...opts, performance: { task: 'regression' } });
    regression.observe(x.batch, { predictions: x.predictions, labels: x.labels });
    const labelled = new DriftMonitor(opts);
    labelled.observe(x.batch, { predictions: x.labels.map(String), labels: x.labels });
    for (const others of [
      [binary, regression],
      [binary, labelled],
    ]) {
      const target = new DriftMonitor(opts);
      const before = JSON.stringify(target.serialize());
      let code: string | undefined;
      try {
        target.merge(...others);
      } catch (e) {
        code = e instanceof MlopsError ? e.code : 'not-mlops';
      }
      expect(code).toBe('MONITOR_INCOMPATIBLE');
      expect(JSON.stringify(target.serialize())).toBe(before);
      expect(target.rowsObserved).toBe(0);
    }
  });

  it('refuses states of another reference, window, feature set or version', () => {
    const m = new DriftMonitor(options);
    const s = m.serialize();
    const codeOf = (state: unknown): string | undefined => {
      try {
        new DriftMonitor(options).merge(state as MonitorState);
      } catch (e) {
        return e instanceof MlopsError ? e.code : 'not-mlops';
      }
      return undefined;
    };
    expect(codeOf(s)).toBeUndefined();
    expect(codeOf({ ...s, version: 2 })).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf({ ...s, reference: 'ffff' })).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf({ ...s, window: { ...s.window, size: 1 } })).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf({ ...s, features: s.features.slice(1) })).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf({ ...s, sketch: { ...s.sketch, k: 64 } })).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf({ ...s, format: 'other' })).toBe('INVALID_ARGUMENT');
    expect(codeOf(null)).toBe('INVALID_ARGUMENT');
    const x = rows(10, START, 0);
    m.observe(x.batch, { timestamps: x.ts });
    const full = m.serialize();
    const broken = structuredClone(full);
    broken.panes[0].features[0].rows += 1;
    expect(codeOf(broken)).toBe('INVALID_ARGUMENT');
    const other = new DriftMonitor({ ...options, features: ['amount'] });
    expect(() => other.merge(full)).toThrow(/other features/);
    // A failed merge changes nothing.
    const target = new DriftMonitor(options);
    const before = JSON.stringify(target.serialize());
    expect(() => target.merge(full, broken)).toThrow(MlopsError);
    expect(JSON.stringify(target.serialize())).toBe(before);
  });
});
