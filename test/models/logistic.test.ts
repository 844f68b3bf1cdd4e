import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { MlopsError } from '../../src/errors';
import { JsDesignMatrix } from '../../src/backend/js-matrix';
import { logisticFamily } from '../../src/models/logistic/index';
import { loadPredictor } from '../../src/models/families';
import type { BackendHandle, DesignMatrix, FitContext, ModelState, ProgressEvent } from '../../src/models/types';
import type { GlmParams } from '../../src/models/glm/params';
import { createRng } from '../../src/random';
import { Trainer } from '../../src/trainer/trainer';
import { fitGolden, golden, maxAbsDiff } from './linear-golden';

const cases = golden.cases.filter((c) => c.family === 'logistic');

function binaryData(n: number, seed: number, separable = false): Dataset {
  const r = createRng(seed);
  return Dataset.fromRows(
    Array.from({ length: n }, () => {
      const a = r.normal();
      const b = r.normal() * 5 + 3;
      const z = 1.5 * a - 0.4 * (b - 3) + 0.3;
      const label = separable ? z > 0 : r.next() < 1 / (1 + Math.exp(-z));
      return { a, b, plan: r.next() < 0.5 ? 'free' : 'pro', churned: label ? 'yes' : 'no' };
    }),
  );
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string, message?: RegExp): Promise<MlopsError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MlopsError);
  expect((err as MlopsError).code).toBe(code);
  if (message !== undefined) expect((err as MlopsError).message).toMatch(message);
  return err as MlopsError;
}

const labels01 = (d: Dataset) => Float64Array.from({ length: d.numRows }, (_, i) => (d.column('churned').get(i) === 'yes' ? 1 : 0));
const coefOf = (s: ModelState) => s.tensors.find((t) => t.name === 'coef')!.data as Float64Array;

describe('logistic: agreement with scikit-learn (golden fixtures)', () => {
  for (const c of cases) {
    it(`${c.name} matches ${c.sklearn}: coefficients within 1e-3, probabilities within 1e-4`, async () => {
      const r = await fitGolden(c);
      expect(maxAbsDiff(r.coef, c.coef)).toBeLessThan(1e-3);
      expect(maxAbsDiff(r.intercept, c.intercept)).toBeLessThan(1e-3);
      expect(maxAbsDiff(r.testPred, c.testPred)).toBeLessThan(1e-4);
      expect(r.model.runRecord.converged).toBe(true);
      expect(r.model.classes).toEqual(['no', 'yes']);
    });
  }

  it('l1 zeroes the coefficients scikit-learn zeroes', async () => {
    const c = cases.find((x) => x.name === 'l1 C=0.02')!;
    const r = await fitGolden(c);
    expect(c.coef.some((v) => v === 0)).toBe(true);
    expect(Array.from(r.coef, (v) => v === 0)).toEqual(c.coef.map((v) => v === 0));
  });
});

describe('logistic: training behaviour', () => {
  it('stops on its tolerance and reports every iteration as a progress event with validation loss', async () => {
    const ds = binaryData(1000, 1);
    const { train, test } = ds.split({ testFraction: 0.3, seed: 2 });
    const events: ProgressEvent[] = [];
    const model = await new Trainer({ model: { type: 'logistic' }, target: 'churned', onProgress: (e) => events.push(e) }).fit(train, { validation: test });
    const rec = model.runRecord;
    expect(rec.converged).toBe(true);
    expect(rec.extras).toMatchObject({ stopReason: expect.stringMatching(/gradient|objective/), fused: true });
    expect((rec.extras as { gradientNorm: number }).gradientNorm).toBeLessThan(1e-3);
    expect(rec.history).toHaveLength(rec.iterations);
    expect(rec.iterations).toBeLessThan(40);
    const epochs = events.filter((e) => e.phase === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual(rec.history.map((h) => h.epoch));
    expect(events[0]).toMatchObject({ phase: 'start', epoch: 0, totalEpochs: 100 });
    expect(events.at(-1)).toMatchObject({ phase: 'done', epoch: rec.iterations });
    for (const e of epochs) {
      expect(e.totalEpochs).toBe(100);
      expect(e.valLoss).toBeGreaterThan(0.2);
      expect(e.valLoss).toBeLessThan(0.7);
      expect(e.metrics).toHaveProperty('gradientNorm');
      expect(e.etaMs).toBeGreaterThanOrEqual(0);
    }
    expect(rec.history.at(-1)!.loss).toBeLessThan(rec.history[0].loss);
  });

  it('returns converged: false (no throw) when maxIterations is reached', async () => {
    const model = await new Trainer({ model: { type: 'logistic', maxIterations: 2, tolerance: 1e-12 }, target: 'churned' }).fit(binaryData(500, 3));
    expect(model.runRecord).toMatchObject({ converged: false, iterations: 2 });
    expect(model.runRecord.extras).toMatchObject({ stopReason: 'maxIterations' });
  });

  it('handles separable data without a penalty: finite, confident probabilities', async () => {
    const ds = binaryData(300, 4, true);
    const model = await new Trainer({ model: { type: 'logistic', regularization: 0, maxIterations: 50 }, target: 'churned' }).fit(ds);
    const p = (await model.predict(ds)).scores!;
    expect(Array.from(p).every(Number.isFinite)).toBe(true);
    const labels = (await model.predict(ds)).labels!;
    expect(labels.filter((l, i) => l === ds.column('churned').get(i)).length).toBe(300);
  });

  it('stops with TRAIN_DIVERGED when the loss is not finite (NaN features)', async () => {
    const rows = binaryData(100, 12).toRows().map((r, i) => ({ ...r, a: i % 10 === 0 ? null : r.a }));
    await expectCode(
      new Trainer({ model: { type: 'logistic' }, target: 'churned', preprocess: { numeric: { impute: 'none' } } }).fit(Dataset.fromRows(rows)),
      'TRAIN_DIVERGED',
      /non-finite loss.*impute: 'none'/,
    );
  });

  it('row weights act like repeated rows', async () => {
    const r = createRng(5);
    const base = binaryData(300, 5).toRows();
    const weights = base.map(() => 1 + r.int(3));
    const weighted = Dataset.fromRows(base.map((row, i) => ({ ...row, w: weights[i] })));
    const repeated = Dataset.fromRows(base.flatMap((row, i) => Array.from({ length: weights[i] }, () => ({ ...row }))));
    // Standardisation is fitted on unweighted rows, so compare with scaling turned off.
    const preprocess = { numeric: { scale: 'none' as const } };
    const a = await new Trainer({ model: { type: 'logistic', tolerance: 1e-9 }, target: 'churned', features: ['a', 'b', 'plan'], sampleWeight: 'w', preprocess }).fit(weighted);
    const b = await new Trainer({ model: { type: 'logistic', tolerance: 1e-9 }, target: 'churned', features: ['a', 'b', 'plan'], preprocess }).fit(repeated);
    expect(maxAbsDiff(coefOf(a.state), coefOf(b.state))).toBeLessThan(1e-5);
  });

  it('is bit-for-bit reproducible', async () => {
    const ds = binaryData(800, 6);
    const fit = async () => coefOf((await new Trainer({ model: { type: 'logistic', penalty: 'l1', regularization: 3 }, target: 'churned', seed: 3 }).fit(ds)).state);
    const [a, b] = [await fit(), await fit()];
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('is cancelled by an AbortSignal checked every iteration', async () => {
    const ds = binaryData(400, 7);
    const ac = new AbortController();
    let last = 0;
    const trainer = new Trainer({
      model: { type: 'logistic', tolerance: 1e-12 },
      target: 'churned',
      onProgress: (e) => {
        last = e.epoch;
        if (e.epoch === 2) ac.abort(new Error('user cancelled'));
      },
    });
    const err = await expectCode(trainer.fit(ds, { signal: ac.signal }), 'ABORTED');
    expect(last).toBe(2);
    expect((err.cause as Error).message).toBe('user cancelled');
  });

  it('disposes its design matrices, also when aborted', async () => {
    const ds = binaryData(200, 8);
    const { train, test } = ds.split({ testFraction: 0.25, seed: 1 });
    const trainer = new Trainer({ model: { type: 'logistic' }, target: 'churned', features: ['a', 'b'] });
    const model = await trainer.fit(train);
    const toMatrix = (d: Dataset) => model.pipeline.transform(d);
    let live = 0;
    const counting: BackendHandle = {
      name: 'counting',
      kind: 'js',
      matrix: (X) => {
        const m = new JsDesignMatrix(X);
        live++;
        let disposed = false;
        return Object.assign(Object.create(m) as DesignMatrix, {
          dispose: () => {
            if (!disposed) live--;
            disposed = true;
          },
        });
      },
    };
    const ctx = (signal?: AbortSignal, progress: FitContext<GlmParams>['progress'] = () => {}): FitContext<GlmParams> => ({
      train: { X: toMatrix(train), y: labels01(train) },
      validation: { X: toMatrix(test), y: labels01(test) },
      task: 'binary',
      classes: ['no', 'yes'],
      features: model.pipeline.features,
      params: logisticFamily.validateParams({}, 'binary'),
      rng: createRng(1),
      seed: 1,
      backend: counting,
      signal,
      progress,
    });
    await logisticFamily.fit(ctx());
    expect(live).toBe(0);
    const ac = new AbortController();
    await expectCode(logisticFamily.fit(ctx(ac.signal, (e) => e.epoch === 1 && ac.abort())), 'ABORTED');
    expect(live).toBe(0);
  });

  it('gives the same model through the generic mul/mulT path as through the fused JS pass', async () => {
    const ds = binaryData(700, 9);
    const model = await new Trainer({ model: { type: 'logistic', penalty: 'elasticnet', regularization: 2 }, target: 'churned' }).fit(ds);
    const X = model.pipeline.transform(ds);
    const y = labels01(ds);
    // A backend with only the two interface products (as the tfjs backends have).
    const generic: BackendHandle = {
      name: 'generic',
      kind: 'js',
      matrix: (M) => {
        const m = new JsDesignMatrix(M);
        return { rows: m.rows, cols: m.cols, mul: (W, k) => m.mul(W, k), mulT: (R, k) => m.mulT(R, k), dispose: () => m.dispose() };
      },
    };
    const res = await logisticFamily.fit({
      train: { X, y },
      task: 'binary',
      classes: ['no', 'yes'],
      features: model.pipeline.features,
      params: logisticFamily.validateParams({ penalty: 'elasticnet', regularization: 2 }, 'binary'),
      rng: createRng(1),
      seed: 1,
      backend: generic,
      progress: () => {},
    });
    expect(res.extras).toMatchObject({ fused: false });
    expect(maxAbsDiff(coefOf(res.state), coefOf(model.state))).toBeLessThan(1e-9);
    expect(res.iterations).toBe(model.runRecord.iterations);
  });
});

describe('logistic: parameters and state', () => {
  it('reports a typo with the right name', async () => {
    const err = await expectCode(new Trainer({ model: { type: 'logistic', regularisation: 2 }, target: 'churned' }).fit(binaryData(50, 10)), 'TRAIN_INVALID_PARAMS', /"regularisation".*"regularization"/);
    expect(err.details).toMatchObject({ parameter: 'regularisation' });
    await expectCode(new Trainer({ model: { type: 'logistic', max_iter: 5 }, target: 'churned' }).fit(binaryData(50, 10)), 'TRAIN_INVALID_PARAMS', /"maxIterations"/);
  });

  it('predicts P(positive class) from a loaded state and rejects malformed ones', async () => {
    const model = await new Trainer({ model: { type: 'logistic' }, target: 'churned' }).fit(binaryData(200, 11));
    const s = model.state;
    expect(s.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['coef', 'float64', [s.numFeatures]],
      ['intercept', 'float64', [1]],
    ]);
    const X = model.pipeline.transformRows([{ a: 0.5, b: 1, plan: 'pro' }]).matrix;
    const p = loadPredictor(s).predictMatrix(X.data, 1)[0];
    const coef = coefOf(s);
    let z = s.tensors[1].data[0];
    for (let j = 0; j < coef.length; j++) z += coef[j] * X.data[j];
    expect(p).toBeCloseTo(1 / (1 + Math.exp(-z)), 12);
    await expectCode(() => loadPredictor({ ...s, classes: ['a', 'b', 'c'] }), 'ARTIFACT_CORRUPT', /3 classes/);
    await expectCode(() => loadPredictor({ ...s, tensors: [s.tensors[0], { ...s.tensors[1], shape: [2] }] }), 'ARTIFACT_CORRUPT', /"intercept" has shape \[2\]/);
    await expectCode(() => loadPredictor({ ...s, tensors: [{ ...s.tensors[0], data: Float64Array.from(coefOf(s), () => Infinity) }, s.tensors[1]] }), 'ARTIFACT_CORRUPT', /non-finite/);
  });
});
