/**
 * DriftMonitor benchmarks.
 *
 * 1. observe() throughput and memory: a small batch reused for many rows (100,000,000 by
 *    default) through a sliding count window; heap after GC at checkpoints must stay flat.
 * 2. A full drift check of 1,000,000 rows x (32 numeric + 8 categorical) against a
 *    reference of the same size, against the same scipy calls on the raw data
 *    (bench/baselines/scipy_check.py: ks_2samp per numeric column, chi2_contingency per
 *    categorical column). mlops-kit is timed end to end from raw data (profile the
 *    reference, observe the current rows, check) and, as in production where the
 *    reference profile ships inside the model artifact, without the profiling step.
 *
 *   node --import tsx bench/monitor.ts                 # full size (several minutes)
 *   BENCH_QUICK=1 node --import tsx bench/monitor.ts   # 100,000-row check, 2,000,000 observed rows
 *   BENCH_ROWS=250000 BENCH_OBSERVE_ROWS=10000000 BENCH_RUNS=3 node --import tsx bench/monitor.ts
 *
 * Data are seeded; files for Python go to bench/.data/. Times are medians over BENCH_RUNS
 * (default 3, 1 with BENCH_QUICK); both sides single-threaded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CategoryColumn, NumberColumn } from '../src/dataset/column';
import { Dataset } from '../src/dataset/dataset';
import { DriftMonitor } from '../src/monitor/monitor';
import { createRng } from '../src/random';

const HERE = dirname(fileURLToPath(import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = Number(process.env.BENCH_ROWS ?? (QUICK ? 100_000 : 1_000_000));
const OBSERVE_ROWS = Number(process.env.BENCH_OBSERVE_ROWS ?? (QUICK ? 2_000_000 : 100_000_000));
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 1 : 3));
const NUMERIC = 32;
const CATEGORICAL = 8;
const CATEGORIES = Array.from({ length: 12 }, (_, i) => `c${i}`);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function seconds(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

/** Numeric columns (float32 values, as stored for Python) and category codes. Every 4th column drifts in `current`. */
function generate(seed: number, drift: boolean): { numeric: Float32Array[]; codes: Uint8Array[] } {
  const rng = createRng(seed);
  const numeric = Array.from({ length: NUMERIC }, (_, c) => {
    const x = new Float32Array(ROWS);
    const shift = drift && c % 4 === 0 ? 0.25 : 0;
    for (let i = 0; i < ROWS; i++) x[i] = c % 3 === 0 ? Math.exp(rng.normal() * 0.5 + shift) : rng.normal() + shift;
    return x;
  });
  const codes = Array.from({ length: CATEGORICAL }, (_, c) => {
    const x = new Uint8Array(ROWS);
    const skew = drift && c % 4 === 0 ? 2 : 1;
    for (let i = 0; i < ROWS; i++) x[i] = Math.min(CATEGORIES.length - 1, Math.floor(CATEGORIES.length * rng.next() ** (1.5 * skew)));
    return x;
  });
  return { numeric, codes };
}

function toDataset(d: { numeric: Float32Array[]; codes: Uint8Array[] }): Dataset {
  const cols = [
    ...d.numeric.map((x, c) => new NumberColumn(`n${c}`, Float64Array.from(x))),
    ...d.codes.map((x, c) => new CategoryColumn(`c${c}`, Int32Array.from(x), CATEGORIES)),
  ];
  return new Dataset(cols);
}

function writeForPython(dir: string, name: string, d: { numeric: Float32Array[]; codes: Uint8Array[] }): void {
  const f32 = new Float32Array(ROWS * NUMERIC);
  d.numeric.forEach((x, c) => f32.set(x, c * ROWS));
  writeFileSync(join(dir, `${name}.f32`), new Uint8Array(f32.buffer));
  const u8 = new Uint8Array(ROWS * CATEGORICAL);
  d.codes.forEach((x, c) => u8.set(x, c * ROWS));
  writeFileSync(join(dir, `${name}.u8`), u8);
}

// ------------------------------------------------------------------ 1. full check

function fullCheck(): void {
  const dir = join(HERE, '.data', `monitor-${ROWS}x${NUMERIC}+${CATEGORICAL}-seed7`);
  const refRaw = generate(7, false);
  const curRaw = generate(8, true);
  if (!existsSync(join(dir, 'current.u8'))) {
    mkdirSync(dir, { recursive: true });
    writeForPython(dir, 'reference', refRaw);
    writeForPython(dir, 'current', curRaw);
  }
  const referenceData = toDataset(refRaw);
  const currentData = toDataset(curRaw);

  const window = { type: 'count' as const, size: ROWS };
  const profileT: number[] = [];
  const observeT: number[] = [];
  const checkT: number[] = [];
  let drifted = 0;
  for (let r = 0; r < RUNS + 1; r++) {
    let reference!: ReturnType<Dataset['profile']>;
    const tp = seconds(() => (reference = referenceData.profile()));
    const monitor = new DriftMonitor({ reference, window });
    const to = seconds(() => monitor.observe(currentData));
    let report!: ReturnType<DriftMonitor['check']>;
    const tc = seconds(() => (report = monitor.check()));
    if (r === 0) continue; // warm-up
    profileT.push(tp);
    observeT.push(to);
    checkT.push(tc);
    drifted = report.driftedFeatures.length;
  }
  const py = JSON.parse(
    execFileSync('/usr/bin/python3', [join(HERE, 'baselines', 'scipy_check.py'), dir, String(ROWS), String(NUMERIC), String(CATEGORICAL), String(RUNS)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  ) as { seconds: number; ksSeconds: number; chi2Seconds: number; drifted: number };

  const [p, o, c] = [median(profileT), median(observeT), median(checkT)];
  console.log(`\n2. drift check, ${ROWS.toLocaleString()} rows x (${NUMERIC} numeric + ${CATEGORICAL} categorical) vs a reference of ${ROWS.toLocaleString()} rows (median of ${RUNS})`);
  console.log(`${'what'.padEnd(58)} ${'seconds'.padStart(8)} ${'vs scipy'.padStart(9)}`);
  const line = (what: string, s: number, ratio = s / py.seconds): void => console.log(`${what.padEnd(58)} ${s.toFixed(3).padStart(8)} ${ratio.toFixed(2).padStart(9)}`);
  line('scipy: ks_2samp x 32 + chi2_contingency x 8 (raw data)', py.seconds);
  line('mlops-kit end to end: profile reference + observe + check', p + o + c);
  line('mlops-kit with the stored reference: observe + check', o + c);
  line('  of which profile(reference)', p);
  line('  of which observe(current)', o);
  line('  of which check()', c);
  console.log(`features flagged: mlops-kit ${drifted} (p-value AND effect size), scipy ${py.drifted} (p < 0.05 alone); ${NUMERIC / 4 + CATEGORICAL / 4} were shifted`);
  console.log(`target: end-to-end ratio <= 1 -> ${(p + o + c) / py.seconds <= 1 ? 'met' : 'NOT met'}`);
}

// ------------------------------------------------------------------ 2. observe throughput and memory

function observeThroughput(): void {
  const BATCH = 1000;
  const rng = createRng(3);
  const small = new Dataset([
    ...Array.from({ length: 8 }, (_, c) => new NumberColumn(`n${c}`, Float64Array.from({ length: BATCH }, () => rng.normal()))),
    ...Array.from({ length: 2 }, (_, c) => new CategoryColumn(`c${c}`, Int32Array.from({ length: BATCH }, () => rng.int(CATEGORIES.length)), CATEGORIES)),
  ]);
  const rowObjects = small.toRows();
  const perRow = small.numColumns;

  function throughput(label: string, rows: number, observe: (m: DriftMonitor) => void, batchRows: number): void {
    const monitor = new DriftMonitor({ reference: small.profile(), window: { type: 'count', size: 1_000_000, slide: 250_000 } });
    for (let i = 0; i < 2000; i++) observe(monitor); // warm-up (JIT)
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const checkpoints: number[] = [];
    const iterations = Math.max(1, Math.floor(rows / batchRows));
    const t = performance.now();
    for (let i = 1; i <= iterations; i++) {
      observe(monitor);
      if (i % Math.max(1, Math.floor(iterations / 4)) === 0) {
        gc();
        checkpoints.push(process.memoryUsage().heapUsed);
      }
    }
    const s = (performance.now() - t) / 1000;
    monitor.check();
    const values = iterations * batchRows * perRow;
    const mb = (b: number): string => (b / 1048576).toFixed(1);
    console.log(
      `${label.padEnd(34)} ${(iterations * batchRows).toLocaleString().padStart(12)} rows ${s.toFixed(1).padStart(7)} s ${(values / s / 1e6).toFixed(2).padStart(7)} M values/s ${(values / s / 2e6).toFixed(2).padStart(6)}   heap MB ${mb(heap0)} -> ${checkpoints.map(mb).join(' -> ')}`,
    );
  }
  console.log(`\n1. observe() throughput (8 numeric + 2 categorical features; ratio = values/s over the 2,000,000/s target) and heap after GC`);
  throughput('Dataset batches of 1000 rows', OBSERVE_ROWS, (m) => m.observe(small), BATCH);
  throughput('row-object batches of 1000 rows', Math.max(BATCH, Math.floor(OBSERVE_ROWS / 10)), (m) => m.observe(rowObjects), BATCH);
  throughput('single-row observe() calls', Math.max(BATCH, Math.floor(OBSERVE_ROWS / 20)), (m) => m.observe([rowObjects[rng.int(BATCH)]]), 1);
  console.log(`process RSS at the end: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
}

// The throughput runs first, on a clean heap; the big datasets of the check come after.
observeThroughput();
fullCheck();
