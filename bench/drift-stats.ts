/**
 * Benchmark: mlops-kit drift statistics against scipy 1.10 / numpy on the same data,
 * side by side in one run.
 *
 *   node --import tsx bench/drift-stats.ts               # 1,000,000 vs 1,000,000 values
 *   BENCH_QUICK=1 node --import tsx bench/drift-stats.ts # 100,000 (smoke test)
 *   BENCH_N=2000000 BENCH_REPEATS=7 node --import tsx bench/drift-stats.ts
 *   BENCH_ONLY=ksTest,wasserstein node --import tsx bench/drift-stats.ts
 *
 * Data (seeded, generated here, written to a temporary directory as float64 and read by
 * bench/baselines/scipy_stats.py): a standard-normal reference, a second sample from the
 * same distribution, and one shifted by 0.01 (a drift a p-value test notices at this size:
 * its p-value comes from the exact one-sided Smirnov sum, the slowest asymptotic branch).
 * Anderson-Darling runs on 2 x N/4 values. Each timing is the median of BENCH_REPEATS
 * runs (default 5) in one process, single-threaded on both sides, after one untimed
 * warm-up run: wall milliseconds, and process CPU milliseconds (user + system, all
 * threads; steadier than wall time on a shared machine, where waiting for a core counts
 * as wall time only). The ratios are mlops-kit's time over scipy's: below 1 is faster. "same value" compares the results (p-values to 1e-6
 * relative, distances to 1e-9).
 *
 * scipy's KS time depends on the p-value branch: when n·D² >= 2.2 (n = n1 n2 / (n1 + n2))
 * it sums the exact one-sided Smirnov series in double-double arithmetic (about 0.6 s
 * at n = 500,000); below that the Pelz-Good series is instant. The "value" column shows
 * the p-value (or distance) so the branch is visible.
 *
 * Also shown without a baseline: ksTestSorted / wassersteinSorted on data sorted once
 * (what a monitor holding a sorted reference pays per window) and the sort itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/random';
import { andersonDarlingKSample, ksTest, ksTestSorted, psi, sortFloat64, wasserstein, wassersteinSorted } from '../src/monitor/stats/index';

const quick = process.env.BENCH_QUICK === '1';
const n = Number(process.env.BENCH_N ?? (quick ? 100_000 : 1_000_000));
const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const only = process.env.BENCH_ONLY?.split(',');

const rng = createRng(1);
const normals = (m: number, shift = 0): Float64Array => Float64Array.from({ length: m }, () => rng.normal() + shift);
const ref = normals(n);
const same = normals(n);
const shift = normals(n, 0.01);
const adA = normals(Math.floor(n / 4));
const adB = normals(Math.floor(n / 4), 0.01);

const dir = mkdtempSync(join(tmpdir(), 'mlops-bench-drift-'));
const bytes = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
for (const [name, a] of Object.entries({ ref, same, shift, ad_a: adA, ad_b: adB })) writeFileSync(join(dir, `${name}.f64`), bytes(a));

const ours: Record<string, () => number> = {
  'ksTest same': () => ksTest(ref, same).pValue,
  'ksTest shifted': () => ksTest(ref, shift).pValue,
  wasserstein: () => wasserstein(ref, shift),
  psi: () => psi(ref, shift).value,
  andersonDarlingKSample: () => andersonDarlingKSample([adA, adB]).statistic,
};
const sortedRef = sortFloat64(ref);
const sortedShift = sortFloat64(shift);
const extras: Record<string, () => number> = {
  'ksTestSorted shifted': () => ksTestSorted(sortedRef, sortedShift).pValue,
  'wassersteinSorted': () => wassersteinSorted(sortedRef, sortedShift),
  'sortFloat64 (one sample)': () => sortFloat64(ref)[0],
  'Float64Array#sort (one sample)': () => ref.slice().sort()[0],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(fn: () => number): { ms: number; cpu: number; value: number } {
  let value = fn(); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    value = fn();
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(times), cpu: median(cpu), value };
}

const selected = (name: string): boolean => !only || only.includes(name.split(' ')[0]);

try {
  const baseline = JSON.parse(
    execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'baselines', 'scipy_stats.py'), dir, String(repeats)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      maxBuffer: 1 << 20,
    }),
  ) as Record<string, { ms: number; cpu: number; value: number }>;

  const rows: string[][] = [];
  for (const [name, fn] of Object.entries(ours)) {
    if (!selected(name)) continue;
    const { ms, cpu, value } = time(fn);
    const b = baseline[name];
    const tol = name.startsWith('ksTest') ? 1e-6 * Math.abs(b.value) : 1e-9 * Math.max(1, Math.abs(b.value));
    const agree = Math.abs(value - b.value) <= tol ? 'yes' : `NO (${value} vs ${b.value})`;
    rows.push([name, n.toLocaleString('en-US'), value.toPrecision(4), ms.toFixed(1), b.ms.toFixed(1), (ms / b.ms).toFixed(2), cpu.toFixed(1), b.cpu.toFixed(1), (cpu / b.cpu).toFixed(2), agree]);
  }
  for (const [name, fn] of Object.entries(extras)) {
    if (!selected(name)) continue;
    const { ms, cpu, value } = time(fn);
    rows.push([name, n.toLocaleString('en-US'), value.toPrecision(4), ms.toFixed(1), '-', '-', cpu.toFixed(1), '-', '-', '-']);
  }
  const head = ['statistic', 'n per sample', 'value', 'ours ms', 'scipy ms', 'ratio', 'ours cpu', 'scipy cpu', 'cpu ratio', 'same value'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`drift statistics vs scipy (Debian python3-scipy), node ${process.version}, median of ${repeats}`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
