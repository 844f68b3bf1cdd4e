/**
 * Logistic regression on a seeded 200,000 x 32 binary classification set: mlops-kit's
 * `logistic` family on every available backend against scikit-learn's
 * LogisticRegression(lbfgs), single thread (bench/baselines/sklearn_logistic.py), at
 * their test accuracy; batch predict against numpy; single-row predict latency.
 *
 *   node --import tsx bench/logistic.ts                    # 200,000 train / 50,000 test rows
 *   BENCH_QUICK=1 node --import tsx bench/logistic.ts      # 20,000 / 5,000 rows, 2 runs
 *   BENCH_ROWS=100000 BENCH_RUNS=7 BENCH_BACKENDS=cpu,wasm node --import tsx bench/logistic.ts
 *
 * A `webgpu` backend on a software adapter (Mesa llvmpipe, no GPU) takes minutes at full
 * size, so it is timed only with BENCH_QUICK=1 or BENCH_SOFTWARE_GPU=1.
 *
 * "fit" is the model fit on the standardised matrix (mlops-kit: the run record's
 * `durations.fitMs`; scikit-learn: `LogisticRegression().fit` on StandardScaler output);
 * "end to end" adds preprocessing (and, for mlops-kit, the data fingerprint). Times are
 * medians over BENCH_RUNS runs after one warm-up run; "best" is the fastest run (less
 * sensitive to other load on a shared machine).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { disposeBackends, useBackend } from '../src/backend/index';
import { Dataset } from '../src/dataset/dataset';
import type { Model } from '../src/models/model';
import { createRng } from '../src/random';
import { Trainer } from '../src/trainer/trainer';

const HERE = dirname(fileURLToPath(import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = Number(process.env.BENCH_ROWS ?? (QUICK ? 20_000 : 200_000));
const TEST_ROWS = Math.round(ROWS / 4);
const COLS = 32;
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 2 : 5));
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'cpu,wasm,webgpu').split(',').filter(Boolean);

interface SklearnResult {
  fitMs: number;
  fitBestMs: number;
  nIter: number;
  testAccuracy: number;
  testLogLoss: number;
  pipelineFitMs: number;
  predictMs: number;
  sklearnPredictMs: number;
  singleRowUs: { p50: number; p99: number };
}

/** Correlated features on mixed scales and offsets; labels from a logistic model. */
function generate(rows: number, seed: number): { X: Float32Array; y: Uint8Array } {
  const rng = createRng(seed);
  const mixRng = createRng(1234); // the same feature structure for train and test
  const mix = Float64Array.from({ length: COLS * COLS }, (_, i) => (i % (COLS + 1) === 0 ? 1 : 0) + (0.3 * mixRng.normal()) / Math.sqrt(COLS));
  const scale = Float64Array.from({ length: COLS }, () => Math.exp(mixRng.normal()));
  const offset = Float64Array.from({ length: COLS }, () => 5 * mixRng.normal());
  const beta = Float64Array.from({ length: COLS }, () => 0.5 * mixRng.normal());
  const X = new Float32Array(rows * COLS);
  const y = new Uint8Array(rows);
  const z = new Float64Array(COLS);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < COLS; j++) z[j] = rng.normal();
    let logit = 0.2;
    for (let j = 0; j < COLS; j++) {
      let v = 0;
      for (let i = 0; i < COLS; i++) v += z[i] * mix[i * COLS + j];
      X[r * COLS + j] = v * scale[j] + offset[j];
      logit += beta[j] * v;
    }
    y[r] = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { X, y };
}

function toDataset(X: Float32Array, y: Uint8Array): Dataset {
  const cols: Record<string, Float64Array> = {};
  for (let j = 0; j < COLS; j++) cols[`f${j}`] = Float64Array.from({ length: y.length }, (_, r) => X[r * COLS + j]);
  return Dataset.fromColumns({ ...cols, label: Float64Array.from(y) });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

function accuracyOf(model: Model, test: Dataset, y: Uint8Array): number {
  const p = model.predictSync(test).scores!;
  let ok = 0;
  for (let i = 0; i < y.length; i++) if ((p[i] >= 0.5 ? 1 : 0) === y[i]) ok++;
  return ok / y.length;
}

async function main(): Promise<void> {
  const train = generate(ROWS, 1);
  const test = generate(TEST_ROWS, 2);
  const dir = mkdtempSync(join(tmpdir(), 'mlops-bench-logistic-'));
  let sk: SklearnResult;
  try {
    writeFileSync(join(dir, 'x_train.f32'), train.X);
    writeFileSync(join(dir, 'y_train.u8'), train.y);
    writeFileSync(join(dir, 'x_test.f32'), test.X);
    writeFileSync(join(dir, 'y_test.u8'), test.y);
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const out = execFileSync('/usr/bin/python3', [join(HERE, 'baselines', 'sklearn_logistic.py'), dir, String(ROWS), String(TEST_ROWS), String(COLS), String(RUNS)], {
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    sk = JSON.parse(out) as SklearnResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const trainDs = toDataset(train.X, train.y);
  const testDs = toDataset(test.X, test.y);
  console.log(`\nLogistic regression, ${ROWS} x ${COLS} train / ${TEST_ROWS} test rows; medians of ${RUNS} runs; scikit-learn single thread\n`);
  console.log('| contender | fit ms | vs sklearn | best fit ms | vs sklearn best | end to end ms | iterations | converged | test accuracy |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|---:|');
  console.log(`| sklearn LogisticRegression(lbfgs) | ${sk.fitMs.toFixed(1)} | 1.00 | ${sk.fitBestMs.toFixed(1)} | 1.00 | ${sk.pipelineFitMs.toFixed(1)} | ${sk.nIter} | | ${sk.testAccuracy.toFixed(4)} |`);
  let best: { name: string; ratio: number } | undefined;
  let model: Model | undefined;
  for (const backend of BACKENDS) {
    try {
      const selection = await useBackend(backend);
      if (selection.adapter?.software === true && !QUICK && process.env.BENCH_SOFTWARE_GPU !== '1') {
        console.log(`| mlops-kit logistic (${backend}) | skipped: software adapter (${selection.adapter.description}); BENCH_SOFTWARE_GPU=1 times it | | | | | | | |`);
        continue;
      }
      const trainer = new Trainer({ model: { type: 'logistic' }, target: 'label', backend });
      await trainer.fit(trainDs); // warm-up (JIT, backend start, kernel compilation)
      const fits: Model[] = [];
      for (let r = 0; r < RUNS; r++) fits.push(await trainer.fit(trainDs));
      const fitMs = median(fits.map((m) => m.runRecord.durations.fitMs));
      const bestMs = Math.min(...fits.map((m) => m.runRecord.durations.fitMs));
      const totalMs = median(fits.map((m) => m.runRecord.durations.totalMs));
      const m = fits[0];
      const ratio = fitMs / sk.fitMs;
      if (best === undefined || ratio < best.ratio) best = { name: m.runRecord.backend, ratio };
      model ??= m;
      console.log(
        `| mlops-kit logistic (${m.runRecord.backend}) | ${fitMs.toFixed(1)} | ${ratio.toFixed(2)} | ${bestMs.toFixed(1)} | ${(bestMs / sk.fitBestMs).toFixed(2)} | ${totalMs.toFixed(1)} | ${m.runRecord.iterations} | ${m.runRecord.converged} | ${accuracyOf(m, testDs, test.y).toFixed(4)} |`,
      );
    } catch (err) {
      console.log(`| mlops-kit logistic (${backend}) | unavailable: ${(err as Error).message.split('\n')[0].slice(0, 120)} | | | | | | | |`);
    }
  }
  if (best !== undefined) console.log(`\nFastest backend: ${best.name}, fit time ${best.ratio.toFixed(2)}x scikit-learn's (target <= 1.0).`);
  if (model === undefined) return;

  // Batch predict over the training rows: the pure-TypeScript predictor on the pipeline's matrix.
  const Xs = model.pipeline.transform(trainDs);
  const out = new Float64Array(ROWS);
  const batch: number[] = [];
  for (let r = 0; r < 12; r++) {
    const t = performance.now();
    model.predictor.predictMatrix(Xs.data, ROWS, out);
    batch.push(performance.now() - t);
  }
  const batchMs = median(batch.slice(2));
  const endToEnd: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    model.predictSync(trainDs);
    endToEnd.push(performance.now() - t);
  }
  console.log(`\nBatch predict, ${ROWS} rows (probabilities):\n`);
  console.log('| contender | ms | rows/s | vs numpy |');
  console.log('|---|---:|---:|---:|');
  const row = (name: string, ms: number) => console.log(`| ${name} | ${ms.toFixed(2)} | ${((ROWS / ms) * 1000).toExponential(2)} | ${(ms / sk.predictMs).toFixed(2)} |`);
  row('numpy sigmoid(X @ w + b), float32', sk.predictMs);
  row('sklearn predict_proba', sk.sklearnPredictMs);
  row('mlops-kit predictor.predictMatrix', batchMs);
  row('mlops-kit model.predict(Dataset) (with preprocessing)', median(endToEnd));

  // Single-row latency through the public API (validation + preprocessing + predict).
  const rows = trainDs.slice(0, 1000).toRows();
  for (let i = 0; i < 500; i++) await model.predict(rows[i % rows.length]);
  const lat: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t = performance.now();
    await model.predict(rows[i % rows.length]);
    lat.push((performance.now() - t) * 1000);
  }
  console.log(`\nSingle-row predict latency (µs): mlops-kit model.predict(row) p50 ${pct(lat, 50).toFixed(1)}, p99 ${pct(lat, 99).toFixed(1)}; scikit-learn Pipeline.predict_proba p50 ${sk.singleRowUs.p50.toFixed(1)}, p99 ${sk.singleRowUs.p99.toFixed(1)}`);
}

try {
  await main();
} finally {
  await disposeBackends();
}
