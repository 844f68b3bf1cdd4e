import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { Trainer } from '../../src/trainer/trainer';
import { ModelArtifact } from '../../src/artifact/model-artifact';
import { DriftMonitor } from '../../src/monitor/monitor';
import { createRng } from '../../src/random';

describe('DriftMonitor with a real model artifact as the reference', () => {
  it('reads the training profile, target, task and baseline metrics from the manifest', async () => {
    const rng = createRng(1);
    const rows = Array.from({ length: 2000 }, () => {
      const amount = rng.normal();
      return { amount, channel: ['web', 'app'][rng.int(2)], fraud: amount + rng.normal() * 0.5 > 1 ? 'yes' : 'no' };
    });
    const training = Dataset.fromRows(rows);
    const model = await new Trainer({ model: { type: 'logistic' }, target: 'fraud', seed: 1 }).fit(training);
    const artifact = await ModelArtifact.fromBytes((await ModelArtifact.create(model, { trainingData: training, metrics: { accuracy: 0.9 } })).toBytes());

    const monitor = new DriftMonitor({ reference: artifact, window: { type: 'count', size: 1000 } });
    expect(monitor.features).toEqual(['amount', 'channel']);
    expect(monitor.baseline).toEqual({ accuracy: 0.9 });

    // Customers changed: amounts moved up; the model now flags far too many as fraud.
    const live = rows.slice(0, 1000).map((r) => ({ ...r, amount: r.amount + 1 }));
    const predictions = await artifact.predict(live.map(({ fraud: _label, ...features }) => features));
    monitor.observe(live, { predictions, labels: live.map((r) => r.fraud) });
    const report = monitor.check();
    expect(report.driftedFeatures).toEqual(['amount']);
    expect(report.prediction).toBeNull(); // no reference predictions were given
    expect(report.labels!.drifted).toBe(false); // the fraud rate itself did not move
    const perf = report.performance!;
    expect(perf.task).toBe('binary');
    const accuracy = perf.metrics.find((m) => m.name === 'accuracy')!;
    expect(accuracy.baseline).toBe(0.9);
    expect(accuracy.value).toBeLessThan(0.8);
    expect(perf.decayedMetrics).toContain('accuracy');
  });
});
