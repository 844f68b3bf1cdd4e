import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { MlopsError } from '../../src/errors';
import { Predictions, type PredictiveModel } from '../../src/models/model';
import {
  accuracy,
  averagePrecision,
  balancedAccuracy,
  brier,
  calibrationCurve,
  cohenKappa,
  confusionMatrix,
  EvaluationReport,
  Evaluator,
  explainedVariance,
  f1,
  logLoss,
  mae,
  mape,
  matthewsCorrelation,
  medianAbsoluteError,
  mse,
  prAuc,
  precision,
  r2,
  recall,
  rmse,
  rocAuc,
  rocCurve,
  topKAccuracy,
} from '../../src/evaluator/index';
import { fraudData, fraudModel, fraudScore, regressionSetup, ScoreModel, ThreeClassModel, threeClassData } from './helpers';

const close = (a: number | null | undefined, b: number, tol = 1e-12): void => {
  expect(a).not.toBeNull();
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};

async function binaryTruth(model: PredictiveModel, data: Dataset): Promise<{ y: boolean[]; s: Float64Array; yhat: boolean[] }> {
  const y = data.column('fraud').toArray() as boolean[];
  const s = (await model.predict(data)).scores!;
  return { y, s, yhat: Array.from(s, (p) => p >= 0.5) };
}

describe('Evaluator: binary', () => {
  const data = fraudData(1500, 3);
  const model = new ScoreModel('fraud', (r) => fraudScore(r));

  it('reports the metric functions’ values for any PredictiveModel, with the positive class classes[1]', async () => {
    const report = await new Evaluator({ bootstrap: false }).evaluate(model, data);
    const { y, s, yhat } = await binaryTruth(model, data);
    expect(report.task).toBe('binary');
    expect(report.positiveClass).toBe(true);
    const m = report.metrics;
    close(m.rocAuc, rocAuc(y, s, { posLabel: true }));
    close(m.averagePrecision, averagePrecision(y, s, { posLabel: true }));
    close(m.prAuc, prAuc(y, s, { posLabel: true }));
    close(m.accuracy, accuracy(y, yhat));
    close(m.balancedAccuracy, balancedAccuracy(y, yhat));
    close(m.precision, precision(y, yhat, { posLabel: true }));
    close(m.recall, recall(y, yhat, { posLabel: true }));
    close(m.f1, f1(y, yhat, { posLabel: true }));
    close(m.matthewsCorrelation, matthewsCorrelation(y, yhat));
    close(m.cohenKappa, cohenKappa(y, yhat));
    close(m.logLoss, logLoss(y, s));
    close(m.brier, brier(y, s, { posLabel: true }));
    expect(report.confusionMatrix).toEqual(confusionMatrix(y, yhat, { labels: [false, true] }));
    expect(report.intervals).toEqual({});
    expect(report.bootstrap).toBeNull();
    expect(report.data.rows).toBe(1500);
    expect(report.data.fingerprint).toBe(await data.fingerprint());
  });

  it('draws ROC, PR and calibration curves consistent with the curve functions', async () => {
    const report = await new Evaluator({ bootstrap: false, curvePoints: 50 }).evaluate(model, data);
    const { y, s } = await binaryTruth(model, data);
    const roc = report.curves!.roc[0];
    expect(roc.label).toBe(true);
    expect(roc.fpr.length).toBeLessThanOrEqual(50);
    expect([roc.fpr[0], roc.tpr[0]]).toEqual([0, 0]);
    expect([roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([1, 1]);
    const full = rocCurve(y, s, { posLabel: true });
    expect(roc.thresholds[0]).toBe(full.thresholds[0]);
    // every kept point is a point of the full curve
    for (let i = 0; i < roc.fpr.length; i++) {
      const k = Array.from(full.thresholds).indexOf(roc.thresholds[i]);
      expect(k).toBeGreaterThanOrEqual(0);
      expect([full.fpr[k], full.tpr[k]]).toEqual([roc.fpr[i], roc.tpr[i]]);
    }
    const pr = report.curves!.pr[0];
    expect(pr.precision.at(-1)).toBe(1);
    expect(pr.recall.at(-1)).toBe(0);
    close(pr.prevalence, y.filter(Boolean).length / y.length);
    const cal = calibrationCurve(y, s, { posLabel: true, bins: 10 });
    expect(report.curves!.calibration[0].meanPredicted).toEqual(Array.from(cal.meanPredicted));
    expect(report.curves!.calibration[0].fractionPositive).toEqual(Array.from(cal.fractionPositive));
  });

  it('evaluates a Model built from a Pipeline and a Predictor, recording its type and run', async () => {
    const m = fraudModel(data);
    const report = await new Evaluator({ bootstrap: false }).evaluate(m, data, { name: 'fraud v7' });
    const s = (await m.predict(data)).scores!;
    close(report.metrics.rocAuc, rocAuc(data.column('fraud').toArray() as boolean[], s));
    expect(report.model).toEqual({ name: 'fraud v7', type: 'logistic', runId: 'test-run' });
  });

  it('applies the decision threshold to the label metrics only', async () => {
    const a = await new Evaluator({ bootstrap: false }).evaluate(model, data);
    const b = await new Evaluator({ bootstrap: false, threshold: 0.2 }).evaluate(model, data);
    expect(b.metrics.rocAuc).toBe(a.metrics.rocAuc);
    expect(b.metrics.recall!).toBeGreaterThan(a.metrics.recall!);
    const { y, s } = await binaryTruth(model, data);
    close(b.metrics.recall, recall(y, Array.from(s, (p) => p >= 0.2), { posLabel: true }));
    expect(b.threshold).toBe(0.2);
  });

  it('weights every metric by a sampleWeight column', async () => {
    const report = await new Evaluator({ bootstrap: false, sampleWeight: 'weight' }).evaluate(model, data);
    const { y, s, yhat } = await binaryTruth(model, data);
    const w = Float64Array.from(data.column('weight').toArray() as number[]);
    close(report.metrics.rocAuc, rocAuc(y, s, { sampleWeight: w }));
    close(report.metrics.f1, f1(y, yhat, { posLabel: true, sampleWeight: w }));
    close(report.metrics.logLoss, logLoss(y, s, { sampleWeight: w }));
    expect(report.data.weightTotal).toBe(w.reduce((a, b) => a + b, 0));
    expect(report.data.weightColumn).toBe('weight');
  });

  it('scores slices by column value and by named predicate, equal to the metrics on the subset', async () => {
    const report = await new Evaluator({
      bootstrap: { resamples: 50, seed: 1 },
      slices: ['country', { name: 'large', filter: (row) => Number(row.amount) > 250 }, { name: 'none', filter: () => false }],
    }).evaluate(model, data);
    expect(report.slices.map((s) => s.name)).toEqual(['country=DE', 'country=FR', 'country=NL', 'country=US', 'large', 'none']);
    const { y, s } = await binaryTruth(model, data);
    const countries = data.column('country').toArray();
    for (const slice of report.slices.slice(0, 4)) {
      const idx = countries.flatMap((c, i) => (c === slice.value ? [i] : []));
      expect(slice.rows).toBe(idx.length);
      expect(slice.column).toBe('country');
      close(
        slice.metrics.rocAuc,
        rocAuc(
          idx.map((i) => y[i]),
          idx.map((i) => s[i]),
        ),
      );
      expect(slice.intervals.rocAuc).not.toBeNull();
    }
    const large = report.slice('large')!;
    expect(large.rows).toBe(data.column('amount').toArray().filter((a) => (a as number) > 250).length);
    expect(report.slice('none')!.rows).toBe(0);
    expect(report.slice('none')!.metrics).toEqual({});
  });

  it('marks metrics undefined on a single-class slice as null with the reason', async () => {
    const report = await new Evaluator({ bootstrap: { resamples: 20 }, slices: [{ name: 'only-fraud', filter: (r) => r.fraud === true }] }).evaluate(model, data);
    const s = report.slice('only-fraud')!;
    expect(s.metrics.rocAuc).toBeNull();
    expect(s.notes.rocAuc).toMatch(/one class/);
    expect(s.metrics.recall).not.toBeNull();
    expect(s.metrics.matthewsCorrelation).toBe(0);
    expect(s.notes.matthewsCorrelation).toMatch(/convention/);
    expect(s.intervals.rocAuc).toBeNull();
  });

  it('cuts a numeric slice column with many values at its quartiles', async () => {
    const report = await new Evaluator({ bootstrap: false, slices: ['amount', 'hour'], maxSliceValues: 30 }).evaluate(model, data);
    const amount = report.slices.filter((s) => s.column === 'amount');
    expect(amount.length).toBe(4);
    expect(amount[0].name).toMatch(/^amount=\(-inf, /);
    expect(amount[3].name).toMatch(/, inf\)$/);
    expect(amount.reduce((a, s) => a + s.rows, 0)).toBe(1500);
    const hours = report.slices.filter((s) => s.column === 'hour');
    expect(hours.map((s) => s.value)).toEqual(Array.from({ length: 24 }, (_, h) => h));
  });

  it('pools the rarest values as (other) beyond maxSliceValues', async () => {
    const report = await new Evaluator({ bootstrap: false, slices: ['country'], maxSliceValues: 2 }).evaluate(model, data);
    expect(report.slices.map((s) => s.name).at(-1)).toBe('country=(other)');
    expect(report.slices.reduce((a, s) => a + s.rows, 0)).toBe(1500);
  });
});

describe('Evaluator: bootstrap intervals', () => {
  const data = fraudData(800, 9);
  const model = new ScoreModel('fraud', (r) => fraudScore(r));

  it('report progress: predictions once, then every resample in order', async () => {
    const events: string[] = [];
    await new Evaluator({ bootstrap: { resamples: 20, seed: 1 } }).evaluate(model, data, { onProgress: (e) => events.push(`${e.phase} ${e.done}/${e.total}`) });
    expect(events).toEqual(['predict 1/1', ...Array.from({ length: 20 }, (_, i) => `bootstrap ${i + 1}/20`)]);
  });

  it('are seeded: the same seed gives the same intervals, another seed others', async () => {
    const a = await new Evaluator({ bootstrap: { resamples: 200, seed: 5 } }).evaluate(model, data);
    const b = await new Evaluator({ bootstrap: { resamples: 200, seed: 5 } }).evaluate(model, data);
    const c = await new Evaluator({ bootstrap: { resamples: 200, seed: 6 } }).evaluate(model, data);
    expect(a.intervals).toEqual(b.intervals);
    expect(a.intervals.rocAuc).not.toEqual(c.intervals.rocAuc);
    for (const name of a.metricNames) {
      const i = a.intervals[name]!;
      expect(i.resamples).toBe(200);
      expect(i.lower).toBeLessThanOrEqual(i.upper);
      expect(i.standardError).toBeGreaterThan(0);
    }
    expect(a.bootstrap).toEqual({ resamples: 200, confidence: 0.95, seed: 5 });
  });

  it('narrow with more data and widen with more confidence', async () => {
    const small = await new Evaluator({ bootstrap: { resamples: 200 } }).evaluate(model, fraudData(200, 1));
    const big = await new Evaluator({ bootstrap: { resamples: 200 } }).evaluate(model, fraudData(3200, 1));
    const width = (r: EvaluationReport): number => r.intervals.rocAuc!.upper - r.intervals.rocAuc!.lower;
    expect(width(big)).toBeLessThan(width(small) / 2);
    const wide = await new Evaluator({ bootstrap: { resamples: 200, confidence: 0.99 } }).evaluate(model, fraudData(200, 1));
    expect(width(wide)).toBeGreaterThan(width(small));
  });

  it('rejects bad settings', () => {
    expect(() => new Evaluator({ bootstrap: { resamples: 3 } })).toThrowError(expect.objectContaining({ code: 'METRIC_INVALID_INPUT' }));
    expect(() => new Evaluator({ bootstrap: { confidence: 1 } })).toThrowError(expect.objectContaining({ code: 'METRIC_INVALID_INPUT' }));
    expect(() => new Evaluator({ threshold: 2 })).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('can be cancelled with an AbortSignal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new Evaluator().evaluate(model, data, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('Evaluator: multiclass and regression', () => {
  it('multiclass metrics equal the metric functions (macro averages over present classes)', async () => {
    const data = threeClassData(900, 4);
    const model = new ThreeClassModel(1.2);
    const report = await new Evaluator({ bootstrap: { resamples: 30 }, slices: ['group'] }).evaluate(model, data);
    const y = data.column('label').toArray() as string[];
    const p = (await model.predict(data)).probabilities!;
    const yhat = Array.from({ length: y.length }, (_, i) => ['a', 'b', 'c'][[0, 1, 2].reduce((b, j) => (p[i * 3 + j] > p[i * 3 + b] ? j : b), 0)]);
    const P = { data: p, cols: 3 };
    const m = report.metrics;
    close(m.accuracy, accuracy(y, yhat));
    close(m.f1Macro, f1(y, yhat, { average: 'macro' }));
    close(m.f1Weighted, f1(y, yhat, { average: 'weighted' }));
    close(m.precisionMacro, precision(y, yhat, { average: 'macro' }));
    close(m.recallMacro, recall(y, yhat, { average: 'macro' }));
    close(m.rocAucOvr, rocAuc(y, P), 1e-12);
    close(m.logLoss, logLoss(y, P));
    close(m.top2Accuracy, topKAccuracy(y, P, { k: 2 }));
    close(m.cohenKappa, cohenKappa(y, yhat));
    close(m.matthewsCorrelation, matthewsCorrelation(y, yhat));
    expect(report.curves!.roc.map((s) => s.label)).toEqual(['a', 'b', 'c']);
    expect(report.perClass!.map((r) => r.label)).toEqual(['a', 'b', 'c']);
    close(report.perClass![0].rocAuc, rocAuc(y.map((v) => v === 'a'), Array.from({ length: y.length }, (_, i) => p[i * 3])));
    expect(report.slices.map((s) => s.name)).toEqual(['group=g1', 'group=g2']);
  });

  it('regression metrics equal the metric functions, with residuals', async () => {
    const { data, model } = regressionSetup(1000, 8);
    const report = await new Evaluator({ bootstrap: { resamples: 100 }, slices: ['region'] }).evaluate(model, data);
    const y = Float64Array.from(data.column('y').toArray() as number[]);
    const p = (await model.predict(data)).values!;
    const m = report.metrics;
    close(m.mae, mae(y, p));
    close(m.rmse, rmse(y, p));
    close(m.mse, mse(y, p));
    close(m.r2, r2(y, p));
    close(m.explainedVariance, explainedVariance(y, p));
    close(m.mape, mape(y, p));
    close(m.medianAbsoluteError, medianAbsoluteError(y, p));
    expect(report.residuals!.histogram.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    close(report.residuals!.mean, y.reduce((a, v, i) => a + v - p[i], 0) / 1000, 1e-9);
    expect(report.curves).toBeUndefined();
    expect(report.intervals.rmse!.lower).toBeLessThan(m.rmse!);
    expect(report.intervals.rmse!.upper).toBeGreaterThan(m.rmse!);
  });
});

describe('Evaluator: bad input names the row and the value', () => {
  const model = new ScoreModel('fraud', (r) => fraudScore(r));

  it('a missing target value', async () => {
    const data = Dataset.fromRows([
      { amount: 10, hour: 1, fraud: true },
      { amount: 20, hour: 2, fraud: null },
    ]);
    await expect(new Evaluator({ bootstrap: false }).evaluate(model, data)).rejects.toMatchObject({ code: 'METRIC_INVALID_INPUT', message: expect.stringMatching(/missing at row 1/) });
  });

  it('a label the model never saw', async () => {
    const data = Dataset.fromRows([
      { x: 0.1, group: 'g1', label: 'a' },
      { x: 0.2, group: 'g1', label: 'zebra' },
    ]);
    await expect(new Evaluator({ bootstrap: false }).evaluate(new ThreeClassModel(), data)).rejects.toMatchObject({
      code: 'METRIC_INVALID_INPUT',
      message: expect.stringMatching(/row 1 has label "zebra", which the model never saw/),
      details: { index: 1, value: 'zebra' },
    });
  });

  it('model outputs that are not probabilities, and the wrong number of predictions', async () => {
    const data = fraudData(10, 1);
    const nan = new ScoreModel('fraud', (r) => (r.hour === data.row(4).hour ? NaN : 0.5));
    await expect(new Evaluator({ bootstrap: false }).evaluate(nan, data)).rejects.toMatchObject({ code: 'METRIC_INVALID_INPUT', message: expect.stringMatching(/row \d+ is NaN/) });
    const short: PredictiveModel = { task: 'binary', target: 'fraud', classes: [false, true], predict: async () => new Predictions('binary', new Float64Array(3), 1, [false, true]) };
    await expect(new Evaluator({ bootstrap: false }).evaluate(short, data)).rejects.toMatchObject({ code: 'METRIC_INVALID_INPUT', message: expect.stringMatching(/3 predictions for 10 rows/) });
    const bad: PredictiveModel = {
      task: 'multiclass',
      target: 'fraud',
      classes: [false, true, 'x'],
      predict: async () => new Predictions('multiclass', new Float64Array(30).fill(0.5), 3, [false, true, 'x']),
    };
    await expect(new Evaluator({ bootstrap: false }).evaluate(bad, data)).rejects.toMatchObject({ code: 'METRIC_INVALID_INPUT', message: expect.stringMatching(/row 0 sum to 1.5, not 1/) });
  });

  it('an unknown target, weight or slice column, and a model without a target', async () => {
    const data = fraudData(10, 1);
    await expect(new Evaluator({ target: 'nope' }).evaluate(model, data)).rejects.toMatchObject({ code: 'DATA_COLUMN_NOT_FOUND' });
    await expect(new Evaluator({ sampleWeight: 'nope' }).evaluate(model, data)).rejects.toMatchObject({ code: 'DATA_COLUMN_NOT_FOUND' });
    await expect(new Evaluator({ slices: ['nope'] }).evaluate(model, data)).rejects.toMatchObject({ code: 'DATA_COLUMN_NOT_FOUND' });
    const anonymous: PredictiveModel = { task: 'binary', classes: [false, true], predict: model.predict.bind(model) };
    await expect(new Evaluator().evaluate(anonymous, data)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/target/) });
    await expect(new Evaluator({ target: 'fraud', bootstrap: false }).evaluate(anonymous, data)).resolves.toBeInstanceOf(EvaluationReport);
    await expect(new Evaluator().evaluate({} as PredictiveModel, data)).rejects.toBeInstanceOf(MlopsError);
  });
});

describe('EvaluationReport JSON', () => {
  it('round-trips through JSON text exactly, predictions included', async () => {
    const data = fraudData(400, 2);
    const report = await new Evaluator({ bootstrap: { resamples: 30 }, slices: ['country'], sampleWeight: 'weight' }).evaluate(new ScoreModel('fraud', (r) => fraudScore(r)), data);
    const text = JSON.stringify(report);
    const doc = JSON.parse(text);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.kind).toBe('mlops-kit.evaluation-report');
    expect(doc.predictions.encoding).toBe('base64-le');
    const again = EvaluationReport.fromJSON(text);
    expect(again.toJSON()).toEqual(report.toJSON());
    expect(again.predictions!.output).toEqual(report.predictions!.output);
    expect(again.predictions!.weights).toEqual(report.predictions!.weights);
    expect(Array.from(again.predictions!.y)).toEqual(Array.from(report.predictions!.y));
  });

  it('writes null for undefined metrics and omits predictions on request', async () => {
    const data = fraudData(100, 2).filter((r) => r.fraud === false);
    const report = await new Evaluator({ bootstrap: false, keepPredictions: false }).evaluate(new ScoreModel('fraud', (r) => fraudScore(r)), data);
    const doc = JSON.parse(JSON.stringify(report));
    expect(doc.metrics.rocAuc).toBeNull();
    expect(doc.notes.rocAuc).toMatch(/one class/);
    expect(doc.predictions).toBeNull();
    expect(EvaluationReport.fromJSON(doc).predictions).toBeNull();
  });

  it('rejects documents that are not reports or have an unknown schemaVersion', async () => {
    const report = await new Evaluator({ bootstrap: false }).evaluate(new ScoreModel('fraud', (r) => fraudScore(r)), fraudData(50, 2));
    const doc = JSON.parse(JSON.stringify(report));
    expect(() => EvaluationReport.fromJSON({ ...doc, schemaVersion: 2 })).toThrowError(expect.objectContaining({ code: 'REPORT_INVALID', message: expect.stringMatching(/schemaVersion 2/) }));
    expect(() => EvaluationReport.fromJSON({ hello: 1 })).toThrowError(expect.objectContaining({ code: 'REPORT_INVALID' }));
    expect(() => EvaluationReport.fromJSON('{not json')).toThrowError(expect.objectContaining({ code: 'REPORT_INVALID' }));
    expect(() => EvaluationReport.fromJSON({ ...doc, predictions: { ...doc.predictions, output: 'AAAA' } })).toThrowError(expect.objectContaining({ code: 'REPORT_INVALID' }));
    // A character outside the base64 alphabet is refused, not skipped (skipping would shift every later value).
    const damaged = `${doc.predictions.output.slice(0, 8)}!${doc.predictions.output.slice(9)}`;
    expect(() => EvaluationReport.fromJSON({ ...doc, predictions: { ...doc.predictions, output: damaged } })).toThrowError(expect.objectContaining({ code: 'REPORT_INVALID', message: expect.stringMatching(/not base64/) }));
  });
});
