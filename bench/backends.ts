/**
 * Design-matrix products per backend: `X·W` and `Xᵀ·R` on a 200,000 x 32 float32 matrix
 * (the two products every linear model's gradient needs), for k = 1 and k = 3 columns,
 * against numpy in float32 on one thread (bench/baselines/numpy_matrix.py). Also
 * @tensorflow/tfjs-backend-cpu (as the custom backend `tfjs-cpu`), which the SDK's own
 * `cpu` kernels replace. Times include uploading W or R and reading the result back, as a
 * model fit pays them.
 *
 *   node --import tsx bench/backends.ts
 *   BENCH_QUICK=1 node --import tsx bench/backends.ts            # 20,000 rows
 *   BENCH_ROWS=1000000 BENCH_BACKENDS=cpu,wasm node --import tsx bench/backends.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { disposeBackends, useBackend } from '../src/backend/index';
import { resolveBackendHandle } from '../src/backend/handle';
import { createRng } from '../src/random';
import { registerTfjsCpu } from './tfjs-cpu';

const HERE = dirname(fileURLToPath(import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = Number(process.env.BENCH_ROWS ?? (QUICK ? 20_000 : 200_000));
const COLS = 32;
const REPEATS = Number(process.env.BENCH_RUNS ?? (QUICK ? 5 : 15));
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'cpu,wasm,webgpu,tfjs-cpu').split(',').filter(Boolean);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const rng = createRng(3);
const X = Float32Array.from({ length: ROWS * COLS }, () => rng.normal());
const dir = mkdtempSync(join(tmpdir(), 'mlops-bench-backends-'));
try {
  writeFileSync(join(dir, 'x.f32'), X);
  const numpy: Record<number, { mulMs: number; mulTMs: number }> = {};
  for (const k of [1, 3]) {
    numpy[k] = JSON.parse(
      execFileSync('/usr/bin/python3', [join(HERE, 'baselines/numpy_matrix.py'), join(dir, 'x.f32'), String(ROWS), String(COLS), String(k), String(REPEATS)], {
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
        encoding: 'utf8',
      }),
    ) as { mulMs: number; mulTMs: number };
  }
  if (BACKENDS.includes('tfjs-cpu')) await registerTfjsCpu();
  const rows: string[][] = [];
  for (const k of [1, 3]) rows.push([`numpy float32 (1 thread)`, String(k), numpy[k].mulMs.toFixed(2), numpy[k].mulTMs.toFixed(2), '1.00', 'baseline']);
  for (const name of BACKENDS) {
    let note = '';
    try {
      const sel = await useBackend(name);
      note = sel.adapter ? `${sel.adapter.software ? 'software adapter: ' : ''}${sel.adapter.device || sel.adapter.description}` : sel.wasm ? `SIMD ${sel.wasm.simd ? 'on' : 'off'}` : '';
    } catch (err) {
      rows.push([name, '-', 'n/a', 'n/a', 'n/a', `not available: ${(err as Error).message.split('\n')[0]}`]);
      continue;
    }
    const m = (await resolveBackendHandle(name)).matrix({ data: X, rows: ROWS, cols: COLS });
    for (const k of [1, 3]) {
      const W = Float64Array.from({ length: COLS * k }, () => rng.normal());
      const R = Float64Array.from({ length: ROWS * k }, () => rng.normal());
      const mul = await time(() => m.mul(W, k));
      const mulT = await time(() => m.mulT(R, k));
      rows.push([name, String(k), mul.toFixed(2), mulT.toFixed(2), ((numpy[k].mulMs + numpy[k].mulTMs) / (mul + mulT)).toFixed(2), note]);
    }
    m.dispose();
  }
  await disposeBackends();
  console.log(`\nDesign-matrix products, ${ROWS.toLocaleString('en-US')} x ${COLS} float32; medians of ${REPEATS} runs (ms)`);
  console.log('ratio = numpy time / backend time for X·W + Xᵀ·R (higher is better)\n');
  const header = ['backend', 'k', 'X·W ms', 'Xᵀ·R ms', 'ratio', 'note'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const r of all) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
