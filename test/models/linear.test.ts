import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { MlopsError } from '../../src/errors';
import { linearCoefficients } from '../../src/models/linear/index';
import { loadPredictor } from '../../src/models/families';
import type { ModelState, ProgressEvent } from '../../src/models/types';
import { createRng } from '../../src/random';
import { Trainer } from '../../src/trainer/trainer';
import { leastSquaresStats } from '../../src/models/linear/stats';
import { fitGolden, golden, goldenData, maxAbsDiff, maxRelDiff } from './linear-golden';

const cases = golden.cases.filter((c) => c.family === 'linear');

function regressionData(n: number, seed: number, extra: Record<string, (i: number) => unknown> = {}): Dataset {
  const r = createRng(seed);
  const rows = Array.from({ length: n }, (_, i) => {
    const a = r.normal() * 3 + 10;
    const b = r.normal();
    const row: Record<string, unknown> = { a, b, noise1: r.normal(), noise2: r.normal(), y: 2 * a - 5 * b + 1 + r.normal() * 0.1 };
    for (const [k, f] of Object.entries(extra)) row[k] = f(i);
    return row;
  });
  return Dataset.fromRows(rows);
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

describe('linear: agreement with scikit-learn (golden fixtures)', () => {
  for (const c of cases) {
    it(`${c.name} matches ${c.sklearn} within 1e-6 relative`, async () => {
      const r = await fitGolden(c);
      expect(maxRelDiff(r.coef, c.coef)).toBeLessThan(1e-6);
      expect(Math.abs(r.intercept[0] - c.intercept[0])).toBeLessThan(1e-6 * Math.max(1, Math.abs(c.intercept[0])));
      expect(maxRelDiff(r.testPred, c.testPred)).toBeLessThan(1e-6);
      expect(r.model.runRecord.converged).toBe(true);
    });
  }

  it('lasso zeroes exactly the coefficients scikit-learn zeroes', async () => {
    const c = cases.find((x) => x.name === 'lasso')!;
    const r = await fitGolden(c);
    const skZeros = c.coef.map((v) => v === 0);
    expect(skZeros.some(Boolean)).toBe(true);
    expect(Array.from(r.coef, (v) => v === 0)).toEqual(skZeros);
    expect(r.model.runRecord.extras).toMatchObject({ solver: 'coordinate-descent' });
  });

  it('uses the minimum-norm solution when one-hot levels are collinear with the intercept', async () => {
    const r = await fitGolden(cases.find((x) => x.name === 'ols collinear one-hot')!);
    expect(r.model.runRecord.extras).toMatchObject({ solver: 'min-norm', rank: r.coef.length - 1 });
  });
});

describe('linear: coefficients in original units', () => {
  it('reproduce the model on raw inputs and equal a fit on unscaled columns', async () => {
    const ds = regressionData(300, 1, { region: (i) => ['eu', 'us', 'apac'][i % 3] });
    const model = await new Trainer({ model: { type: 'linear', regularization: 0 }, target: 'y' }).fit(ds);
    const coefs = linearCoefficients(model);
    expect(coefs.outputs).toEqual(['value']);
    const rows = ds.toRows().slice(0, 20);
    const preds = (await model.predict(rows)).values!;
    rows.forEach((row, i) => {
      let v = coefs.interceptOriginal[0];
      for (const f of coefs.features) v += f.weightsOriginal[0] * (f.name.includes('=') ? (row[f.source] === f.name.split('=')[1] ? 1 : 0) : (row[f.source] as number));
      expect(v).toBeCloseTo(preds[i], 6);
    });
    // Least squares is invariant to scaling: fitting unscaled columns gives the same weights.
    const raw = await new Trainer({ model: { type: 'linear' }, target: 'y', preprocess: { numeric: { scale: 'none' } } }).fit(ds);
    const rawCoef = raw.state.tensors.find((t) => t.name === 'coef')!.data;
    // (Equal up to the float32 rounding of the two feature matrices.)
    coefs.features.forEach((f, j) => expect(f.weightsOriginal[0]).toBeCloseTo(rawCoef[j], 6));
    const onehot = coefs.features.filter((f) => f.name.startsWith('region='));
    expect(onehot).toHaveLength(3);
    for (const f of onehot) expect(f.weightsOriginal).toEqual(f.weights);
  });

  it('rejects models of other families', async () => {
    const ds = regressionData(50, 2);
    const model = await new Trainer({ model: { type: 'linear' }, target: 'y' }).fit(ds);
    const fake = Object.create(model, { state: { value: { ...model.state, type: 'gbdt' } } });
    await expectCode(() => linearCoefficients(fake), 'INVALID_ARGUMENT');
  });
});

describe('linear: training behaviour', () => {
  it('reports progress, history and validation loss for a closed-form fit', async () => {
    const ds = regressionData(400, 3);
    const { train, test } = ds.split({ testFraction: 0.25, seed: 1 });
    const events: ProgressEvent[] = [];
    const model = await new Trainer({ model: { type: 'linear', regularization: 1 }, target: 'y', onProgress: (e) => events.push(e) }).fit(train, { validation: test });
    expect(events.map((e) => e.phase)).toEqual(['start', 'epoch', 'done']);
    const rec = model.runRecord;
    expect(rec.iterations).toBe(1);
    expect(rec.converged).toBe(true);
    expect(rec.history).toHaveLength(1);
    expect(rec.history[0].loss).toBeGreaterThan(0.005);
    expect(rec.history[0].loss).toBeLessThan(0.02); // noise variance 0.01
    expect(rec.history[0].valLoss).toBeGreaterThan(0.005);
    expect(rec.history[0].valLoss).toBeLessThan(0.02);
  });

  it('reports one epoch per coordinate-descent sweep, with a decreasing loss', async () => {
    const ds = regressionData(300, 4);
    const events: ProgressEvent[] = [];
    const model = await new Trainer({ model: { type: 'linear', penalty: 'elasticnet', regularization: 30, l1Ratio: 0.7 }, target: 'y', onProgress: (e) => events.push(e) }).fit(ds);
    const rec = model.runRecord;
    expect(rec.converged).toBe(true);
    expect(rec.iterations).toBeGreaterThan(1);
    expect(rec.history).toHaveLength(rec.iterations);
    expect(events.filter((e) => e.phase === 'epoch')).toHaveLength(rec.iterations);
    expect(events.at(-1)).toMatchObject({ phase: 'done', totalEpochs: 1000 });
    for (let i = 1; i < rec.history.length - 1; i++) expect(rec.history[i].loss).toBeLessThanOrEqual(rec.history[i - 1].loss * (1 + 1e-12));
  });

  it('returns converged: false without throwing when the sweep budget runs out', async () => {
    const model = await new Trainer({ model: { type: 'linear', penalty: 'l1', regularization: 5, maxIterations: 2, tolerance: 1e-15 }, target: 'y' }).fit(regressionData(200, 5));
    expect(model.runRecord.converged).toBe(false);
    expect(model.runRecord.iterations).toBe(2);
  });

  it('is bit-for-bit reproducible', async () => {
    const ds = regressionData(500, 6);
    for (const params of [{}, { penalty: 'l1', regularization: 20 }]) {
      const fit = async () => new Trainer({ model: { type: 'linear', ...params }, target: 'y', seed: 9 }).fit(ds);
      const [a, b] = [await fit(), await fit()];
      const bytes = (m: typeof a) => Buffer.from((m.state.tensors.find((t) => t.name === 'coef')!.data as Float64Array).buffer).toString('hex');
      expect(bytes(a)).toBe(bytes(b));
    }
  });

  it('is cancelled by an AbortSignal: before, during (from a progress event) and from a timer', async () => {
    const ds = regressionData(200, 7);
    const pre = new AbortController();
    pre.abort();
    await expectCode(new Trainer({ model: { type: 'linear' }, target: 'y' }).fit(ds, { signal: pre.signal }), 'ABORTED');

    const during = new AbortController();
    const trainer = new Trainer({
      model: { type: 'linear', penalty: 'l1', regularization: 1, tolerance: 1e-300, maxIterations: 1_000_000 },
      target: 'y',
      onProgress: (e) => e.epoch === 3 && during.abort(),
    });
    await expectCode(trainer.fit(ds, { signal: during.signal }), 'ABORTED');

    // A timer can fire while the synchronous kernels run: the fit yields to the event loop.
    const cols: Record<string, number[]> = {};
    const r = createRng(8);
    for (let j = 0; j < 60; j++) cols[`x${j}`] = Array.from({ length: 300 }, () => r.normal());
    cols.y = Array.from({ length: 300 }, (_, i) => cols.x0[i] + r.normal());
    const timer = new AbortController();
    setTimeout(() => timer.abort(), 50);
    const t0 = performance.now();
    await expectCode(new Trainer({ model: { type: 'linear', penalty: 'l1', regularization: 0.5, tolerance: 1e-300, maxIterations: 10_000_000 }, target: 'y' }).fit(Dataset.fromColumns(cols), { signal: timer.signal }), 'ABORTED');
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('refuses features that are NaN after preprocessing (imputation turned off) with TRAIN_DIVERGED', async () => {
    const ds = Dataset.fromRows(Array.from({ length: 30 }, (_, i) => ({ x: i % 7 === 0 ? null : i, y: i * 2 + (i % 3) })));
    await expectCode(new Trainer({ model: { type: 'linear' }, target: 'y', preprocess: { numeric: { impute: 'none' } } }).fit(ds), 'TRAIN_DIVERGED', /NaN/);
  });
});

describe('linear: parameters', () => {
  const ds = regressionData(40, 9);
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ regularisation: 1 }, /Unknown parameter "regularisation".*Did you mean "regularization"/],
    [{ alpha: 1 }, /"alpha".*regularization \(Ridge: = alpha; Lasso\/ElasticNet: = alpha × number of rows\)/],
    [{ C: 1 }, /regularization \(= 1 \/ C\)/],
    [{ regularization: -1 }, /Invalid regularization -1.*>= 0/],
    [{ regularization: Number.NaN }, /Invalid regularization NaN/],
    [{ penalty: 'l3' }, /Invalid penalty "l3".*'l2', 'l1', 'elasticnet'/],
    [{ l1Ratio: 0.5 }, /l1Ratio only applies to penalty 'elasticnet'/],
    [{ penalty: 'elasticnet', l1Ratio: 1.5 }, /Invalid l1Ratio 1.5/],
    [{ maxIterations: 0 }, /Invalid maxIterations 0.*integer >= 1/],
    [{ maxIterations: 2.5 }, /Invalid maxIterations 2.5/],
    [{ tolerance: 0 }, /Invalid tolerance 0/],
    [{ fitIntercept: 'yes' }, /Invalid fitIntercept "yes".*true or false/],
  ];
  for (const [params, message] of bad) {
    it(`rejects ${JSON.stringify(params)} with TRAIN_INVALID_PARAMS`, async () => {
      const err = await expectCode(new Trainer({ model: { type: 'linear', ...params }, target: 'y' }).fit(ds), 'TRAIN_INVALID_PARAMS', message);
      expect(err.details).toHaveProperty('parameter');
    });
  }

  it('records the parameters and the solver in the state', async () => {
    const model = await new Trainer({ model: { type: 'linear', penalty: 'elasticnet', regularization: 2 }, target: 'y' }).fit(ds);
    expect(model.state.params).toEqual({ penalty: 'elasticnet', regularization: 2, l1Ratio: 0.5, fitIntercept: true, solver: 'coordinate-descent' });
  });
});

describe('linear: predictor state', () => {
  async function state(): Promise<ModelState> {
    return (await new Trainer({ model: { type: 'linear' }, target: 'y' }).fit(regressionData(60, 10))).state;
  }

  it('rebuilds from its state and predicts into a caller buffer', async () => {
    const s = await state();
    const p = loadPredictor(s);
    const X = Float32Array.of(1, 2, 3, 4, -1, 0, 0.5, 2);
    const out = new Float64Array(2);
    expect(p.predictMatrix(X, 2, out)).toBe(out);
    const coef = s.tensors[0].data;
    const b = s.tensors[1].data[0];
    expect(out[0]).toBeCloseTo(b + coef[0] * 1 + coef[1] * 2 + coef[2] * 3 + coef[3] * 4, 10);
    expect(() => p.predictMatrix(X, 3)).toThrow(/fewer than 3 rows/);
  });

  it('throws ARTIFACT_CORRUPT for malformed states', async () => {
    const s = await state();
    const with_ = (f: (t: ModelState) => void): ModelState => {
      const copy: ModelState = { ...s, tensors: s.tensors.map((t) => ({ ...t, data: t.data.slice() })) };
      f(copy);
      return copy;
    };
    const broken: Array<[string, ModelState]> = [
      ['missing coef', with_((t) => (t.tensors = t.tensors.filter((x) => x.name !== 'coef')))],
      ['float32 coef', with_((t) => (t.tensors[0] = { ...t.tensors[0], dtype: 'float32', data: Float32Array.from(t.tensors[0].data) }))],
      ['wrong shape', with_((t) => (t.tensors[0] = { ...t.tensors[0], shape: [2, 2] }))],
      ['short data', with_((t) => (t.tensors[0] = { ...t.tensors[0], data: t.tensors[0].data.slice(1) }))],
      ['NaN weight', with_((t) => (t.tensors[1].data[0] = NaN))],
      ['wrong task', with_((t) => (t.task = 'binary'))],
      ['bad numFeatures', with_((t) => (t.numFeatures = -1))],
      ['duplicate tensor', with_((t) => t.tensors.push(t.tensors[0]))],
    ];
    for (const [what, st] of broken) {
      const err = await expectCode(() => loadPredictor(st), 'ARTIFACT_CORRUPT');
      expect(err.message, what).toMatch(/linear model state is malformed/);
    }
  });
});

describe('linear: least-squares statistics', () => {
  it('are the weighted, centred cross-products, whatever the number of rows modulo 4', () => {
    const r = createRng(12);
    for (const n of [1, 5, 7, 40]) {
      const d = 3;
      const X = { data: Float32Array.from({ length: n * d }, () => r.normal() * 2 + 1), rows: n, cols: d };
      const y = Float64Array.from({ length: n }, () => r.normal());
      const w = Float64Array.from({ length: n }, () => r.next() * 3);
      const s = leastSquaresStats({ X, y, sampleWeight: w }, true);
      const sw = w.reduce((a, v) => a + v, 0);
      const mean = [0, 1, 2].map((c) => w.reduce((a, wi, i) => a + wi * X.data[i * d + c], 0) / sw);
      const yMean = w.reduce((a, wi, i) => a + wi * y[i], 0) / sw;
      for (let a = 0; a < d; a++) {
        expect(s.mean[a]).toBeCloseTo(mean[a], 12);
        expect(s.q[a]).toBeCloseTo(w.reduce((acc, wi, i) => acc + wi * (X.data[i * d + a] - mean[a]) * (y[i] - yMean), 0), 10);
        for (let b = 0; b < d; b++) {
          const g = w.reduce((acc, wi, i) => acc + wi * (X.data[i * d + a] - mean[a]) * (X.data[i * d + b] - mean[b]), 0);
          expect(s.G[a * d + b]).toBeCloseTo(g, 10);
        }
      }
      expect(s.yy).toBeCloseTo(w.reduce((acc, wi, i) => acc + wi * (y[i] - yMean) ** 2, 0), 10);
      expect(s.weightSum).toBeCloseTo(sw, 12);
      const raw = leastSquaresStats({ X, y }, false);
      expect(Array.from(raw.mean)).toEqual([0, 0, 0]);
      expect(raw.G[0]).toBeCloseTo(X.data.filter((_, i) => i % d === 0).reduce((a, v) => a + v * v, 0), 10);
    }
  });
});
