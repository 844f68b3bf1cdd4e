/**
 * Benchmark: gbdt training and prediction against xgboost (hist) and scikit-learn's
 * HistGradientBoostingClassifier, side by side on the same data.
 *
 *   node --import tsx bench/gbdt.ts                  # 200,000 x 32, 100 trees, depth 6
 *   BENCH_SIZE=1m node --import tsx bench/gbdt.ts    # 1,000,000 rows (fit time, peak memory)
 *   BENCH_QUICK=1 node --import tsx bench/gbdt.ts    # smoke test: 20,000 rows, 20 trees
 *   BENCH_THREADS=2 (default) sets the threads of every library.
 *   BENCH_LIBS=mlops,xgboost,sklearn (default: all) picks the rows to run.
 *
 * Binary classification, 32 numeric float32 features (a nonlinear logit), 80% train /
 * 20% test, 255 bins, depth 6, learning rate 0.1, L2 1, min child weight 1. Each library
 * runs in its own fresh process reading the same files, so fit time (data already in
 * memory, binning included) and peak RSS compare like for like. Then: batch predict of the
 * test rows (best of three), and single-row latency (p50/p99 of one-row predictions after
 * 1,000 unmeasured ones: our predictMatrix into a reused array; xgboost's inplace_predict;
 * scikit-learn's predict_proba).
 *
 * Fit is reported as wall time and as CPU time (all threads of the process, user +
 * system). On a shared machine the wall time depends on the other jobs; the CPU time much
 * less, so compare CPU times there, and wall times when the load average (printed) is low.
 * OpenMP threads of the Python baselines run with OMP_WAIT_POLICY=PASSIVE unless the
 * variable is set: a spinning OpenMP thread burns CPU time without working, and on a busy
 * machine makes xgboost several times slower.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gbdtFamily } from '../src/models/gbdt/index';
import type { FeatureInfo } from '../src/preprocess/pipeline';
import { createRng } from '../src/random';

interface Meta {
  rows: number;
  cols: number;
  train: number;
  trees: number;
  depth: number;
  bins: number;
  lr: number;
  threads: number;
  single: number;
  /** Single-row predictions before the latencies are measured. */
  warmup: number;
}

interface Result {
  version?: string;
  fit: number;
  /** CPU seconds of the fit, all threads. */
  fitCpu: number;
  auc: number;
  batch: number;
  single: number[];
  maxrss: number;
  dataBytes: number;
  /** Threads that actually trained (mlops-kit). */
  threads?: number;
}

function auc(y: Uint8Array, s: Float64Array | number[]): number {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[a] - s[b]);
  let pos = 0;
  let sum = 0;
  for (let r = 0; r < n; r++) {
    if (y[order[r]] === 1) {
      pos++;
      sum += r + 1;
    }
  }
  return (sum - (pos * (pos + 1)) / 2) / (pos * (n - pos));
}

/** Child mode: fit and predict with mlops-kit in a fresh process. */
async function child(dir: string, threads: number): Promise<void> {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  const bytes = readFileSync(join(dir, 'X.f32'));
  const X = bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const y8 = new Uint8Array(readFileSync(join(dir, 'y.u8')));
  const { cols, train } = meta;
  const y = Float64Array.from(y8.subarray(0, train));
  const features: FeatureInfo[] = Array.from({ length: cols }, (_, j) => ({ name: `f${j}`, source: `f${j}`, kind: 'numeric' }));
  const params = gbdtFamily.validateParams({ numTrees: meta.trees, maxDepth: meta.depth, maxBins: meta.bins, learningRate: meta.lr, threads }, 'binary');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await gbdtFamily.fit({
    train: { X: { data: X.subarray(0, train * cols), rows: train, cols }, y },
    task: 'binary',
    classes: [0, 1],
    features,
    params,
    rng: createRng(1),
    seed: 1,
    progress: () => {},
  });
  const fit = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const p = gbdtFamily.load(res.state);
  const test = X.subarray(train * cols);
  const nTest = meta.rows - train;
  p.predictMatrix(test, Math.min(nTest, 100));
  let batch = Infinity;
  let scores: Float64Array = new Float64Array(0);
  for (let k = 0; k < 3; k++) {
    const t1 = performance.now();
    scores = p.predictMatrix(test, nTest);
    batch = Math.min(batch, (performance.now() - t1) / 1000);
  }
  const out = new Float64Array(1);
  // Warm-up: the single-row path is compiled by the JIT from its own use.
  for (let i = 0; i < WARMUP_SINGLE; i++) p.predictMatrix(test.subarray((i % nTest) * cols, ((i % nTest) + 1) * cols), 1, out);
  const single: number[] = [];
  for (let i = 0; i < meta.single; i++) {
    const row = test.subarray(i * cols, (i + 1) * cols);
    const t = process.hrtime.bigint();
    p.predictMatrix(row, 1, out);
    single.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  const result: Result = { fit, fitCpu: (cpu.user + cpu.system) / 1e6, auc: auc(y8.subarray(train), scores), batch, single, maxrss: process.resourceUsage().maxRSS * 1024, dataBytes: X.byteLength + y8.byteLength, threads: res.extras!.threads as number };
  console.log(JSON.stringify(result));
}

function generate(dir: string, meta: Meta): void {
  const { rows, cols } = meta;
  const r = createRng(7);
  const w = Float64Array.from({ length: cols }, () => r.normal());
  const X = new Float32Array(rows * cols);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const v = r.normal();
      X[i * cols + j] = v;
      s += w[j] * v * (j % 3 === 0 ? v : 1);
    }
    y[i] = s + 2 * r.normal() > 0 ? 1 : 0;
  }
  writeFileSync(join(dir, 'X.f32'), new Uint8Array(X.buffer));
  writeFileSync(join(dir, 'y.u8'), y);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
}

/** Single-row predictions before the latencies are measured (every library). */
const WARMUP_SINGLE = 1000;

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3], Number(process.argv[4]));
  const quick = process.env.BENCH_QUICK === '1';
  const big = process.env.BENCH_SIZE === '1m';
  const rows = quick ? 20_000 : big ? 1_000_000 : 200_000;
  const threads = Number(process.env.BENCH_THREADS ?? 2);
  const meta: Meta = { rows, cols: 32, train: Math.round(rows * 0.8), trees: quick ? 20 : 100, depth: 6, bins: 255, lr: 0.1, threads, single: quick ? 300 : 2000, warmup: WARMUP_SINGLE };
  const dir = mkdtempSync(join(tmpdir(), 'mlops-bench-gbdt-'));
  try {
    generate(dir, meta);
    console.log(`gbdt: ${meta.train.toLocaleString()} train / ${(rows - meta.train).toLocaleString()} test rows x ${meta.cols} features, ${meta.trees} trees, depth ${meta.depth}, ${meta.bins} bins, ${threads} threads`);
    const self = fileURLToPath(import.meta.url);
    const runOurs = (t: number): Result => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', self, '--child', dir, String(t)], { encoding: 'utf8', maxBuffer: 1 << 26 })) as Result;
    const py = (which: string): Result =>
      JSON.parse(
        execFileSync('/usr/bin/python3', [join(self, '../baselines/xgboost_gbdt.py'), dir, which], {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
          env: { OMP_WAIT_POLICY: 'PASSIVE', ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' },
        }),
      ) as Result;
    const libs = (process.env.BENCH_LIBS ?? 'mlops,xgboost,sklearn').split(',');
    const load0 = loadavg()[0];
    const results: [string, Result][] = [];
    if (libs.includes('mlops')) {
      const ours = runOurs(threads);
      results.push([`mlops-kit gbdt (${ours.threads} thread${ours.threads === 1 ? '' : 's'})`, ours]);
      if (threads !== 1) results.push(['mlops-kit gbdt (1 thread)', runOurs(1)]);
    }
    if (libs.includes('xgboost')) {
      const r = py('xgboost');
      results.push([`xgboost ${r.version} hist`, r]);
    }
    if (libs.includes('sklearn')) {
      const r = py('sklearn');
      results.push([`sklearn ${r.version} HistGradientBoosting`, r]);
    }
    const xgb = results.find(([name]) => name.startsWith('xgboost'))?.[1];
    const skl = results.find(([name]) => name.startsWith('sklearn'))?.[1];
    const ratio = (a: number, b: number | undefined): string => (b === undefined ? '-' : (a / b).toFixed(2));
    const nTest = rows - meta.train;
    const header = ['library', 'fit s', 'vs xgboost', 'vs sklearn', 'fit CPU s', 'vs xgboost', 'test AUC', 'predict rows/s', 'vs xgboost', '1-row p50 us', '1-row p99 us', 'peak RSS MB'];
    const table = results.map(([name, r]) => [
      name,
      r.fit.toFixed(2),
      ratio(r.fit, xgb?.fit),
      ratio(r.fit, skl?.fit),
      r.fitCpu.toFixed(2),
      ratio(r.fitCpu, xgb?.fitCpu),
      r.auc.toFixed(4),
      Math.round(nTest / r.batch).toLocaleString(),
      xgb === undefined ? '-' : (xgb.batch / r.batch).toFixed(2),
      (pct(r.single, 0.5) * 1e6).toFixed(1),
      (pct(r.single, 0.99) * 1e6).toFixed(1),
      (r.maxrss / 2 ** 20).toFixed(0),
    ]);
    const all = [header, ...table];
    const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
    for (const row of all) console.log(`  ${row.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
    console.log(`  (fit ratios: lower is better; predict ratio: ours over xgboost's throughput, higher is better; input data ${(results[0][1].dataBytes / 2 ** 20).toFixed(0)} MB)`);
    console.log(`  (load average ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after, on ${cpus().length} CPUs: wall times are only comparable on an idle machine; CPU times much less sensitive)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
