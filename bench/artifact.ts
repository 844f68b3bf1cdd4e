/**
 * Benchmark: ModelArtifact cold start and prediction latency, against named baselines run
 * side by side.
 *
 *   npx tsup && node --import tsx bench/artifact.ts        # full run
 *   BENCH_QUICK=1 node --import tsx bench/artifact.ts      # smoke test (small sizes)
 *   BENCH_DIST=/path/to/dist/index.js ...                  # another build of the package
 *
 * 1. Cold start: a whole process, `node cold.mjs <file>`, imports the BUILT package
 *    (dist/index.js: run `npx tsup` first), loads an artifact from disk with
 *    `ModelArtifact.fromFile` and predicts one row with `predictOne`. Baseline: a bare
 *    `node -e ''`, and for context python3 unpickling a scikit-learn pipeline and
 *    predicting one row. Medians of BENCH_COLD_RUNS (default 15) interleaved runs.
 * 2. Single-row latency, logistic regression on 32 numeric features: p50/p99 of
 *    `artifact.predictOne(row)` (validation + pipeline + model), timed in batches of 64
 *    calls; side by side: `model.predict([row])` (the generic async path), a bare
 *    dot-product-and-sigmoid over pre-encoded floats (the floor), and scikit-learn's
 *    `Pipeline.predict_proba` on one row.
 * 3. Batch throughput (rows/s): `artifact.predictMatrix` over pre-encoded float32 rows,
 *    `artifact.predict(Dataset)` (columnar validation + pipeline + model) and
 *    `artifact.predict(rows)` (row objects), against numpy `sigmoid(X @ w + b)` in float32
 *    and scikit-learn `predict_proba`. Single-threaded on both sides.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelArtifact } from '../src/artifact/model-artifact';
import { Dataset } from '../src/dataset/dataset';
import { createRng } from '../src/random';
import { Trainer } from '../src/trainer/trainer';

const quick = process.env.BENCH_QUICK === '1';
const COLS = 32;
const batchRows = Number(process.env.BENCH_N ?? (quick ? 100_000 : 1_000_000));
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? (quick ? 5 : 15));
const singleCalls = quick ? 20_000 : 200_000;
const repeats = quick ? 3 : 5;
const dist = resolve(process.env.BENCH_DIST ?? 'dist/index.js');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const table = (title: string, header: string[], rows: (string | number)[][]): void => {
  console.log(`\n${title}`);
  const all = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const r of all) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
};

const dir = mkdtempSync(join(tmpdir(), 'mlops-bench-artifact-'));
try {
  // ---------------------------------------------------------------- data and models
  const rng = createRng(11);
  const w = Float64Array.from({ length: COLS }, () => rng.normal());
  const X = new Float32Array(batchRows * COLS);
  const y = new Uint8Array(batchRows);
  for (let r = 0; r < batchRows; r++) {
    let z = 0;
    for (let c = 0; c < COLS; c++) {
      const v = rng.normal() * (1 + c) + c;
      X[r * COLS + c] = v;
      z += ((v - c) / (1 + c)) * w[c];
    }
    y[r] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const names = Array.from({ length: COLS }, (_, c) => `f${c}`);
  const columns: Record<string, Float32Array | string[]> = {};
  names.forEach((n, c) => (columns[n] = Float32Array.from({ length: batchRows }, (_, r) => X[r * COLS + c])));
  const trainRows = Math.min(batchRows, 20_000);
  const full = Dataset.fromColumns({ ...columns, y: Array.from(y, (v) => (v ? 'yes' : 'no')) });
  const train = full.slice(0, trainRows);
  const features = Dataset.fromColumns(columns);
  const rowObjects = features.slice(0, Math.min(batchRows, 200_000)).toRows();

  const logisticModel = await new Trainer({ model: { type: 'logistic' }, target: 'y', seed: 1 }).fit(train);
  const logistic = await ModelArtifact.create(logisticModel);
  const files: Record<string, string> = {};
  const small = full.slice(0, 5000);
  const coldModels: Array<[string, Record<string, unknown>]> = [
    ['linear', { type: 'linear' }],
    ['logistic', { type: 'logistic' }],
    ['gbdt', { type: 'gbdt', numTrees: 100, maxDepth: 6 }],
    ['mlp', { type: 'mlp', hiddenLayers: [64, 32], epochs: 2 }],
  ];
  for (const [name, spec] of coldModels) {
    const data = name === 'linear' ? small.withColumn('y', Float64Array.from({ length: small.numRows }, (_, i) => (small.column('f0').get(i) as number) * 2 + 1)) : small;
    const model = await new Trainer({ model: spec as { type: 'linear' }, target: 'y', seed: 1 }).fit(data);
    const art = await ModelArtifact.create(model);
    files[name] = join(dir, `${name}.mlpk`);
    await art.writeFile(files[name]);
  }

  // ---------------------------------------------------------------- 1. cold start
  const rowArg = JSON.stringify(rowObjects[0]);
  const coldScript = join(dir, 'cold.mjs');
  writeFileSync(
    coldScript,
    `const { ModelArtifact } = await import(${JSON.stringify(pathToFileURL(dist).href)});
const art = await ModelArtifact.fromFile(process.argv[2]);
art.predictOne(JSON.parse(process.argv[3]));
`,
  );
  const runMs = (cmd: string, args: string[]): number => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    return ms;
  };
  let python: { singleRowUs: { p50: number; p99: number }; batchRowsPerSec: number; sklearnBatchRowsPerSec: number } | undefined;
  writeFileSync(join(dir, 'x_train.f32'), new Uint8Array(X.buffer));
  writeFileSync(join(dir, 'y_train.u8'), y);
  try {
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const script = resolve('bench/baselines/sklearn_artifact.py');
    python = JSON.parse(execFileSync('/usr/bin/python3', [script, dir, String(batchRows), String(COLS), String(repeats), String(quick ? 2000 : 20000)], { env, encoding: 'utf8' }));
  } catch (err) {
    console.warn(`python baseline unavailable: ${(err as Error).message.split('\n')[0]}`);
  }
  const cold: Record<string, number[]> = { 'node -e ""': [] };
  for (const name of Object.keys(files)) cold[name] = [];
  const pyCold: number[] = [];
  const pyBare: number[] = [];
  if (existsSync(dist)) {
    for (let i = 0; i < coldRuns; i++) {
      cold['node -e ""'].push(runMs(process.execPath, ['-e', '']));
      for (const [name, file] of Object.entries(files)) cold[name].push(runMs(process.execPath, [coldScript, file, rowArg]));
      if (python !== undefined) {
        pyBare.push(runMs('/usr/bin/python3', ['-c', '']));
        pyCold.push(runMs('/usr/bin/python3', [join(dir, 'cold.py')]));
      }
    }
    const base = median(cold['node -e ""']);
    const rows = Object.entries(cold).map(([name, ts]) => [name === 'node -e ""' ? name : `import + fromFile + predictOne: ${name}`, fmt(median(ts), 1), fmt(median(ts) / base)]);
    if (pyCold.length > 0) {
      rows.push(['python3 -c "" (context)', fmt(median(pyBare), 1), fmt(median(pyBare) / base)]);
      rows.push(['python3: unpickle sklearn pipeline + predict (context)', fmt(median(pyCold), 1), fmt(median(pyCold) / base)]);
    }
    table(`1. Cold start, whole process, ${dist} (median of ${coldRuns}; target < 2x for linear/logistic/gbdt)`, ['process', 'ms', 'x bare node'], rows);
  } else {
    console.log(`\n1. Cold start: skipped, ${dist} does not exist. Run \`npx tsup\` first (or set BENCH_DIST).`);
  }

  // ---------------------------------------------------------------- 2. single row
  const oneRows = rowObjects.slice(0, 1024);
  const encoded = logistic.transform(oneRows);
  const coef = logistic.state!.tensors.find((t) => t.name === 'coef')!.data as Float64Array;
  const intercept = (logistic.state!.tensors.find((t) => t.name === 'intercept')!.data as Float64Array)[0];
  let sink = 0;
  const floor = (i: number): number => {
    let z = intercept;
    const o = (i & 1023) * COLS;
    for (let c = 0; c < COLS; c++) z += encoded.data[o + c] * coef[c];
    return 1 / (1 + Math.exp(-z));
  };
  const timeBatches = (fn: (i: number) => void, calls: number): number[] => {
    const per: number[] = [];
    for (let i = 0; i < 2000; i++) fn(i); // warm-up
    for (let b = 0; b < calls / 64; b++) {
      const t0 = process.hrtime.bigint();
      for (let j = 0; j < 64; j++) fn(b * 64 + j);
      per.push(Number(process.hrtime.bigint() - t0) / 64 / 1000);
    }
    return per;
  };
  const one = timeBatches((i) => {
    const r = logistic.predictOne(oneRows[i & 1023]) as { probabilities: Record<string, number> };
    sink += r.probabilities.yes;
  }, singleCalls);
  const flo = timeBatches((i) => (sink += floor(i)), singleCalls);
  const asyncPer: number[] = [];
  for (let b = 0; b < singleCalls / 640; b++) {
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < 64; j++) sink += (await logisticModel.predict([oneRows[(b * 64 + j) & 1023]])).raw[0];
    asyncPer.push(Number(process.hrtime.bigint() - t0) / 64 / 1000);
  }
  const singleRows: (string | number)[][] = [
    ['artifact.predictOne(row)', fmt(pct(one, 0.5)), fmt(pct(one, 0.99)), '1.00'],
    ['model.predict([row]) (async, Predictions)', fmt(pct(asyncPer, 0.5)), fmt(pct(asyncPer, 0.99)), fmt(pct(asyncPer, 0.5) / pct(one, 0.5))],
    ['floor: dot + sigmoid on encoded floats', fmt(pct(flo, 0.5), 3), fmt(pct(flo, 0.99), 3), fmt(pct(flo, 0.5) / pct(one, 0.5))],
  ];
  if (python !== undefined) singleRows.push(['sklearn Pipeline.predict_proba(1 row)', fmt(python.singleRowUs.p50), fmt(python.singleRowUs.p99), fmt(python.singleRowUs.p50 / pct(one, 0.5))]);
  table(`2. Single-row predict, logistic, ${COLS} features (microseconds; target p50 < 5)`, ['path', 'p50 us', 'p99 us', 'x predictOne'], singleRows);

  // ---------------------------------------------------------------- 3. batch
  const best = (fn: () => void): number => {
    fn();
    const ts: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      fn();
      ts.push(performance.now() - t0);
    }
    return median(ts) / 1000;
  };
  const Xenc = logistic.transform(features);
  const out = new Float64Array(batchRows);
  const matrixS = best(() => logistic.predictMatrix(Xenc.data, Xenc.rows, out));
  const datasetS = best(() => {
    sink += logistic.predictSync(features).raw[0];
  });
  const rowsS = best(() => {
    sink += logistic.predictSync(rowObjects).raw[0];
  });
  const perSec = (n: number, s: number): number => n / s;
  const batch: (string | number)[][] = [
    [`artifact.predictMatrix (encoded float32, ${batchRows} rows)`, fmt(perSec(batchRows, matrixS) / 1e6), '1.00'],
    [`artifact.predict(Dataset) (${batchRows} rows)`, fmt(perSec(batchRows, datasetS) / 1e6), fmt(perSec(batchRows, datasetS) / perSec(batchRows, matrixS))],
    [`artifact.predict(row objects) (${rowObjects.length} rows)`, fmt(perSec(rowObjects.length, rowsS) / 1e6), fmt(perSec(rowObjects.length, rowsS) / perSec(batchRows, matrixS))],
  ];
  if (python !== undefined) {
    batch.push(['numpy sigmoid(X @ w + b), float32', fmt(python.batchRowsPerSec / 1e6), fmt(python.batchRowsPerSec / perSec(batchRows, matrixS))]);
    batch.push(['sklearn Pipeline.predict_proba', fmt(python.sklearnBatchRowsPerSec / 1e6), fmt(python.sklearnBatchRowsPerSec / perSec(batchRows, matrixS))]);
  }
  table(`3. Batch throughput, logistic, ${COLS} features (million rows/s; target > 10)`, ['path', 'M rows/s', 'x predictMatrix'], batch);
  if (sink === 42) console.log('');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
