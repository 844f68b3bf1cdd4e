import { afterAll, describe, expect, it } from 'vitest';
import { disposeBackends, useBackend } from '../../src/backend/index';
import type { Tf } from '../../src/backend/tfjs';
import { resolveBackendHandle } from '../../src/backend/handle';
import { Dataset } from '../../src/dataset/dataset';
import { MlopsError } from '../../src/errors';
import { loadPredictor } from '../../src/models/families';
import { learningRateAt, validateMlpParams } from '../../src/models/mlp/params';
import type { ModelState, ProgressEvent } from '../../src/models/types';
import { createRng } from '../../src/random';
import { Trainer } from '../../src/trainer/trainer';
import { startWebGpu } from '../backend/webgpu-helper';

afterAll(() => disposeBackends());

/** A seeded dataset with a nonlinear boundary. */
function data(rows: number, seed = 1, classes = 2): Dataset {
  const rng = createRng(seed);
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const label: string[] = [];
  const value: number[] = [];
  for (let i = 0; i < rows; i++) {
    const x = rng.normal();
    const y = rng.normal();
    const z = rng.normal();
    a.push(x);
    b.push(y);
    c.push(z);
    const s = x * y + 0.5 * z;
    label.push(classes === 2 ? (s > 0 ? 'yes' : 'no') : ['red', 'green', 'blue'][s < -0.4 ? 0 : s < 0.4 ? 1 : 2]);
    value.push(1000 + 50 * Math.sin(x) + 30 * y * z);
  }
  return Dataset.fromColumns({ a, b, c, label, value });
}

async function tfOf(backend: string): Promise<Tf> {
  return (await resolveBackendHandle(backend)).tf as Tf;
}

function err(fn: () => unknown): MlopsError {
  try {
    fn();
  } catch (e) {
    return e as MlopsError;
  }
  throw new Error('expected an error');
}

describe('mlp parameters', () => {
  it('applies defaults', () => {
    const p = validateMlpParams({});
    expect(p).toMatchObject({ hiddenLayers: [64], activation: 'relu', optimizer: 'adam', learningRate: 1e-3, batchSize: 200, epochs: 200, l2: 1e-4 / 200, dropout: 0 });
    expect(p.earlyStopping).toEqual({ patience: 10, minDelta: 1e-4, restoreBest: true });
    expect(validateMlpParams({ optimizer: 'sgd' }).learningRate).toBe(0.01);
  });

  it('rejects bad values with TRAIN_INVALID_PARAMS naming the parameter', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ hiddenLayer: [3] }, 'unknown parameter `hiddenLayer`'],
      [{ hiddenLayers: [0] }, '`hiddenLayers`'],
      [{ hiddenLayers: 'big' }, '`hiddenLayers`'],
      [{ activation: 'gelu' }, '`activation`'],
      [{ dropout: 1 }, '`dropout`'],
      [{ optimizer: 'rmsprop' }, '`optimizer`'],
      [{ learningRate: -1 }, '`learningRate`'],
      [{ batchSize: 2.5 }, '`batchSize`'],
      [{ schedule: 'linear' }, '`schedule.type`'],
      [{ schedule: 'toString' }, '`schedule.type`'],
      [{ schedule: { type: 'step', gamma: 2 } }, '`gamma`'],
      [{ schedule: { type: 'cosine', every: 3 } }, '`schedule.every`'],
      [{ earlyStopping: { patience: 0 } }, '`patience`'],
      [{ earlyStopping: 'yes' }, '`earlyStopping`'],
    ];
    for (const [params, text] of cases) {
      const e = err(() => validateMlpParams(params));
      expect(e).toBeInstanceOf(MlopsError);
      expect(e.code).toBe('TRAIN_INVALID_PARAMS');
      expect(e.message).toContain(text);
    }
  });

  it('computes learning-rate schedules per epoch', () => {
    const base = { learningRate: 0.1, epochs: 10 };
    const at = (schedule: unknown, e: number): number => learningRateAt({ ...base, schedule: validateMlpParams({ schedule }).schedule }, e);
    expect(at('constant', 7)).toBe(0.1);
    expect(at({ type: 'step', every: 3, gamma: 0.5 }, 2)).toBeCloseTo(0.1, 12);
    expect(at({ type: 'step', every: 3, gamma: 0.5 }, 3)).toBeCloseTo(0.05, 12);
    expect(at({ type: 'step', every: 3, gamma: 0.5 }, 7)).toBeCloseTo(0.025, 12);
    expect(at({ type: 'exponential', gamma: 0.9 }, 2)).toBeCloseTo(0.081, 12);
    expect(at({ type: 'cosine', minLearningRate: 0.01 }, 0)).toBeCloseTo(0.1, 12);
    expect(at({ type: 'cosine', minLearningRate: 0.01 }, 5)).toBeCloseTo(0.055, 12);
  });
});

describe('mlp training (cpu)', () => {
  const ds = data(600);
  const { train, test } = ds.split({ testFraction: 0.25, seed: 2 });

  it('learns a nonlinear binary boundary and writes the documented state layout', async () => {
    const model = await new Trainer({ model: { type: 'mlp', task: 'classification', hiddenLayers: [16, 8], epochs: 60, batchSize: 32, learningRate: 0.01 }, target: 'label', features: ['a', 'b', 'c'], seed: 3 }).fit(train);
    const preds = await model.predict(test);
    const truth = test.column('label').toArray();
    const acc = preds.labels!.filter((l, i) => l === truth[i]).length / truth.length;
    expect(acc).toBeGreaterThan(0.85);
    const s = model.state;
    expect(s.params).toMatchObject({ layers: [3, 16, 8, 1], activations: ['relu', 'relu'], output: 'sigmoid' });
    expect(s.tensors.map((t) => `${t.name}:${t.dtype}:${t.shape.join('x')}`)).toEqual(['W0:float32:3x16', 'b0:float32:16', 'W1:float32:16x8', 'b1:float32:8', 'W2:float32:8x1', 'b2:float32:1']);
    expect(model.runRecord.backend).toBe('cpu');
    expect(model.runRecord.extras).toMatchObject({ engine: 'js' });
  });

  it('predicts the same after a JSON round trip of the state (pure TypeScript predictor)', async () => {
    const model = await new Trainer({ model: { type: 'mlp', hiddenLayers: [8], epochs: 5 }, target: 'label', features: ['a', 'b', 'c'], seed: 3 }).fit(train);
    const json = JSON.stringify({ ...model.state, tensors: model.state.tensors.map((t) => ({ ...t, data: Array.from(t.data) })) });
    const parsed = JSON.parse(json) as ModelState & { tensors: Array<{ data: number[] }> };
    const state: ModelState = { ...parsed, tensors: parsed.tensors.map((t) => ({ ...(t as unknown as ModelState['tensors'][number]), data: Float32Array.from(t.data) })) };
    const X = model.pipeline.transform(test);
    expect(loadPredictor(state).predictMatrix(X.data, X.rows)).toEqual(model.predictor.predictMatrix(X.data, X.rows));
  });

  it('rejects a corrupt state with ARTIFACT_CORRUPT', async () => {
    const model = await new Trainer({ model: { type: 'mlp', hiddenLayers: [4], epochs: 1 }, target: 'label', features: ['a', 'b', 'c'] }).fit(train);
    const s = model.state;
    const bad = (patch: Partial<ModelState>): MlopsError => err(() => loadPredictor({ ...s, ...patch }));
    expect(bad({ tensors: s.tensors.filter((t) => t.name !== 'W1') }).message).toContain('W1 is missing');
    expect(bad({ tensors: s.tensors.map((t) => (t.name === 'W0' ? { ...t, shape: [4, 3] } : t)) }).code).toBe('ARTIFACT_CORRUPT');
    expect(bad({ params: { ...s.params, layers: [5, 4, 1] } }).message).toContain('numFeatures');
    expect(bad({ params: { ...s.params, output: 'softmax' } }).code).toBe('ARTIFACT_CORRUPT');
    expect(bad({ params: { ...s.params, activations: ['toString'] } }).message).toContain('activations');
  });

  it('multiclass: softmax over the classes, probabilities sum to one', async () => {
    const ds3 = data(600, 4, 3);
    const model = await new Trainer({ model: { type: 'mlp', hiddenLayers: [16], epochs: 40, batchSize: 32, learningRate: 0.01 }, target: 'label', features: ['a', 'b', 'c'], seed: 1 }).fit(ds3);
    expect(model.state.params).toMatchObject({ layers: [3, 16, 3], output: 'softmax' });
    const p = await model.predict(ds3);
    const probs = p.probabilities!;
    for (let i = 0; i < p.length; i++) expect(probs[3 * i] + probs[3 * i + 1] + probs[3 * i + 2]).toBeCloseTo(1, 12);
    const truth = ds3.column('label').toArray();
    expect(p.labels!.filter((l, i) => l === truth[i]).length / truth.length).toBeGreaterThan(0.8);
  });

  it('regression: predicts in the target units (the target is standardised inside)', async () => {
    const model = await new Trainer({ model: { type: 'mlp', hiddenLayers: [32], epochs: 80, batchSize: 32, learningRate: 0.01 }, target: 'value', features: ['a', 'b', 'c'], seed: 1 }).fit(train);
    const target = model.state.params.target as { mean: number; scale: number };
    expect(target.mean).toBeGreaterThan(990);
    const v = (await model.predict(test)).values!;
    const truth = test.column('value').toArray() as number[];
    const mean = truth.reduce((x, y) => x + y, 0) / truth.length;
    const r2 = 1 - truth.reduce((s, t, i) => s + (t - v[i]) ** 2, 0) / truth.reduce((s, t) => s + (t - mean) ** 2, 0);
    expect(r2).toBeGreaterThan(0.9);
    // The reported loss is the MSE in target units.
    const last = model.runRecord.history.at(-1)!;
    expect(last.loss).toBeGreaterThan(1);
    expect(last.loss).toBeLessThan(0.2 * truth.reduce((s, t) => s + (t - mean) ** 2, 0) / truth.length);
  });

  it('early stopping on the validation loss restores the best epoch', async () => {
    const small = data(200, 9);
    const model = await new Trainer({
      model: { type: 'mlp', hiddenLayers: [64], epochs: 300, batchSize: 16, learningRate: 0.03, earlyStopping: { patience: 5 } },
      target: 'label',
      features: ['a', 'b', 'c'],
      seed: 1,
    }).fit(small.slice(0, 100), { validation: small.slice(100) });
    const r = model.runRecord;
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThan(300);
    const best = r.history.reduce((a, h) => (h.valLoss! < a.valLoss! ? h : a));
    expect(r.bestIteration).toBe(best.epoch);
    expect(r.iterations).toBeGreaterThanOrEqual(best.epoch + 5);
    // The returned weights are the best epoch's: their validation loss is the minimum.
    const X = model.pipeline.transform(small.slice(100));
    const p = model.predictor.predictMatrix(X.data, X.rows);
    const y = small.slice(100).column('label').toArray();
    let loss = 0;
    for (let i = 0; i < p.length; i++) loss -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, y[i] === 'yes' ? p[i] : 1 - p[i])));
    expect(loss / p.length).toBeCloseTo(best.valLoss!, 6);
  });

  it('emits start, one event per epoch with an ETA, and done', async () => {
    const events: ProgressEvent[] = [];
    await new Trainer({ model: { type: 'mlp', hiddenLayers: [4], epochs: 4, earlyStopping: false }, target: 'label', features: ['a', 'b', 'c'], onProgress: (e) => events.push(e) }).fit(train, { validation: test });
    expect(events.map((e) => e.phase)).toEqual(['start', 'epoch', 'epoch', 'epoch', 'epoch', 'done']);
    const epochs = events.filter((e) => e.phase === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    for (const e of epochs) {
      expect(e.totalEpochs).toBe(4);
      expect(e.etaMs).toBeGreaterThanOrEqual(0);
      expect(e.loss).toBeGreaterThan(0);
      expect(e.valLoss).toBeGreaterThan(0);
      expect(e.metrics?.valAccuracy).toBeGreaterThan(0);
    }
  });

  it('row weights scale the loss and its gradient; class weights shift the probabilities', async () => {
    const weighted = train.withColumn('w', new Float64Array(train.numRows).fill(2));
    const sgd = { type: 'mlp' as const, hiddenLayers: [8], epochs: 5, optimizer: 'sgd', l2: 0, earlyStopping: false }; // weight decay does not scale with the row weights
    const a = await new Trainer({ model: { ...sgd, learningRate: 0.05 }, target: 'label', features: ['a', 'b', 'c'], sampleWeight: 'w', seed: 2 }).fit(weighted);
    const b = await new Trainer({ model: { ...sgd, learningRate: 0.1 }, target: 'label', features: ['a', 'b', 'c'], seed: 2 }).fit(train);
    const pa = (await a.predict(test)).scores!;
    const pb = (await b.predict(test)).scores!;
    for (let i = 0; i < pa.length; i++) expect(pa[i]).toBeCloseTo(pb[i], 6);
    const mean = (x: Float64Array): number => x.reduce((s, v) => s + v, 0) / x.length;
    const favour = (classWeight: Record<string, number>) =>
      new Trainer({ model: { type: 'mlp', hiddenLayers: [8], epochs: 60, learningRate: 0.01 }, target: 'label', features: ['a', 'b', 'c'], classWeight, seed: 2 }).fit(train);
    const [yes, no] = await Promise.all([favour({ yes: 5, no: 1 }), favour({ yes: 1, no: 5 })]);
    expect(mean((await yes.predict(test)).scores!)).toBeGreaterThan(mean((await no.predict(test)).scores!) + 0.2);
  });

  it('dropout is seeded: same seed same weights, and it changes the result', async () => {
    const fit = (dropout: number, seed: number) =>
      new Trainer({ model: { type: 'mlp', hiddenLayers: [16], epochs: 3, dropout }, target: 'label', features: ['a', 'b', 'c'], seed }).fit(train);
    const [a, b, c] = await Promise.all([fit(0.3, 5), fit(0.3, 5), fit(0, 5)]);
    expect(a.state.tensors).toEqual(b.state.tensors);
    expect(a.state.tensors[0].data).not.toEqual(c.state.tensors[0].data);
  });

  it('a missing feature left unimputed is DATA_NON_FINITE, with the fix in the message', async () => {
    const withNaN = Dataset.fromColumns({ a: [1, 2, null, 4, 5, 6], label: ['x', 'y', 'x', 'y', 'x', 'y'] });
    const e = await new Trainer({ model: { type: 'mlp', epochs: 1 }, target: 'label', preprocess: { numeric: { impute: 'none' } } }).fit(withNaN).catch((x: MlopsError) => x);
    expect(e).toBeInstanceOf(MlopsError);
    expect((e as MlopsError).code).toBe('DATA_NON_FINITE');
    expect((e as MlopsError).message).toContain('impute');
  });

  it('a diverging run stops with TRAIN_DIVERGED', async () => {
    const e = await new Trainer({ model: { type: 'mlp', hiddenLayers: [32], optimizer: 'sgd', learningRate: 10, momentum: 0.99, epochs: 50, earlyStopping: false }, target: 'value', features: ['a', 'b', 'c'] })
      .fit(train)
      .catch((x: MlopsError) => x);
    expect((e as MlopsError).code).toBe('TRAIN_DIVERGED');
  });

  it('keeps the event loop responsive while training', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    await new Trainer({ model: { type: 'mlp', hiddenLayers: [64, 64], epochs: 30, batchSize: 16, earlyStopping: false }, target: 'label', features: ['a', 'b', 'c'] }).fit(train);
    clearInterval(timer);
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThan(ms / 100);
  });
});

/** Backends to run the tfjs-engine tests on: wasm always; webgpu where it starts (always in CI). */
const tfBackends = ['wasm', 'webgpu'] as const;

describe.each(tfBackends)('mlp on %s', (backend) => {
  const ds = data(160, 11);
  const tiny = { type: 'mlp' as const, hiddenLayers: [8], epochs: 3, batchSize: 40, earlyStopping: false as const };

  async function ready(): Promise<boolean> {
    if (backend === 'wasm') {
      await useBackend('wasm');
      return true;
    }
    return (await startWebGpu()) !== undefined;
  }

  it('same seed, same data, same backend: bit-identical weights', async () => {
    if (!(await ready())) return;
    const fit = () => new Trainer({ model: { ...tiny, dropout: 0.2 }, target: 'label', features: ['a', 'b', 'c'], seed: 8, backend }).fit(ds);
    const a = await fit();
    const b = await fit();
    expect(a.runRecord.backend).toBe(backend);
    expect(a.runRecord.extras).toMatchObject({ engine: 'tfjs' });
    expect(a.state.tensors).toEqual(b.state.tensors);
    const c = await new Trainer({ model: { ...tiny, dropout: 0.2 }, target: 'label', features: ['a', 'b', 'c'], seed: 9, backend }).fit(ds);
    expect(c.state.tensors[0].data).not.toEqual(a.state.tensors[0].data);
  });

  it('leaks no tensor after fit and predict, for every task and optimiser', async () => {
    if (!(await ready())) return;
    const tf = await tfOf(backend);
    const before = tf.memory().numTensors;
    const runs: Array<[Record<string, unknown>, string]> = [
      [{ ...tiny, optimizer: 'sgd', nesterov: true, l2: 0.01, activation: 'tanh' }, 'label'],
      [{ ...tiny, dropout: 0.5, activation: 'sigmoid', task: 'multiclass' }, 'label'],
      [{ ...tiny, hiddenLayers: [] }, 'value'],
    ];
    for (const [model, target] of runs) {
      const m = await new Trainer({ model: model as never, target, features: ['a', 'b', 'c'], backend }).fit(ds, { validation: ds.slice(0, 40) });
      await m.predict(ds);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('an abort between batches rejects with ABORTED and leaves no tensor behind', async () => {
    if (!(await ready())) return;
    const tf = await tfOf(backend);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const e = await new Trainer({
      model: { ...tiny, epochs: 50, batchSize: 8 },
      target: 'label',
      features: ['a', 'b', 'c'],
      backend,
      onProgress: (ev) => {
        if (ev.phase === 'epoch' && ev.epoch === 1) controller.abort(new Error('operator cancelled'));
      },
    })
      .fit(ds, { signal: controller.signal })
      .catch((x: MlopsError) => x);
    expect((e as MlopsError).code).toBe('ABORTED');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('mlp on cpu: abort', () => {
  it('an abort from a timer stops a long cpu fit between batches', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const t0 = performance.now();
    const e = await new Trainer({ model: { type: 'mlp', hiddenLayers: [64], epochs: 10_000, batchSize: 8, earlyStopping: false }, target: 'label', features: ['a', 'b', 'c'] })
      .fit(data(400), { signal: controller.signal })
      .catch((x: MlopsError) => x);
    expect((e as MlopsError).code).toBe('ABORTED');
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('mlp parameter names', () => {
  it('suggests the closest known name for a typo', () => {
    expect(() => validateMlpParams({ hiddenLayer: [3] })).toThrowError(
      expect.objectContaining({ code: 'TRAIN_INVALID_PARAMS', message: expect.stringContaining('Did you mean `hiddenLayers`?'), details: expect.objectContaining({ suggestion: 'hiddenLayers' }) }),
    );
  });
});
