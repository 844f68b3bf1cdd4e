/**
 * profile() of a 1,000,000-row x 20-column numeric dataset against pandas describe()
 * (bench/baselines/pandas_describe.py) on the same numbers, plus the merge of profiles.
 *
 *   node --import tsx bench/profile.ts                  # 1,000,000 rows
 *   BENCH_QUICK=1 node --import tsx bench/profile.ts    # 100,000 rows
 *   BENCH_ROWS=250000 BENCH_RUNS=5 node --import tsx bench/profile.ts
 *
 * The columns mix distributions that stress the quantile sketch differently (normal,
 * uniform, lognormal, integers, a point mass with 5% missing). A profile computes more
 * than describe(): moments, 9 quantiles and a 20-bin histogram through a mergeable
 * sketch, so pandas is also timed with numpy.histogram + numpy.quantile added.
 * Times are medians over BENCH_RUNS (default 5; 3 with BENCH_QUICK), single-threaded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset } from '../src/dataset/dataset';
import { mergeProfiles } from '../src/dataset/profile';
import { createRng } from '../src/random';

const HERE = dirname(fileURLToPath(import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = Number(process.env.BENCH_ROWS ?? (QUICK ? 100_000 : 1_000_000));
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 3 : 5));
const COLS = 20;

function generate(): Float64Array[] {
  const rng = createRng(2024);
  const kinds = [
    () => rng.normal() * 10 + 50,
    () => rng.next(),
    () => Math.exp(rng.normal()),
    () => rng.int(100),
    () => (rng.next() < 0.05 ? NaN : rng.next() < 0.6 ? 0 : rng.normal()),
  ];
  return Array.from({ length: COLS }, (_, c) => {
    const f = kinds[c % kinds.length];
    const x = new Float64Array(ROWS);
    for (let i = 0; i < ROWS; i++) x[i] = f();
    return x;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

const columns = generate();
const ds = Dataset.fromColumns(Object.fromEntries(columns.map((c, i) => [`f${i}`, c])), { nonFinite: 'missing' });
const file = join(HERE, '.data', `profile-${ROWS}x${COLS}-seed2024.f64`);
if (!existsSync(file)) {
  mkdirSync(dirname(file), { recursive: true });
  const all = new Float64Array(ROWS * COLS);
  columns.forEach((c, i) => all.set(c, i * ROWS));
  writeFileSync(file, new Uint8Array(all.buffer));
}

ds.profile(); // warm-up (JIT)
const profileTimes: number[] = [];
const describeTimes: number[] = [];
for (let r = 0; r < RUNS; r++) profileTimes.push(time(() => ds.profile()));
for (let r = 0; r < Math.min(RUNS, 3); r++) describeTimes.push(time(() => ds.describe()));
const halves = [ds.slice(0, ROWS / 2).profile(), ds.slice(ROWS / 2).profile()];
const mergeTime = median(Array.from({ length: RUNS }, () => time(() => mergeProfiles(halves))));
const json = JSON.stringify(ds.profile());

const py = JSON.parse(
  execFileSync('/usr/bin/python3', [join(HERE, 'baselines', 'pandas_describe.py'), file, String(ROWS), String(COLS), String(RUNS)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
) as { describeSeconds: number; histogramSeconds: number };

const profile = median(profileTimes);
const rows: [string, number, string][] = [
  ['mlops-kit ds.profile()', profile, '1.00'],
  ['pandas df.describe()', py.describeSeconds, (profile / py.describeSeconds).toFixed(2)],
  ['pandas describe() + np.histogram + np.quantile', py.describeSeconds + py.histogramSeconds, (profile / (py.describeSeconds + py.histogramSeconds)).toFixed(2)],
  ['mlops-kit ds.describe() (exact sort)', median(describeTimes), (profile / median(describeTimes)).toFixed(2)],
  ['mlops-kit mergeProfiles(2 halves)', mergeTime, '-'],
];
console.log(`\nprofile of ${ROWS.toLocaleString()} rows x ${COLS} numeric columns (median of ${RUNS}; ratio = mlops-kit profile time / that row's time)`);
console.log(`${'what'.padEnd(48)} ${'seconds'.padStart(9)} ${'ratio'.padStart(7)}`);
for (const [what, s, ratio] of rows) console.log(`${what.padEnd(48)} ${s.toFixed(3).padStart(9)} ${ratio.padStart(7)}`);
console.log(`profile JSON: ${(json.length / 1024).toFixed(0)} KiB (${(json.length / COLS / 1024).toFixed(1)} KiB per column)`);
console.log(`target: under 1 s for 1,000,000 x 20 on one core -> ${ROWS === 1_000_000 ? (profile < 1 ? 'met' : 'NOT met') : 'run without BENCH_QUICK to check'}`);
