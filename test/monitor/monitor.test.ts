import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { DriftMonitor } from '../../src/monitor/monitor';
import { createRng } from '../../src/random';
import { MlopsError } from '../../src/errors';

const rng = createRng(99);
const COUNTRIES = ['FR', 'DE', 'US', 'IT'];

function table(n: number, shift = 0, options: { countryWeights?: number[]; missingAmount?: number } = {}): Dataset {
  const amount = new Float64Array(n);
  const score = new Float64Array(n);
  const country: (string | null)[] = [];
  const w = options.countryWeights ?? [0.4, 0.3, 0.2, 0.1];
  for (let i = 0; i < n; i++) {
    amount[i] = rng.next() < (options.missingAmount ?? 0) ? NaN : Math.exp(rng.normal() * 0.5 + 3 + shift);
    score[i] = rng.normal();
    const u = rng.next();
    let acc = 0;
    let c = COUNTRIES.length - 1;
    for (let k = 0; k < w.length; k++) {
      acc += w[k];
      if (u < acc) {
        c = k;
        break;
      }
    }
    country.push(COUNTRIES[c]);
  }
  return Dataset.fromColumns({ amount, score, country }, { nonFinite: 'missing' });
}

const referenceData = table(20_000);
const reference = referenceData.profile();

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof MlopsError ? e.code : `not-mlops: ${String(e)}`;
  }
  return undefined;
}

describe('DriftMonitor: the decision rule', () => {
  it('does not flag a window drawn from the reference distribution', () => {
    const m = new DriftMonitor({ reference, window: { type: 'count', size: 20_000 } });
    m.observe(table(20_000));
    const r = m.check();
    expect(r.status).toBe('ok');
    expect(r.window.complete).toBe(true);
    expect(r.window.rows).toBe(20_000);
    expect(r.driftedFeatures).toEqual([]);
    expect(r.drifted).toBe(false);
    for (const f of r.features) {
      expect(f.status).toBe('ok');
      expect(f.effectSize!.value).toBeLessThan(f.effectSize!.threshold);
    }
    expect(r.feature('amount')!.test!.method).toBe('sketch');
    expect(r.feature('country')!.test!.name).toBe('chi-square');
  });

  it('flags shifted features and names them; the dataset verdict follows the drifted share', () => {
    const m = new DriftMonitor({ reference, window: { type: 'count', size: 10_000 } });
    m.observe(table(10_000, 0.3, { countryWeights: [0.1, 0.2, 0.3, 0.4] }));
    const r = m.check();
    expect(r.driftedFeatures.sort()).toEqual(['amount', 'country']);
    expect(r.driftShare).toBeCloseTo(2 / 3, 12);
    expect(r.drifted).toBe(true);
    const amount = r.feature('amount')!;
    expect(amount.effectSize!.name).toBe('normalized-wasserstein');
    expect(amount.effectSize!.value).toBeGreaterThan(0.1);
    expect(amount.test!.adjustedPValue).toBeLessThan(0.05);
    expect(amount.current.mean!).toBeGreaterThan(amount.reference.mean!);
    expect(r.feature('country')!.effectSize!.name).toBe('jensen-shannon');
    // Share threshold above 2/3: no dataset verdict, features still named.
    const strict = new DriftMonitor({ reference, window: { type: 'count', size: 10_000 }, thresholds: { driftShare: 0.9 } });
    strict.observe(table(10_000, 0.3, { countryWeights: [0.1, 0.2, 0.3, 0.4] }));
    expect(strict.check().drifted).toBe(false);
  });

  it('does not flag a tiny shift at large n although its p-value is tiny (the p-value-at-large-n failure)', () => {
    const big = new DriftMonitor({ reference, window: { type: 'count', size: 200_000 } });
    for (let i = 0; i < 10; i++) big.observe(table(20_000, 0.03));
    const amount = big.check().feature('amount')!;
    expect(amount.test!.pValue).toBeLessThan(1e-6); // "significant"
    expect(amount.effectSize!.value).toBeLessThan(0.1); // but small
    expect(amount.distributionDrifted).toBe(false);
    // The same shift is drifted under a p-value-only rule: the failure the default avoids.
    const pOnly = new DriftMonitor({ reference, window: { type: 'count', size: 200_000 }, thresholds: { rule: 'p-value' } });
    for (let i = 0; i < 10; i++) pOnly.observe(table(20_000, 0.03));
    expect(pOnly.check().feature('amount')!.distributionDrifted).toBe(true);
  });

  it('does not flag a large but noisy difference on a small window (the p-value guards small samples)', () => {
    const m = new DriftMonitor({ reference, window: { type: 'count', size: 40 } });
    m.observe(table(40, 0.05));
    const amount = m.check().feature('amount')!;
    expect(amount.status).toBe('ok');
    expect(amount.distributionDrifted).toBe(false);
  });

  it('uses the exact scipy-compatible KS test when both sides fit in their sketches', () => {
    const smallRef = table(300).profile();
    const m = new DriftMonitor({ reference: smallRef, window: { type: 'count', size: 100 } });
    m.observe(table(100, 1));
    const amount = m.check().feature('amount')!;
    expect(['exact', 'asymp']).toContain(amount.test!.method);
    expect(amount.test!.statisticError).toBeUndefined();
    expect(amount.distributionDrifted).toBe(true);
  });

  it('honours every threshold: effect size choice, per-feature overrides, correction and alpha', () => {
    const m = new DriftMonitor({
      reference,
      window: { type: 'count', size: 10_000 },
      thresholds: {
        numeric: { effectSize: 'psi' },
        categorical: { effectSize: 'psi', threshold: 0.5 },
        features: { score: { effectSize: 'ks', threshold: 0.5 } },
        correction: 'bonferroni',
        alpha: 0.01,
      },
    });
    m.observe(table(10_000, 0.3, { countryWeights: [0.1, 0.2, 0.3, 0.4] }));
    const r = m.check();
    expect(r.feature('amount')!.effectSize).toMatchObject({ name: 'psi', threshold: 0.2 });
    expect(r.feature('score')!.effectSize).toMatchObject({ name: 'ks', threshold: 0.5 });
    const country = r.feature('country')!;
    expect(country.effectSize).toMatchObject({ name: 'psi', threshold: 0.5 });
    expect(country.effectSize!.value).toBe(country.metrics.psi);
    expect(r.rule).toMatchObject({ correction: 'bonferroni', alpha: 0.01 });
    const pValues = r.features.map((f) => f.test!.pValue);
    r.features.forEach((f) => expect(f.test!.adjustedPValue).toBeCloseTo(Math.min(1, f.test!.pValue * pValues.length), 12));
    expect(codeOf(() => new DriftMonitor({ reference, thresholds: { alpha: 2 } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new DriftMonitor({ reference, thresholds: { numeric: { effectSize: 'jensen-shannon' as never } } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new DriftMonitor({ reference, thresholds: { rule: 'maybe' as never } }))).toBe('INVALID_ARGUMENT');
  });
});

describe('DriftMonitor: options are checked at construction', () => {
  it('rejects per-feature overrides for unmonitored features or of the wrong kind, and bad performance options', () => {
    expect(codeOf(() => new DriftMonitor({ reference, thresholds: { features: { amout: { threshold: 0.2 } } } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new DriftMonitor({ reference, thresholds: { features: { country: { effectSize: 'ks' } } } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new DriftMonitor({ reference, thresholds: { features: { amount: { effectSize: 'jensen-shannon' } } } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new DriftMonitor({ reference, thresholds: { features: { amount: { effectSize: 'ks' }, prediction: { threshold: 0.3 } } } }))).toBeUndefined();
    for (const performance of [{ confidence: 95 }, { threshold: 1.5 }, { minLabels: -1 }, { tolerance: -0.1 }, { tolerance: { accuracy: NaN } }, { baseline: { accuracy: '0.9' as never } }, { task: 'ranking' as never }]) {
      expect(codeOf(() => new DriftMonitor({ reference, performance }))).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('DriftMonitor: missing values and bad input', () => {
  it('treats a missing-rate change as a signal of its own', () => {
    const m = new DriftMonitor({ reference, window: { type: 'count', size: 10_000 } });
    m.observe(table(10_000, 0, { missingAmount: 0.2 }));
    const amount = m.check().feature('amount')!;
    expect(amount.missing.referenceRate).toBe(0);
    expect(amount.missing.currentRate).toBeGreaterThan(0.15);
    expect(amount.missing.pValue).toBeLessThan(1e-10);
    expect(amount.missing.drifted).toBe(true);
    expect(amount.distributionDrifted).toBe(false);
    expect(amount.drifted).toBe(true);
  });

  it('handles a batch missing a reference column, all-NaN columns, unreadable cells and new categories without throwing', () => {
    const m = new DriftMonitor({ reference, window: { type: 'count', size: 1000 } });
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      amount: i % 2 === 0 ? 'abc' : 'NaN', // half unreadable, half missing: nothing usable
      country: i % 10 === 0 ? 'XX' : COUNTRIES[i % 4],
      // score absent from every row
    }));
    m.observe(rows);
    const r = m.check();
    const amount = r.feature('amount')!;
    expect(amount.status).toBe('errored');
    expect(amount.reason).toMatch(/could be read/);
    expect(amount.invalid).toBe(500);
    expect(amount.notes.join(' ')).toMatch(/"abc"/);
    const score = r.feature('score')!;
    expect(score.status).toBe('no-data');
    expect(score.reason).toMatch(/absent from every row/);
    expect(score.missing.currentRate).toBe(1);
    expect(score.missing.drifted).toBe(true);
    const country = r.feature('country')!;
    expect(country.status).toBe('ok');
    expect(country.newCategories).toEqual(['XX']);
    expect(r.erroredFeatures).toEqual(['amount']);
    // The errored feature is left out of the share: 2 features evaluated, both drifted.
    expect(r.driftShare).toBe(1);
  });

  it('documents the constant-column rule for the normalised Wasserstein distance', () => {
    const constRef = Dataset.fromColumns({ c: new Float64Array(500).fill(3) }).profile();
    const same = new DriftMonitor({ reference: constRef, window: { type: 'count', size: 100 } });
    same.observe(Dataset.fromColumns({ c: new Float64Array(100).fill(3) }));
    const s = same.check().feature('c')!;
    expect(s.effectSize!.value).toBe(0);
    expect(s.drifted).toBe(false);
    const moved = new DriftMonitor({ reference: constRef, window: { type: 'count', size: 100 } });
    moved.observe(Dataset.fromColumns({ c: new Float64Array(100).fill(4) }));
    const r = moved.check();
    const c = r.feature('c')!;
    expect(c.effectSize!.value).toBe(Infinity);
    expect(c.drifted).toBe(true);
    expect(r.toJSON().features[0].effectSize!.value).toBeNull(); // JSON cannot hold Infinity
    const spread = new DriftMonitor({ reference: constRef, window: { type: 'count', size: 100 } });
    spread.observe(Dataset.fromColumns({ c: Float64Array.from({ length: 100 }, (_, i) => 3 + (i % 10) / 10) }));
    const sp = spread.check().feature('c')!;
    expect(sp.notes.join(' ')).toMatch(/divided by the current std/);
    expect(Number.isFinite(sp.effectSize!.value)).toBe(true);
  });

  it('marks a column errored when the reference has no value for it, and keeps checking the others', () => {
    const ref = Dataset.fromColumns({ a: [null, null, null], b: [1, 2, 3] }, { schema: { a: 'number' } }).profile();
    const m = new DriftMonitor({ reference: ref, window: { type: 'count', size: 10 }, thresholds: { minSamples: 2 } });
    m.observe([{ a: 1, b: 2 }, { a: 2, b: 3 }, { a: 3, b: 1 }]);
    const r = m.check();
    expect(r.feature('a')!.status).toBe('errored');
    expect(r.feature('b')!.status).toBe('ok');
  });

  it('reports insufficient data below minSamples', () => {
    const m = new DriftMonitor({ reference, window: { type: 'count', size: 100 } });
    m.observe(table(10));
    const f = m.check().feature('amount')!;
    expect(f.status).toBe('insufficient-data');
    expect(f.drifted).toBe(false);
  });

  it('returns a documented empty report for an empty window', () => {
    const m = new DriftMonitor({ reference });
    const r = m.check();
    expect(r.status).toBe('no-data');
    expect(r.drifted).toBe(false);
    expect(r.features.every((f) => f.status === 'no-data')).toBe(true);
    expect(JSON.parse(JSON.stringify(r)).status).toBe('no-data');
  });

  it('rejects mismatched predictions, labels and timestamps with MONITOR_INVALID_INPUT and leaves its state unchanged', () => {
    const m = new DriftMonitor({ reference, window: { type: 'count', size: 100 } });
    const batch = table(10);
    m.observe(batch);
    const before = JSON.stringify(m.serialize());
    expect(codeOf(() => m.observe(batch, { predictions: [0.1, 0.2] }))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => m.observe(batch, { predictions: new Float64Array(10), labels: [1] }))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => m.observe(batch, { timestamps: new Float64Array(10) }))).toBe('MONITOR_INVALID_INPUT');
    // Epoch seconds instead of milliseconds are refused with a hint rather than silently dropped.
    const seconds = new Float64Array(batch.numRows).fill(1_700_000_000);
    expect(() => m.observe(batch, { timestamps: seconds })).toThrowError(expect.objectContaining({ code: 'MONITOR_INVALID_INPUT', message: expect.stringContaining('epoch seconds') }));
    expect(codeOf(() => m.observe([null as never]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => m.observe('rows' as never))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => m.observe(batch, { predictions: new Float64Array(10).fill(0.5), labels: Array(10).fill('maybe') }))).toBe('MONITOR_INVALID_INPUT');
    expect(JSON.stringify(m.serialize())).toBe(before);
    expect(codeOf(() => new DriftMonitor({ reference, features: ['nope'] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new DriftMonitor({ reference: { manifest: {} } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new DriftMonitor({ reference: { format: 'mlops-kit.profile', version: 3 } as never }))).toBe('MONITOR_INCOMPATIBLE');
  });
});

describe('DriftMonitor: windows', () => {
  it('tumbling count windows evaluate the last complete window', () => {
    const m = new DriftMonitor({ reference, window: { type: 'count', size: 1000 } });
    m.observe(table(500));
    let r = m.check();
    expect([r.window.complete, r.window.rows]).toEqual([false, 500]);
    m.observe(table(1000, 1)); // completes window 0 (500 reference-like + 500 shifted), starts window 1
    m.observe(table(300, 1));
    r = m.check();
    expect([r.window.complete, r.window.rows, r.window.rowsObserved]).toEqual([true, 1000, 1800]);
    m.observe(table(700, 1)); // completes window 1: all shifted
    r = m.check();
    expect(r.window.rows).toBe(1000);
    expect(r.feature('amount')!.current.count).toBe(1000);
    expect(r.feature('amount')!.drifted).toBe(true);
  });

  it('sliding count windows keep the last size rows at slide granularity, in bounded panes', () => {
    const m = new DriftMonitor({ reference, window: { type: 'count', size: 1000, slide: 250 } });
    for (let i = 0; i < 20; i++) m.observe(table(100));
    const r = m.check();
    expect(r.window).toMatchObject({ complete: true, rows: 1000, rowsObserved: 2000 });
    expect(m.serialize().panes.length).toBeLessThanOrEqual(5);
  });

  it('time windows follow the injected clock or the rows timestamps, and drop rows too old for any window', () => {
    let now = Date.UTC(2024, 0, 1, 10, 30);
    const m = new DriftMonitor({ reference, window: { type: 'time', size: '1h', slide: '15m' }, clock: () => now });
    m.observe(table(200)); // 10:30
    let r = m.check();
    expect(r.window.complete).toBe(false);
    expect(r.window.rows).toBe(200);
    now = Date.UTC(2024, 0, 1, 11, 40);
    const ts = Array.from({ length: 300 }, (_, i) => new Date(Date.UTC(2024, 0, 1, 11, 0) + i * 1000));
    m.observe(table(300), { timestamps: ts });
    m.observe(table(50), { timestamps: new Array(50).fill(Date.UTC(2024, 0, 1, 8, 0)) }); // far too old
    r = m.check();
    expect(r.window.complete).toBe(true);
    expect(r.window.start).toBe('2024-01-01T10:30:00.000Z');
    expect(r.window.end).toBe('2024-01-01T11:30:00.000Z');
    expect(r.window.rows).toBe(500);
    expect(r.window.lateRows).toBe(50);
    now = Date.UTC(2024, 0, 1, 14, 0); // traffic stopped: the window is empty
    expect(m.check().status).toBe('no-data');
    expect(m.serialize().panes.length).toBe(0);
    expect(codeOf(() => new DriftMonitor({ reference, window: { type: 'time', size: '1h', slide: '7m' } }))).toBe('INVALID_ARGUMENT');
    // Every slide keeps its own sketches: more than 1,000 panes is refused.
    expect(codeOf(() => new DriftMonitor({ reference, window: { type: 'count', size: 2_000_000, slide: 1000 } }))).toBe('INVALID_ARGUMENT');
    expect(new DriftMonitor({ reference, window: { type: 'count', size: 1_000_000, slide: 1000 } }).window.panes).toBe(1000);
    expect(codeOf(() => new DriftMonitor({ reference, window: { type: 'time', size: 'soon' } }))).toBe('INVALID_ARGUMENT');
  });

  it('reads timestamps from a batch column', () => {
    const now = Date.UTC(2024, 0, 1, 12, 0);
    const m = new DriftMonitor({ reference, window: { type: 'time', size: 3_600_000 }, clock: () => now });
    const rows = table(20).toRows().map((r, i) => ({ ...r, at: new Date(now - 30 * 60_000 - i * 1000).toISOString() }));
    m.observe(rows, { timestamps: 'at' });
    expect(m.check().window.rows).toBe(20);
  });
});
