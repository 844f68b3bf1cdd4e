/**
 * Benchmark: mlops-kit metrics against scikit-learn on the same data, side by side.
 *
 *   node --import tsx bench/metrics.ts            # 10,000,000 scores
 *   BENCH_QUICK=1 node --import tsx bench/metrics.ts   # 200,000 (smoke test)
 *   BENCH_N=1000000 BENCH_REPEATS=5 node --import tsx bench/metrics.ts
 *   BENCH_ONLY=rocAuc node --import tsx bench/metrics.ts
 *
 * The data (binary labels with a 30% positive rate, float64 scores, predicted labels,
 * regression targets) is generated here from a fixed seed, written to a temporary
 * directory and read by bench/baselines/sklearn_metrics.py with numpy. Each timing is
 * the median of BENCH_REPEATS runs (default 3) in one process, single-threaded on both
 * sides. The ratio is mlops-kit's time over scikit-learn's: below 1 is faster.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/random';
import { averagePrecision, f1, logLoss, rmse, rocAuc } from '../src/evaluator/index';

const quick = process.env.BENCH_QUICK === '1';
const n = Number(process.env.BENCH_N ?? (quick ? 200_000 : 10_000_000));
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const only = process.env.BENCH_ONLY?.split(',');

const rng = createRng(7);
const y = new Uint8Array(n);
const score = new Float64Array(n);
const pred = new Uint8Array(n);
const yreg = new Float64Array(n);
const preg = new Float64Array(n);
for (let i = 0; i < n; i++) {
  y[i] = rng.next() < 0.3 ? 1 : 0;
  const logit = 1.2 * (2 * y[i] - 1) + rng.normal();
  score[i] = 1 / (1 + Math.exp(-logit));
  pred[i] = score[i] >= 0.5 ? 1 : 0;
  yreg[i] = rng.normal() * 20 + 50;
  preg[i] = yreg[i] + rng.normal() * 5;
}

const dir = mkdtempSync(join(tmpdir(), 'mlops-bench-metrics-'));
const bytes = (a: Uint8Array | Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
writeFileSync(join(dir, 'y.u8'), bytes(y));
writeFileSync(join(dir, 'score.f64'), bytes(score));
writeFileSync(join(dir, 'pred.u8'), bytes(pred));
writeFileSync(join(dir, 'yreg.f64'), bytes(yreg));
writeFileSync(join(dir, 'preg.f64'), bytes(preg));

const ours: Record<string, () => number> = {
  rocAuc: () => rocAuc(y, score),
  averagePrecision: () => averagePrecision(y, score),
  logLoss: () => logLoss(y, score),
  f1: () => f1(y, pred),
  rmse: () => rmse(yreg, preg),
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

try {
  const baseline = JSON.parse(
    execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'baselines', 'sklearn_metrics.py'), dir, String(n), String(repeats)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      maxBuffer: 1 << 20,
    }),
  ) as Record<string, { ms: number; value: number }>;

  const rows: string[][] = [];
  for (const [name, fn] of Object.entries(ours)) {
    if (only && !only.includes(name)) continue;
    const times: number[] = [];
    let value = NaN;
    for (let r = 0; r < repeats; r++) {
      const t = performance.now();
      value = fn();
      times.push(performance.now() - t);
    }
    const ms = median(times);
    const b = baseline[name];
    const agree = Math.abs(value - b.value) <= 1e-6 * Math.max(1, Math.abs(b.value)) ? 'yes' : `NO (${b.value})`;
    rows.push([name, n.toLocaleString('en-US'), ms.toFixed(1), b.ms.toFixed(1), (ms / b.ms).toFixed(2), agree]);
  }
  const head = ['metric', 'n', 'mlops-kit ms', 'sklearn ms', 'ratio', 'same value'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(`metrics vs scikit-learn, node ${process.version}, median of ${repeats}`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
