/**
 * Every model family, trained through the public Trainer with the same seed on cpu, wasm
 * and webgpu, predicts the same within the tolerance documented in docs/backends.md:
 * - probabilities within 1e-3 (absolute), regression values within 1e-3 × the target's
 *   standard deviation;
 * - gbdt ignores the backend: identical predictions, run record backend `js`.
 * On tfjs backends no tensor outlives fit and predict.
 *
 * webgpu runs on Mesa's software adapter without a GPU (always in CI; elsewhere it is
 * skipped with a warning when the adapter is missing).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { disposeBackends } from '../../src/backend/index';
import { resolveBackendHandle } from '../../src/backend/handle';
import type { Tf } from '../../src/backend/tfjs';
import { Dataset } from '../../src/dataset/dataset';
import { getFamily } from '../../src/models/families';
import type { Model } from '../../src/models/model';
import type { ModelType } from '../../src/models/types';
import { createRng } from '../../src/random';
import { Trainer, type ModelSpec } from '../../src/trainer/trainer';
import { startWebGpu } from '../backend/webgpu-helper';

afterAll(() => disposeBackends());

/** Probability tolerance (absolute) and regression tolerance (× the target's standard deviation). */
const TOLERANCE = 1e-3;

function data(rows: number): Dataset {
  const rng = createRng(2024);
  const cols: Record<string, unknown[]> = { x1: [], x2: [], x3: [], x4: [], c: [], value: [], flag: [], kind: [] };
  for (let i = 0; i < rows; i++) {
    const x = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const c = ['red', 'green', 'blue'][rng.int(3)];
    x.forEach((v, j) => cols[`x${j + 1}`].push(v));
    cols.c.push(c);
    const s = 1.5 * x[0] - x[1] + 0.5 * x[2] * x[3] + (c === 'red' ? 0.8 : 0) + 0.5 * rng.normal();
    cols.value.push(100 + 10 * s);
    cols.flag.push(s > 0.3 ? 'yes' : 'no');
    cols.kind.push(s < -0.7 ? 'low' : s < 0.9 ? 'mid' : 'high');
  }
  return Dataset.fromColumns(cols);
}

interface Case {
  name: string;
  family: ModelType;
  target: 'value' | 'flag' | 'kind';
  model: ModelSpec;
}

const features = ['x1', 'x2', 'x3', 'x4', 'c'];
const mlp = { type: 'mlp' as const, hiddenLayers: [8, 4], epochs: 5, batchSize: 40, dropout: 0.1, learningRate: 0.01 };
const cases: Case[] = [
  { name: 'linear (regression)', family: 'linear', target: 'value', model: { type: 'linear' } },
  { name: 'logistic (binary)', family: 'logistic', target: 'flag', model: { type: 'logistic' } },
  { name: 'softmax (multiclass)', family: 'softmax', target: 'kind', model: { type: 'softmax' } },
  { name: 'mlp (binary)', family: 'mlp', target: 'flag', model: mlp },
  { name: 'mlp (multiclass)', family: 'mlp', target: 'kind', model: mlp },
  { name: 'mlp (regression)', family: 'mlp', target: 'value', model: { ...mlp, task: 'regression' } },
  { name: 'gbdt (binary)', family: 'gbdt', target: 'flag', model: { type: 'gbdt' } },
];

const ds = data(240);
const std = (() => {
  const v = ds.column('value').toArray() as number[];
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
})();

async function fitPredict(c: Case, backend: string): Promise<{ model: Model; out: Float64Array }> {
  const model = await new Trainer({ model: c.model, target: c.target, features, seed: 17, backend }).fit(ds);
  return { model, out: (await model.predict(ds)).raw };
}

describe.each(cases)('$name gives the same predictions on cpu, wasm and webgpu', (c) => {
  const family = getFamily(c.family);

  let reference: Float64Array | undefined;

  it('cpu (reference)', async () => {
    const { model, out } = await fitPredict(c, 'cpu');
    expect(model.runRecord.backend).toBe(family.usesBackend ? 'cpu' : 'js');
    reference = out;
  });

  it.each(['wasm', 'webgpu'])('%s', async (backend) => {
    if (backend === 'webgpu' && (await startWebGpu()) === undefined) return;
    const tf = (await resolveBackendHandle(backend)).tf as Tf;
    const before = tf.memory().numTensors;
    const { model, out } = await fitPredict(c, backend);
    expect(tf.memory().numTensors).toBe(before);
    expect(model.runRecord.backend).toBe(family.usesBackend ? backend : 'js');
    reference ??= (await fitPredict(c, 'cpu')).out;
    expect(out.length).toBe(reference.length);
    if (!family.usesBackend) {
      expect(out).toEqual(reference);
      return;
    }
    const tol = c.target === 'value' ? TOLERANCE * std : TOLERANCE;
    let worst = 0;
    for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - reference[i]));
    console.log(`cross-backend ${c.name} on ${backend}: largest difference ${worst.toExponential(2)} (tolerance ${tol.toExponential(2)})`);
    expect(worst).toBeLessThanOrEqual(tol);
  });
});
