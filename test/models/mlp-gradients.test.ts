/**
 * The hand-written backward passes against finite differences of the loss: the JS engine
 * in float64 to 1e-6, the tfjs engine (float32, wasm) against the JS engine's gradient.
 * Gradients are read from one plain SGD step with learning rate 1: g = before − after.
 * Each batch is `n` rows picked out of order from a larger matrix, as training passes them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { disposeBackends } from '../../src/backend/index';
import { resolveBackendHandle } from '../../src/backend/handle';
import type { Tf } from '../../src/backend/tfjs';
import type { Batch, Engine, NetworkSpec } from '../../src/models/mlp/engine';
import { JsEngine } from '../../src/models/mlp/engine-js';
import { TfEngine } from '../../src/models/mlp/engine-tf';
import { type MlpActivation, validateMlpParams } from '../../src/models/mlp/params';
import { MlpNetwork, type MlpOutput } from '../../src/models/mlp/predictor';
import { createRng } from '../../src/random';

afterAll(() => disposeBackends());

const n = 7;
/** Rows of the matrix the batch's rows are picked from. */
const m = 12;
const layers = [3, 5, 4];

function setup(output: MlpOutput, activation: MlpActivation, seed: number) {
  const rng = createRng(seed);
  const k = output === 'softmax' ? 3 : 1;
  const dims = [...layers, k];
  const init: Float64Array[] = [];
  for (let l = 0; l < dims.length - 1; l++) {
    init.push(Float64Array.from({ length: dims[l] * dims[l + 1] }, () => rng.normal() * 0.7));
    init.push(Float64Array.from({ length: dims[l + 1] }, () => rng.normal() * 0.3));
  }
  const X = Float32Array.from({ length: m * dims[0] }, () => rng.normal());
  const rows = rng.permutation(m).slice(0, n);
  const T = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    if (output === 'softmax') T[i * k + rng.int(k)] = 1;
    else T[i] = output === 'sigmoid' ? rng.int(2) : rng.normal();
  }
  const w = Float32Array.from({ length: n }, () => 0.5 + rng.next());
  const spec: NetworkSpec = { layers: dims, activation, output, init };
  const batch: Batch = { n, X, rows, T, w, masks: [] };
  return { spec, batch, k, dims };
}

const l2 = 0.03;
const params = validateMlpParams({ optimizer: 'sgd', momentum: 0, learningRate: 1, l2 });

/** The objective, as engine.ts defines it, computed with the predictor's forward pass. */
function objective(spec: NetworkSpec, batch: Batch, k: number, P: Float64Array[]): number {
  const net = new MlpNetwork(spec.layers, spec.activation, 'identity', P.filter((_, i) => i % 2 === 0), P.filter((_, i) => i % 2 === 1));
  const d = spec.layers[0];
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++) X.set(batch.X.subarray(batch.rows[i] * d, (batch.rows[i] + 1) * d), i * d);
  const z = new Float64Array(n * k);
  net.forward(X, n, z);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let li: number;
    if (spec.output === 'sigmoid') li = Math.log(1 + Math.exp(z[i])) - batch.T[i] * z[i];
    else if (spec.output === 'identity') li = 0.5 * (z[i] - batch.T[i]) ** 2;
    else {
      const row = z.subarray(i * k, i * k + k);
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      li = -row.reduce((s, v, j) => s + batch.T[i * k + j] * (v - lse), 0);
    }
    loss += batch.w![i] * li;
  }
  let penalty = 0;
  for (let q = 0; q < P.length; q += 2) for (const v of P[q]) penalty += v * v;
  return loss / n + (l2 / 2) * penalty;
}

/** The gradient (from one SGD step at rate 1) and the reported loss `Σ w ℓ`. */
async function stepGradient(engine: Engine, batch: Batch): Promise<Float64Array[] & { loss?: number }> {
  const before = await engine.weights();
  engine.step(batch, 1);
  const after = await engine.weights();
  const loss = await engine.takeLoss();
  engine.dispose();
  return Object.assign(
    before.map((b, q) => b.map((v, i) => v - after[q][i])),
    { loss },
  );
}

const cases: Array<[MlpOutput, MlpActivation]> = [
  ['sigmoid', 'relu'],
  ['softmax', 'tanh'],
  ['identity', 'sigmoid'],
  ['sigmoid', 'tanh'],
];

describe('mlp backward pass', () => {
  it.each(cases)('JS engine: %s output, %s hidden, with weights and l2 = finite differences', async (output, activation) => {
    const { spec, batch, k } = setup(output, activation, 1);
    const g = await stepGradient(new JsEngine(spec, params, n), batch);
    const P = spec.init.map((a) => Float64Array.from(a));
    // The reported loss is the data part of the objective (squared error for regression).
    const noDecay = objective(spec, batch, k, P) - (l2 / 2) * P.filter((_, i) => i % 2 === 0).reduce((s, a) => s + a.reduce((t, v) => t + v * v, 0), 0);
    expect(g.loss! / n).toBeCloseTo(spec.output === 'identity' ? 2 * noDecay : noDecay, 10);
    const h = 1e-6;
    for (let q = 0; q < P.length; q++) {
      for (let i = 0; i < P[q].length; i++) {
        const v = P[q][i];
        P[q][i] = v + h;
        const up = objective(spec, batch, k, P);
        P[q][i] = v - h;
        const down = objective(spec, batch, k, P);
        P[q][i] = v;
        expect(g[q][i]).toBeCloseTo((up - down) / (2 * h), 6);
      }
    }
  });

  it.each(cases)('tfjs engine on wasm: %s output, %s hidden = JS engine gradient (float32)', async (output, activation) => {
    const handle = await resolveBackendHandle('wasm');
    const { spec, batch } = setup(output, activation, 2);
    const expected = await stepGradient(new JsEngine(spec, params, n), batch);
    const got = await stepGradient(new TfEngine(handle.tf as Tf, 'wasm', spec, params, n), batch);
    for (let q = 0; q < expected.length; q++) {
      const scale = Math.max(1e-2, ...expected[q].map(Math.abs));
      for (let i = 0; i < expected[q].length; i++) expect(Math.abs(got[q][i] - expected[q][i]) / scale).toBeLessThan(1e-4);
    }
    // The loss both report (Σ w ℓ; squared error for regression).
    expect(got.loss! / expected.loss!).toBeCloseTo(1, 5);
  });

  it('dropout masks scale kept units and zero the dropped ones in both engines alike', async () => {
    const handle = await resolveBackendHandle('wasm');
    const { spec, batch } = setup('sigmoid', 'relu', 3);
    const rng = createRng(4);
    batch.masks = spec.layers.slice(1, -1).map((h) => Float32Array.from({ length: n * h }, () => (rng.next() < 0.5 ? 0 : 2)));
    const js = await stepGradient(new JsEngine(spec, { ...params, dropout: 0.5 }, n), batch);
    const tf = await stepGradient(new TfEngine(handle.tf as Tf, 'wasm', spec, { ...params, dropout: 0.5 }, n), batch);
    const noMask = await stepGradient(new JsEngine(spec, params, n), { ...batch, masks: [] });
    for (let q = 0; q < js.length; q++) for (let i = 0; i < js[q].length; i++) expect(Math.abs(tf[q][i] - js[q][i])).toBeLessThan(1e-5);
    expect(js[0]).not.toEqual(noMask[0]);
  });
});
