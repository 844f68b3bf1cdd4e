/**
 * MLP training throughput: mlops-kit's `mlp` family (32 inputs, 64 relu units, 1 sigmoid
 * output; Adam 1e-3, batch 256, 5 epochs, no L2, no early stopping) on every backend,
 * against scikit-learn's MLPClassifier with the same architecture and settings, single
 * thread (bench/baselines/sklearn_mlp.py), on a seeded 200,000 x 32 binary set. Also
 * @tensorflow/tfjs-backend-cpu (registered as the custom backend `tfjs-cpu`), which the
 * SDK's own `cpu` kernels replace.
 *
 *   node --import tsx bench/mlp.ts                     # 200,000 train / 50,000 test rows
 *   BENCH_QUICK=1 node --import tsx bench/mlp.ts       # 20,000 / 5,000 rows
 *   BENCH_ROWS=50000 BENCH_BACKENDS=cpu,wasm node --import tsx bench/mlp.ts
 *   BENCH_HIDDEN=16 BENCH_BATCH=32 node --import tsx bench/mlp.ts   # a small network
 *   BENCH_SEEDS=5 node --import tsx bench/mlp.ts       # 5 networks per contender (default 3; 1 is quickest)
 *
 * Each contender trains BENCH_SEEDS networks (seeds 1..N here, random_state 0..N-1 in
 * scikit-learn). One network's test accuracy after 5 epochs depends on its draws
 * (initial weights, batch order): with 16 hidden units and batches of 32 on the full set,
 * about one draw in forty, in both libraries, is still on the plateau of a model that has
 * not yet picked up the x0·x1 interaction (test accuracy 0.76 to 0.79 instead of 0.90).
 * So the table shows the median and the range over the networks; speeds are medians too.
 *
 * rows/s = training rows x epochs / fit time (the run record's `durations.fitMs`: the
 * family fit on the standardised matrix; scikit-learn: MLPClassifier.fit on StandardScaler
 * output). CPU rows/s divides by the process CPU time of the same fit instead (all
 * threads; Node's process.cpuUsage between the fit's 'start' and 'done' progress events,
 * Python's time.process_time): on a shared machine it moves far less with the load than
 * wall time does. On a software WebGPU adapter (Mesa llvmpipe: no GPU on the machine) webgpu
 * trains on at most BENCH_SOFTWARE_GPU_ROWS rows (default 20,000) so the run stays short;
 * rows/s stays comparable.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { disposeBackends, useBackend } from '../src/backend/index';
import { Dataset } from '../src/dataset/dataset';
import { createRng } from '../src/random';
import { Trainer } from '../src/trainer/trainer';
import { registerTfjsCpu } from './tfjs-cpu';

const HERE = dirname(fileURLToPath(import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = Number(process.env.BENCH_ROWS ?? (QUICK ? 20_000 : 200_000));
const TEST_ROWS = Math.round(ROWS / 4);
const SOFTWARE_GPU_ROWS = Number(process.env.BENCH_SOFTWARE_GPU_ROWS ?? 20_000);
const COLS = 32;
const HIDDEN = Number(process.env.BENCH_HIDDEN ?? 64);
const EPOCHS = 5;
const BATCH = Number(process.env.BENCH_BATCH ?? 256);
const SEEDS = Number(process.env.BENCH_SEEDS ?? 3);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'cpu,wasm,webgpu,tfjs-cpu').split(',').filter(Boolean);

/** Features on mixed scales; labels from a nonlinear function of a few of them, 5% noise. */
function generate(rows: number, seed: number): { X: Float32Array; y: Uint8Array } {
  const rng = createRng(seed);
  const X = new Float32Array(rows * COLS);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * COLS;
    for (let j = 0; j < COLS; j++) X[o + j] = rng.normal() * (1 + j / 8) + j;
    const a = X[o] - 0;
    const b = (X[o + 1] - 1) / 1.125;
    const c = (X[o + 2] - 2) / 1.25;
    const s = a * b + Math.sin(2 * c) + 0.3 * ((X[o + 3] - 3) / 1.375) ** 2 - 0.3;
    y[r] = (s > 0) !== rng.next() < 0.05 ? 1 : 0;
  }
  return { X, y };
}

function toDataset(X: Float32Array, y: Uint8Array, rows: number): Dataset {
  const cols: Record<string, Float32Array | string[]> = {};
  for (let j = 0; j < COLS; j++) cols[`f${j}`] = Float32Array.from({ length: rows }, (_, r) => X[r * COLS + j]);
  cols.y = Array.from(y.subarray(0, rows), (v) => (v ? 'yes' : 'no'));
  return Dataset.fromColumns(cols);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median accuracy (a typical network; one stalled draw does not move it) and the range over the networks. */
function accuracyCells(accuracies: number[]): [string, string] {
  return [median(accuracies).toFixed(4), `${Math.min(...accuracies).toFixed(4)} to ${Math.max(...accuracies).toFixed(4)}`];
}

function table(header: string[], rows: string[][]): void {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const r of all) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
}

const train = generate(ROWS, 1);
const test = generate(TEST_ROWS, 2);
const dir = mkdtempSync(join(tmpdir(), 'mlops-bench-mlp-'));
try {
  writeFileSync(join(dir, 'x_train.f32'), train.X);
  writeFileSync(join(dir, 'y_train.u8'), train.y);
  writeFileSync(join(dir, 'x_test.f32'), test.X);
  writeFileSync(join(dir, 'y_test.u8'), test.y);
  const threads = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const sk = JSON.parse(
    execFileSync('/usr/bin/python3', [join(HERE, 'baselines/sklearn_mlp.py'), dir, String(ROWS), String(TEST_ROWS), String(COLS), String(HIDDEN), String(EPOCHS), String(BATCH), String(SEEDS)], {
      env: { ...process.env, ...threads },
      encoding: 'utf8',
    }),
  ) as { fitMs: number; cpuMs: number; rowsPerSecond: number; accuracies: number[] };
  const skCpuRate = (ROWS * EPOCHS) / (sk.cpuMs / 1000);

  const testDs = toDataset(test.X, test.y, TEST_ROWS);
  const results: string[][] = [];
  if (BACKENDS.includes('tfjs-cpu')) await registerTfjsCpu();
  for (const name of BACKENDS) {
    let note = '';
    let rows = ROWS;
    try {
      const sel = await useBackend(name);
      if (sel.adapter !== undefined) note = `${sel.adapter.software ? 'software adapter: ' : ''}${sel.adapter.description}`;
      if (sel.wasm !== undefined) note = `SIMD ${sel.wasm.simd ? 'on' : 'off'}, threads ${sel.wasm.threads ? 'on' : 'off'}`;
      if (name === 'tfjs-cpu') note = '@tensorflow/tfjs-backend-cpu';
      if (sel.adapter?.software) rows = Math.min(ROWS, SOFTWARE_GPU_ROWS);
    } catch (err) {
      results.push([name, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', `not available: ${(err as Error).message.split('\n')[0]}`]);
      continue;
    }
    const ds = toDataset(train.X, train.y, rows);
    const rates: number[] = [];
    const cpuRates: number[] = [];
    const accuracies: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      let cpuStart: NodeJS.CpuUsage | undefined;
      let cpuMs = NaN;
      const model = await new Trainer({
        model: { type: 'mlp', hiddenLayers: [HIDDEN], activation: 'relu', optimizer: 'adam', learningRate: 1e-3, batchSize: BATCH, epochs: EPOCHS, l2: 0, earlyStopping: false },
        target: 'y',
        backend: name,
        seed,
        onProgress: (e) => {
          if (e.phase === 'start') cpuStart = process.cpuUsage();
          if (e.phase === 'done' && cpuStart !== undefined) {
            const used = process.cpuUsage(cpuStart);
            cpuMs = (used.user + used.system) / 1000;
          }
        },
      }).fit(ds);
      rates.push((rows * EPOCHS) / (model.runRecord.durations.fitMs / 1000));
      cpuRates.push((rows * EPOCHS) / (cpuMs / 1000));
      const labels = (await model.predict(testDs)).labels!;
      let correct = 0;
      for (let i = 0; i < TEST_ROWS; i++) if ((labels[i] === 'yes') === (test.y[i] === 1)) correct++;
      accuracies.push(correct / TEST_ROWS);
    }
    const rate = median(rates);
    const cpuRate = median(cpuRates);
    if (rows < ROWS) note += ` (${rows.toLocaleString('en-US')} rows)`;
    results.push([
      name,
      Math.round(rate).toLocaleString('en-US'),
      (rate / sk.rowsPerSecond).toFixed(2),
      Math.round(cpuRate).toLocaleString('en-US'),
      (cpuRate / skCpuRate).toFixed(2),
      ...accuracyCells(accuracies),
      note,
    ]);
  }
  await disposeBackends();

  console.log(
    `\nMLP ${COLS}-${HIDDEN}-1, ${EPOCHS} epochs, batch ${BATCH}, Adam 1e-3: ${ROWS.toLocaleString('en-US')} training rows, ${TEST_ROWS.toLocaleString('en-US')} test rows, ${SEEDS} network(s) per contender`,
  );
  console.log('rows/s = rows x epochs / fit time; CPU rows/s = rows x epochs / CPU time of the fit (medians over the fits); ratio = mlops-kit / scikit-learn (higher is better)');
  console.log('test acc = median test accuracy over the networks; range = lowest to highest\n');
  table(
    ['backend', 'rows/s', 'ratio', 'CPU rows/s', 'CPU ratio', 'test acc', 'range', 'note'],
    [
      [
        'sklearn MLPClassifier (1 thread)',
        Math.round(sk.rowsPerSecond).toLocaleString('en-US'),
        '1.00',
        Math.round(skCpuRate).toLocaleString('en-US'),
        '1.00',
        ...accuracyCells(sk.accuracies),
        `baseline, fit ${(sk.fitMs / 1000).toFixed(2)} s`,
      ],
      ...results,
    ],
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
