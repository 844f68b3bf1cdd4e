/**
 * The mlp family's training is scikit-learn's, update for update: scikit-learn's
 * MLPClassifier / MLPRegressor was run on the initial weights and batch orders this
 * family draws for a seed (test/fixtures/models/generate_mlp_trajectory.py reimplements
 * the draws and patches them in), and every epoch's loss, the final weights and the
 * epoch early stopping ends on must come out the same here. Any difference in how the
 * loss or its gradient is averaged over a batch, the L2 term, Adam's bias correction,
 * SGD momentum, the initialisation, the last partial batch or the stopping rule shows up
 * as a mismatch far above the tolerances (float32 storage of the weights).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JS_BACKEND } from '../../src/backend/handle';
import { mlpFamily } from '../../src/models/mlp/index';
import type { MlpParams } from '../../src/models/mlp/params';
import type { FitContext, Task } from '../../src/models/types';
import { createRng } from '../../src/random';

interface Case {
  name: string;
  task: Task;
  dataSeed: number;
  rows: number;
  seed: number;
  params: Record<string, unknown>;
  ySum: number;
  lossCurve: number[] | null;
  epochs: number;
  weights: Record<string, number[]>;
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/models/mlp_trajectory.json', import.meta.url), 'utf8')) as { features: number; cases: Case[] };
const D = golden.features;

/** The fixture's data: MINSTD uniforms, features float32(4u − 2), targets from products of features. */
function data(c: Case): { X: Float32Array; y: Float64Array } {
  let s = c.dataSeed;
  const X = new Float32Array(c.rows * D);
  for (let i = 0; i < X.length; i++) {
    s = (s * 48271) % 2147483647;
    X[i] = 4 * (s / 2147483647) - 2;
  }
  const y = new Float64Array(c.rows);
  for (let i = 0; i < c.rows; i++) {
    const r = X.subarray(i * D, i * D + D);
    if (c.task === 'binary') y[i] = r[0] * r[1] + 0.5 * r[2] > 0 ? 1 : 0;
    else if (c.task === 'multiclass') {
      const scores = [r[0] * r[1], r[2] + 0.5 * r[3], r[4] * r[4] - 0.6];
      y[i] = scores.indexOf(Math.max(...scores));
    } else y[i] = r[0] * r[1] + 0.5 * r[2] * r[2] + 0.3 * r[3];
  }
  return { X, y };
}

async function fit(c: Case) {
  const { X, y } = data(c);
  expect(y.reduce((a, b) => a + b, 0)).toBeCloseTo(c.ySum, 9); // the rows the script trained on
  const ctx: FitContext<MlpParams> = {
    train: { X: { data: X, rows: c.rows, cols: D }, y },
    task: c.task,
    classes: c.task === 'multiclass' ? [0, 1, 2] : c.task === 'binary' ? [0, 1] : undefined,
    features: [],
    params: mlpFamily.validateParams(c.params, c.task),
    rng: createRng(c.seed),
    seed: c.seed,
    backend: JS_BACKEND,
    progress: () => {},
  };
  return mlpFamily.fit(ctx);
}

describe('mlp training = scikit-learn on the same draws', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const result = await fit(c);
    expect(result.iterations).toBe(c.epochs);
    if (c.lossCurve !== null) {
      const losses = result.history.map((h) => h.loss);
      expect(losses).toHaveLength(c.lossCurve.length);
      for (let e = 0; e < losses.length; e++) expect(Math.abs(losses[e] / c.lossCurve[e] - 1)).toBeLessThan(1e-9);
    }
    const tensors = new Map(result.state.tensors.map((t) => [t.name, t.data]));
    expect([...tensors.keys()].sort()).toEqual(Object.keys(c.weights).sort());
    let worst = 0;
    for (const [name, expected] of Object.entries(c.weights)) {
      const got = tensors.get(name)!;
      expect(got).toHaveLength(expected.length);
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('the comparison has power: other draws (another seed) give other weights', async () => {
    const c = golden.cases[3];
    const other = await fit({ ...c, seed: c.seed + 1 });
    const W0 = other.state.tensors.find((t) => t.name === 'W0')!.data;
    const diff = Math.max(...Array.from(W0, (v, i) => Math.abs(v - c.weights.W0[i])));
    expect(diff).toBeGreaterThan(1e-2);
  });
});
