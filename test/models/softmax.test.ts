import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { MlopsError } from '../../src/errors';
import { linearCoefficients } from '../../src/models/linear/index';
import { loadPredictor } from '../../src/models/families';
import type { ModelState } from '../../src/models/types';
import { createRng } from '../../src/random';
import { Trainer } from '../../src/trainer/trainer';
import { fitGolden, golden, maxAbsDiff } from './linear-golden';

const cases = golden.cases.filter((c) => c.family === 'softmax');

function multiData(n: number, k: number, seed: number): Dataset {
  const r = createRng(seed);
  // Class centres on a circle of radius 3.
  const centres = Array.from({ length: k }, (_, c) => [3 * Math.cos((2 * Math.PI * c) / k), 3 * Math.sin((2 * Math.PI * c) / k)]);
  return Dataset.fromRows(
    Array.from({ length: n }, () => {
      const c = r.int(k);
      return { x: centres[c][0] + r.normal(), z: centres[c][1] + r.normal(), tier: `t${c}` };
    }),
  );
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string, message?: RegExp): Promise<void> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MlopsError);
  expect((err as MlopsError).code).toBe(code);
  if (message !== undefined) expect((err as MlopsError).message).toMatch(message);
}

describe('softmax: agreement with scikit-learn (golden fixtures)', () => {
  for (const c of cases) {
    it(`${c.name} matches ${c.sklearn}: coefficients within 1e-3, probabilities within 1e-4`, async () => {
      const r = await fitGolden(c);
      expect(maxAbsDiff(r.coef, c.coef)).toBeLessThan(1e-3);
      expect(maxAbsDiff(r.intercept, c.intercept)).toBeLessThan(1e-3);
      expect(maxAbsDiff(r.testPred, c.testPred)).toBeLessThan(1e-4);
      expect(r.model.runRecord.converged).toBe(true);
    });
  }
});

describe('softmax: behaviour', () => {
  it('trains 2 to 5 classes; probabilities sum to 1 and intercepts to 0', async () => {
    for (const k of [2, 3, 5]) {
      const ds = multiData(120 * k, k, k);
      const model = await new Trainer({ model: { type: 'softmax' }, target: 'tier' }).fit(ds);
      expect(model.task).toBe('multiclass');
      expect(model.classes).toHaveLength(k);
      const preds = await model.predict(ds);
      const p = preds.probabilities!;
      for (let i = 0; i < ds.numRows; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += p[i * k + j];
        expect(s).toBeCloseTo(1, 12);
      }
      const b = model.state.tensors.find((t) => t.name === 'intercept')!.data;
      expect(Array.from(b).reduce((a, v) => a + v, 0)).toBeCloseTo(0, 12);
      const acc = preds.labels!.filter((l, i) => l === ds.column('tier').get(i)).length / ds.numRows;
      expect(acc).toBeGreaterThan(0.75);
      expect(model.runRecord.converged).toBe(true);
    }
  });

  it('exposes per-class coefficients in original units', async () => {
    const ds = multiData(300, 3, 7);
    const model = await new Trainer({ model: { type: 'softmax' }, target: 'tier' }).fit(ds);
    const c = linearCoefficients(model);
    expect(c.outputs).toEqual(['t0', 't1', 't2']);
    expect(c.features.map((f) => f.weights.length)).toEqual([3, 3]);
    // Scores from original units, softmaxed, equal the model's probabilities.
    const row = ds.toRows()[0] as { x: number; z: number };
    const s = c.interceptOriginal.map((b, j) => b + c.features[0].weightsOriginal[j] * row.x + c.features[1].weightsOriginal[j] * row.z);
    const m = Math.max(...s);
    const e = s.map((v) => Math.exp(v - m));
    const tot = e.reduce((a, v) => a + v, 0);
    const p = (await model.predict(row)).probabilities!;
    e.forEach((v, j) => expect(v / tot).toBeCloseTo(p[j], 6));
  });

  it('is bit-for-bit reproducible and rejects bad parameters', async () => {
    const ds = multiData(300, 3, 8);
    const fit = async () => (await new Trainer({ model: { type: 'softmax', regularization: 0.5 }, target: 'tier' }).fit(ds)).state.tensors[0].data as Float64Array;
    const [a, b] = [await fit(), await fit()];
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    await expectCode(new Trainer({ model: { type: 'softmax', l1_ratio: 0.5 }, target: 'tier' }).fit(ds), 'TRAIN_INVALID_PARAMS', /"l1Ratio"/);
  });

  it('documents and validates its state layout', async () => {
    const model = await new Trainer({ model: { type: 'softmax' }, target: 'tier' }).fit(multiData(200, 4, 9));
    const s = model.state;
    expect(s.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['coef', 'float64', [2, 4]],
      ['intercept', 'float64', [4]],
    ]);
    const X = Float32Array.of(0.3, -1.2);
    const out = loadPredictor(s).predictMatrix(X, 1);
    const W = s.tensors[0].data;
    const b = s.tensors[1].data;
    const z = [0, 1, 2, 3].map((c) => b[c] + X[0] * W[c] + X[1] * W[4 + c]);
    const tot = z.reduce((a, v) => a + Math.exp(v), 0);
    z.forEach((v, c) => expect(out[c]).toBeCloseTo(Math.exp(v) / tot, 12));
    const broken = (f: (t: ModelState) => ModelState) => () => loadPredictor(f(s));
    await expectCode(broken((t) => ({ ...t, tensors: [{ ...t.tensors[0], shape: [8] }, t.tensors[1]] })), 'ARTIFACT_CORRUPT', /shape \[8\]/);
    await expectCode(broken((t) => ({ ...t, classes: ['only'] })), 'ARTIFACT_CORRUPT', /1 classes/);
    await expectCode(broken((t) => ({ ...t, type: 'logistic' as const })), 'ARTIFACT_CORRUPT');
    await expectCode(broken((t) => ({ ...t, tensors: [t.tensors[0], { ...t.tensors[1], dtype: 'int32' as const, data: Int32Array.from(t.tensors[1].data) }] })), 'ARTIFACT_CORRUPT', /dtype int32/);
  });
});
