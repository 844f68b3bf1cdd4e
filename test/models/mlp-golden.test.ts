/**
 * Golden test: the mlp family against scikit-learn's MLPClassifier / MLPRegressor
 * (test/fixtures/models/generate_mlp.py) on the same rows, same architecture and
 * comparable optimiser settings. Test scores are averaged over seeds on both sides.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { Trainer } from '../../src/trainer/trainer';

interface Case {
  seed: number;
  featureSum: number;
  y: number[];
  scores: number[];
  meanScore: number;
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/models/mlp.json', import.meta.url), 'utf8')) as {
  settings: { hidden: number; batchSize: number; alpha: number; learningRate: number; maxIter: number; tol: number; nIterNoChange: number; nTrain: number; nTest: number; features: number };
  binary: Case;
  multiclass: Case;
  regression: Case;
};
const S = golden.settings;

/** The fixture's generator: MINSTD uniforms, Box-Muller normals, rounded to 4 decimals. */
function features(seed: number, rows: number, cols: number): Float64Array {
  let s = seed;
  const uniform = (): number => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  const X = new Float64Array(rows * cols);
  for (let i = 0; i < X.length; i++) {
    const u1 = uniform();
    const u2 = uniform();
    X[i] = Math.round(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) * 1e4) / 1e4;
  }
  return X;
}

function dataset(c: Case): { train: Dataset; test: Dataset } {
  const rows = S.nTrain + S.nTest;
  const X = features(c.seed, rows, S.features);
  let sum = 0;
  for (const v of X) sum += v;
  expect(sum).toBeCloseTo(c.featureSum, 6); // the same rows as the Python script
  const cols: Record<string, Float64Array | number[]> = {};
  for (let j = 0; j < S.features; j++) cols[`x${j}`] = Float64Array.from({ length: rows }, (_, i) => X[i * S.features + j]);
  cols.y = c.y;
  const ds = Dataset.fromColumns(cols);
  return { train: ds.slice(0, S.nTrain), test: ds.slice(S.nTrain, rows) };
}

const model = {
  type: 'mlp' as const,
  hiddenLayers: [S.hidden],
  activation: 'relu',
  optimizer: 'adam',
  learningRate: S.learningRate,
  batchSize: S.batchSize,
  epochs: S.maxIter,
  l2: S.alpha / S.batchSize, // scikit-learn's alpha is divided by the batch size
  // scikit-learn stops once more than n_iter_no_change epochs went without improvement.
  earlyStopping: { patience: S.nIterNoChange + 1, minDelta: S.tol },
};

async function meanScore(c: Case, task: 'classification' | 'regression', seeds: number[]): Promise<number> {
  const { train, test } = dataset(c);
  const truth = c.y.slice(S.nTrain);
  let total = 0;
  for (const seed of seeds) {
    const m = await new Trainer({ model: { ...model, task }, target: 'y', seed, backend: 'cpu' }).fit(train);
    const p = await m.predict(test);
    if (task === 'regression') {
      const v = p.values!;
      const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
      let ssRes = 0;
      let ssTot = 0;
      for (let i = 0; i < truth.length; i++) {
        ssRes += (truth[i] - v[i]) ** 2;
        ssTot += (truth[i] - mean) ** 2;
      }
      total += 1 - ssRes / ssTot;
    } else {
      const labels = p.labels!;
      let correct = 0;
      for (let i = 0; i < truth.length; i++) if (labels[i] === truth[i]) correct++;
      total += correct / truth.length;
    }
  }
  return total / seeds.length;
}

describe('mlp vs scikit-learn (golden)', () => {
  it('binary: test accuracy within one point of MLPClassifier', async () => {
    const ours = await meanScore(golden.binary, 'classification', [1, 2, 3]);
    console.log(`mlp binary accuracy ${ours.toFixed(4)} vs sklearn ${golden.binary.meanScore.toFixed(4)}`);
    expect(Math.abs(ours - golden.binary.meanScore)).toBeLessThanOrEqual(0.01);
  });

  it('multiclass: test accuracy within one point of MLPClassifier', async () => {
    const ours = await meanScore(golden.multiclass, 'classification', [1, 2, 3]);
    console.log(`mlp multiclass accuracy ${ours.toFixed(4)} vs sklearn ${golden.multiclass.meanScore.toFixed(4)}`);
    expect(Math.abs(ours - golden.multiclass.meanScore)).toBeLessThanOrEqual(0.01);
  });

  it('regression: test R² within 0.01 of MLPRegressor', async () => {
    const ours = await meanScore(golden.regression, 'regression', [1, 2]);
    console.log(`mlp regression R² ${ours.toFixed(4)} vs sklearn ${golden.regression.meanScore.toFixed(4)}`);
    expect(Math.abs(ours - golden.regression.meanScore)).toBeLessThanOrEqual(0.01);
  });
});
