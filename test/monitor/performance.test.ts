import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Dataset } from '../../src/dataset/dataset';
import { DriftMonitor } from '../../src/monitor/monitor';
import { retrainWhen } from '../../src/monitor/retrain';
import type { DriftReport } from '../../src/monitor/report';
import { createRng } from '../../src/random';
import { MlopsError } from '../../src/errors';

const golden = JSON.parse(readFileSync(new URL('../fixtures/monitor/profile_performance_golden.json', import.meta.url), 'utf8'));
const rng = createRng(3);

function features(n: number, shift = 0): Dataset {
  const amount = Float64Array.from({ length: n }, () => rng.normal() + shift);
  const merchant = Array.from({ length: n }, () => ['a', 'b', 'c'][rng.int(3)]);
  return Dataset.fromColumns({ amount, merchant });
}

const training = features(5000).withColumn('is_fraud', Array.from({ length: 5000 }, () => (rng.next() < 0.1 ? 'yes' : 'no')));
const artifact = {
  manifest: {
    trainingData: { profile: JSON.parse(JSON.stringify(training.profile())) },
    target: 'is_fraud',
    task: 'binary' as const,
    metrics: { accuracy: 0.95, rocAuc: 0.97 },
  },
};

function metric(report: DriftReport, name: string) {
  return report.performance!.metrics.find((m) => m.name === name)!;
}

describe('performance metrics from mergeable counters match scikit-learn', () => {
  it('binary: accuracy (Wilson interval), precision, recall, f1, ROC AUC, Brier, log loss', () => {
    const g = golden.binary;
    const m = new DriftMonitor({ reference: training.profile(), window: { type: 'count', size: 1000 }, performance: { baseline: { accuracy: 0.9 } } });
    m.observe(features(g.labels.length), { predictions: g.scores, labels: g.labels });
    const r = m.check();
    expect(r.performance!.task).toBe('binary');
    expect(r.performance!.labelled).toBe(200);
    for (const name of ['accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'brier', 'logLoss']) expect(metric(r, name).value).toBeCloseTo(g[name], 12);
    const acc = metric(r, 'accuracy');
    expect(acc.interval).toBe('wilson');
    expect(acc.lower).toBeCloseTo(g.accuracyInterval[0], 8);
    expect(acc.upper).toBeCloseTo(g.accuracyInterval[1], 8);
    expect(acc.baseline).toBe(0.9);
    expect(metric(r, 'rocAuc').interval).toBe('hanley-mcneil');
  });

  it('multiclass: accuracy and macro f1 (named f1Macro, as the Evaluator names it)', () => {
    const g = golden.multiclass;
    const m = new DriftMonitor({ reference: training.profile(), window: { type: 'count', size: 1000 } });
    m.observe(features(200), { predictions: g.predictions, labels: g.labels });
    const r = m.check();
    expect(r.performance!.task).toBe('multiclass');
    expect(metric(r, 'accuracy').value).toBeCloseTo(g.accuracy, 12);
    expect(metric(r, 'f1Macro').value).toBeCloseTo(g.f1, 12);
  });

  it('binary: label metrics use the decision threshold of the artifact\'s stored evaluation', () => {
    const g = golden.binary;
    const at = (reference: object, performance?: object) => {
      const m = new DriftMonitor({ reference: reference as never, window: { type: 'count', size: 1000 }, ...(performance && { performance }) });
      m.observe(features(g.labels.length), { predictions: g.scores, labels: g.labels.map((y: number) => (y === 1 ? 'yes' : 'no')) });
      return metric(m.check(), 'accuracy').value;
    };
    const expected = (t: number): number => g.scores.filter((s: number, i: number) => (s >= t ? 1 : 0) === g.labels[i]).length / g.labels.length;
    const evaluated = { manifest: { ...artifact.manifest, metrics: undefined, evaluation: { metrics: { accuracy: 0.9 }, threshold: 0.3 } } };
    expect(at(evaluated)).toBeCloseTo(expected(0.3), 12);
    expect(at(evaluated, { threshold: 0.5 })).toBeCloseTo(expected(0.5), 12);
    expect(at(artifact)).toBeCloseTo(expected(0.5), 12);
    expect(expected(0.3)).not.toBeCloseTo(expected(0.5), 3);
  });

  it('multiclass: macro f1 is compared with the Evaluator\'s f1Macro baseline', () => {
    const g = golden.multiclass;
    const m = new DriftMonitor({ reference: training.profile(), window: { type: 'count', size: 1000 }, performance: { baseline: { f1Macro: g.f1 + 0.2 } } });
    m.observe(features(200), { predictions: g.predictions, labels: g.labels });
    const f1 = metric(m.check(), 'f1Macro');
    expect(f1.baseline).toBeCloseTo(g.f1 + 0.2, 12);
    expect(f1.decayed).toBe(true);
  });

  it('regression: mae, mse, rmse, r2', () => {
    const g = golden.regression;
    const m = new DriftMonitor({ reference: training.profile(), window: { type: 'count', size: 1000 }, performance: { task: 'regression' } });
    m.observe(features(200), { predictions: g.predictions, labels: g.labels });
    const r = m.check();
    for (const name of ['mae', 'mse', 'rmse', 'r2']) expect(metric(r, name).value).toBeCloseTo(g[name], 10);
    expect(metric(r, 'rmse').lower).toBeLessThan(g.rmse);
    expect(metric(r, 'rmse').upper).toBeGreaterThan(g.rmse);
  });
});

describe('the fraud story: drift first, decay when labels arrive, events and the retrain policy', () => {
  it('notices the inputs moving, then the decay, and tells the application to retrain once', () => {
    let now = Date.UTC(2024, 2, 1);
    const monitor = new DriftMonitor({ reference: artifact, window: { type: 'time', size: '1d' }, clock: () => now });
    const events: string[] = [];
    monitor.on('drift', (r) => events.push(`drift:${r.driftedFeatures.join(',')}`));
    monitor.on('decay', (r) => events.push(`decay:${r.performance!.decayedMetrics.join(',')}`));
    monitor.on('recovered', (_r, signal) => events.push(`recovered:${signal}`));
    const policy = retrainWhen({ drift: true, decay: true, minRows: 500, cooldown: '7d', clock: () => now });
    const decisions: boolean[] = [];
    monitor.on('check', (r) => decisions.push(policy.decide(r).retrain));
    expect(monitor.features).toEqual(['amount', 'merchant']); // the target is not a feature

    const day = (shift: number, accuracy: number, labelled: boolean): void => {
      const batch = features(2000, shift);
      const labels = Array.from({ length: 2000 }, () => (rng.next() < 0.1 ? 'yes' : 'no'));
      const predictions = labels.map((y) => (rng.next() < accuracy ? y : y === 'yes' ? 'no' : 'yes'));
      monitor.observe(batch, labelled ? { predictions, labels } : { predictions });
      now += 86_400_000;
      monitor.check();
    };
    day(0, 0.95, true); // day 1: like training
    expect(events).toEqual([]);
    day(0.6, 0.95, false); // day 2: customers changed; no labels yet
    expect(events).toEqual(['drift:amount']);
    day(0.6, 0.7, true); // day 3: chargebacks arrive: accuracy 70%
    expect(events).toEqual(['drift:amount', 'decay:accuracy']);
    expect(monitor.lastReport!.performance!.metrics.find((m) => m.name === 'accuracy')!.upper).toBeLessThan(0.95);
    day(0, 0.95, true); // day 4: retrained model deployed, traffic back to normal
    expect(events).toEqual(['drift:amount', 'decay:accuracy', 'recovered:drift', 'recovered:decay']);
    // The policy fired on the first alert and then held back by its 7-day cooldown.
    expect(decisions).toEqual([false, true, false, false]);
    const blocked = policy.decide(monitor.lastReport!);
    expect(blocked.retrain).toBe(false);
  });

  it('retrainWhen: minRows, cooldown, metric filters and reasons', () => {
    let now = 0;
    const report = (over: Partial<DriftReport>): DriftReport =>
      ({
        status: 'ok',
        drifted: false,
        driftShare: 0,
        driftedFeatures: [],
        erroredFeatures: [],
        features: [{}, {}, {}, {}],
        prediction: null,
        window: { rows: 10_000 },
        performance: null,
        ...over,
      }) as unknown as DriftReport;
    const p = retrainWhen({ minRows: 1000, cooldown: 60_000, clock: () => now, drift: { share: 0.25, features: ['amount'] }, decay: { metrics: ['rocAuc'] } });
    expect(p.decide(report({})).retrain).toBe(false);
    const d = p.decide(report({ driftedFeatures: ['amount'], driftShare: 0.25 }));
    expect(d).toMatchObject({ retrain: true, blockedBy: null });
    expect(d.reasons[0]).toMatch(/1 of 4 features drifted/);
    now = 30_000;
    expect(p.decide(report({ driftedFeatures: ['amount'], driftShare: 0.25 }))).toMatchObject({ retrain: false, blockedBy: 'cooldown', nextAllowedAt: new Date(60_000).toISOString() });
    now = 120_000;
    expect(p.decide(report({ driftedFeatures: ['amount'], driftShare: 0.25, window: { rows: 10 } as never })).blockedBy).toBe('min-rows');
    const perf = (name: string) => ({ labelled: 5000, metrics: [{ name, decayed: true, value: 0.7, baseline: 0.9 }] }) as never;
    expect(p.decide(report({ performance: perf('accuracy') })).retrain).toBe(false);
    const decayed = p.decide(report({ performance: perf('rocAuc') }));
    expect(decayed.retrain).toBe(true);
    expect(decayed.reasons[0]).toMatch(/rocAuc decayed: 0.7000 vs baseline 0.9000/);
    p.reset();
    expect(p.lastRetrainAt).toBeNull();
    expect(() => retrainWhen({ cooldown: 'forever' })).toThrow(MlopsError);
  });

  it('outcomes can arrive later than the rows (observeOutcomes)', () => {
    const m = new DriftMonitor({ reference: artifact, window: { type: 'count', size: 1000 } });
    m.observe(features(500));
    const labels = Array.from({ length: 300 }, (_, i) => (i % 5 === 0 ? 'yes' : 'no'));
    m.observeOutcomes({ predictions: labels.map(() => 'no'), labels });
    const r = m.check();
    expect(r.performance!.labelled).toBe(300);
    expect(metric(r, 'accuracy').value).toBeCloseTo(0.8, 12);
    expect(r.labels!.current.count).toBe(300);
  });
});

describe('prediction drift', () => {
  it('compares predicted scores with reference predictions', () => {
    const refScores = Float64Array.from({ length: 3000 }, () => rng.next() * 0.5);
    const m = new DriftMonitor({ reference: training.profile(), target: 'is_fraud', referencePredictions: refScores, window: { type: 'count', size: 2000 } });
    m.observe(features(2000), { predictions: Float64Array.from({ length: 2000 }, () => 0.3 + rng.next() * 0.5) });
    const r = m.check();
    expect(r.prediction!.kind).toBe('numeric');
    expect(r.prediction!.drifted).toBe(true);
    expect(r.driftedFeatures).toEqual([]); // not counted among features
    const same = new DriftMonitor({ reference: training.profile(), target: 'is_fraud', referencePredictions: refScores, window: { type: 'count', size: 2000 } });
    same.observe(features(2000), { predictions: Float64Array.from({ length: 2000 }, () => rng.next() * 0.5) });
    expect(same.check().prediction!.drifted).toBe(false);
  });

  it('accepts a Predictions-like object and predicted labels', () => {
    const m = new DriftMonitor({ reference: training.profile(), referencePredictions: Array.from({ length: 500 }, (_, i) => (i % 10 === 0 ? 'yes' : 'no')), window: { type: 'count', size: 500 } });
    const labels = Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? 'yes' : 'no'));
    m.observe(features(500), { predictions: { task: 'multiclass', length: 500, labels } });
    const r = m.check();
    expect(r.prediction!.kind).toBe('categorical');
    expect(r.prediction!.drifted).toBe(true);
  });
});
