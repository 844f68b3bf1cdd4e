/**
 * The training kernels against naive implementations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/random';
import { gbdtKernels } from '../../../src/models/gbdt/kernels';
import { TaskRunner, allocateBuffers } from '../../../src/models/gbdt/worker-pool';

async function runnerFor(rows: number, features: number, opts: { maxBins?: number; counts?: boolean; slots?: number; outputs?: number; weighted?: boolean; threads?: number; simd?: boolean } = {}): Promise<TaskRunner> {
  const maxBins = opts.maxBins ?? 255;
  const threads = opts.threads ?? 1;
  const buffers = allocateBuffers(
    { rows, features, maxBins, counts: opts.counts ?? false, slots: opts.slots ?? 4, maxTasks: 64, rawBlock: 8, sampleSize: 0, outputs: opts.outputs ?? 1, weighted: opts.weighted ?? false },
    threads > 1,
    opts.simd ?? true,
  );
  return TaskRunner.create(buffers, 64, threads);
}

/** Bins one raw column with the BIN task; returns bins and edges. */
async function binColumn(values: number[], maxBins: number): Promise<{ bins: number[]; edges: number[]; nb: number }> {
  const r = await runnerFor(values.length, 1, { maxBins });
  const { K, v } = r;
  v.raw.set(Float32Array.from(values));
  const t = r.task(0);
  v.tasks.set([K.BIN, 0, 0, 0, maxBins], t);
  r.run(1);
  const nb = v.numBins[0];
  await r.close();
  return { bins: Array.from(v.bins.subarray(0, values.length)), edges: Array.from(v.thresholds.subarray(0, nb)), nb };
}

describe('binning kernel', () => {
  it('gives each distinct value its own bin when there are few, with edges between values', async () => {
    const { bins, edges, nb } = await binColumn([3, 1, 2, 2, NaN, 1, -0, 0], 255);
    expect(nb).toBe(4); // 0 (and -0), 1, 2, 3
    expect(edges[3]).toBe(Infinity);
    expect(edges.slice(0, 3)).toEqual([0.5, 1.5, 2.5]);
    expect(bins).toEqual([3, 1, 2, 2, 4, 1, 0, 0]); // NaN -> bin nb
  });

  it('never puts two values on the wrong side of an edge, even for adjacent floats', async () => {
    const a = Math.fround(1.0000001);
    const b = Math.fround(a + 2 ** -23); // the next float32
    const { bins, edges } = await binColumn([a, b, a, b], 255);
    expect(bins).toEqual([0, 1, 0, 1]);
    expect(a <= edges[0] && b > edges[0]).toBe(true);
  });

  it('makes about equal-count bins, and a heavy value gets its own bin', async () => {
    const values: number[] = [];
    const rng = createRng(3);
    for (let i = 0; i < 6000; i++) values.push(rng.next() < 0.4 ? 0 : rng.normal());
    const { bins, nb, edges } = await binColumn(values, 16);
    expect(nb).toBeLessThanOrEqual(16);
    expect(nb).toBeGreaterThanOrEqual(12);
    const counts = new Array(nb).fill(0);
    for (const b of bins) counts[b]++;
    const zeroBin = bins[values.indexOf(0)];
    // Only zeros in the zero bin.
    values.forEach((x, i) => expect(bins[i] === zeroBin).toBe(x === 0));
    const others = counts.filter((_, b) => b !== zeroBin);
    expect(Math.max(...others) / Math.min(...others)).toBeLessThan(2.5);
    // Bins are ordered by value and edges are strictly increasing.
    for (let i = 1; i < nb - 1; i++) expect(edges[i]).toBeGreaterThan(edges[i - 1]);
  });

  it('maps every value to the bin whose edges bracket it (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.constant(Number.NaN)), { minLength: 1, maxLength: 300 }), fc.integer({ min: 2, max: 255 }), async (xs, maxBins) => {
        const { bins, edges, nb } = await binColumn(xs, maxBins);
        expect(nb).toBeLessThanOrEqual(maxBins);
        xs.forEach((x, i) => {
          const f = Math.fround(x);
          if (Number.isNaN(f)) return expect(bins[i]).toBe(nb);
          const b = bins[i];
          expect(f <= edges[b]).toBe(true);
          if (b > 0) expect(f > edges[b - 1]).toBe(true);
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('histogram and split kernels', () => {
  it('builds histograms equal to a naive sum, for any group size, and subtracts exactly', async () => {
    const N = 500;
    const F = 11;
    const r = await runnerFor(N, F, { maxBins: 15, counts: true });
    const { K, v } = r;
    const rng = createRng(9);
    for (let f = 0; f < F; f++) v.numBins[f] = 15;
    for (let i = 0; i < N * F; i++) v.bins[i] = rng.int(16);
    for (let i = 0; i < N; i++) {
      v.idx[i] = i;
      v.gh[2 * i] = rng.normal();
      v.gh[2 * i + 1] = rng.next();
    }
    for (let f = 0; f < F; f++) v.active[f] = f;
    // Root (sequential) in slot 0, then a subset of rows (idx path) in slot 1 subtracted from slot 0.
    let t = 0;
    for (const [g0, gc] of [[0, 8], [8, 3]]) v.tasks.set([K.HIST, 0, N, 0, -1, g0, gc, 1], r.task(t++));
    r.run(t);
    const gh = v.gh;
    const naive = (rows: number[], f: number): number[] => {
      const h = new Array(16 * 3).fill(0);
      for (const i of rows) {
        const b = v.bins[f * N + i];
        h[3 * b] += gh[2 * i];
        h[3 * b + 1] += gh[2 * i + 1];
        h[3 * b + 2] += 1;
      }
      return h;
    };
    const slot = (s: number, f: number): number[] => {
      const out: number[] = [];
      const base = s * v.slotStride;
      for (let b = 0; b < 16; b++) out.push(v.hist[base + 2 * f * 16 + 2 * b], v.hist[base + 2 * f * 16 + 2 * b + 1], v.hist[base + v.countOffset + f * 16 + b]);
      return out;
    };
    const all = Array.from({ length: N }, (_, i) => i);
    for (let f = 0; f < F; f++) {
      const want = naive(all, f);
      slot(0, f).forEach((x, k) => expect(x).toBeCloseTo(want[k], 10));
    }
    // A node holding every third row (idx path) built in slot 1; slot 0 becomes the rest.
    const subset = all.filter((i) => i % 3 === 0);
    subset.forEach((row, j) => {
      v.idx[j] = row;
    });
    t = 0;
    for (const [g0, gc] of [[0, 4], [4, 5], [9, 2]]) v.tasks.set([K.HIST, 0, subset.length, 1, 0, g0, gc, 0], r.task(t++));
    r.run(t);
    await r.close();
    const rest = all.filter((i) => i % 3 !== 0);
    for (let f = 0; f < F; f++) {
      const a = naive(subset, f);
      slot(1, f).forEach((x, k) => expect(x).toBeCloseTo(a[k], 10));
      const b = naive(rest, f);
      slot(0, f).forEach((x, k) => expect(x).toBeCloseTo(b[k], 9));
    }
  });

  it('gives bit-identical histograms, totals and partitions with the SIMD kernels and the JavaScript ones', async () => {
    const N = 3001;
    const F = 13;
    const rng = createRng(12);
    const bins = Uint8Array.from({ length: N * F }, () => rng.int(33)); // 32 bins + missing
    const gh = Float32Array.from({ length: 2 * N }, (_, i) => (i % 2 === 0 ? rng.normal() : rng.next()));
    const subset = Int32Array.from({ length: N }, (_, i) => i).filter(() => rng.next() < 0.4);
    const results: { hist: Float64Array; idx: Int32Array; mids: number[]; sums: number[] }[] = [];
    for (const simd of [true, false]) {
      const r = await runnerFor(N, F, { maxBins: 32, counts: true, threads: simd ? 2 : 1, simd });
      const { K, v } = r;
      expect(v.wasm !== null).toBe(simd);
      v.bins.set(bins);
      v.gh.set(gh);
      for (let f = 0; f < F; f++) {
        v.numBins[f] = 32;
        v.active[f] = F - 1 - f; // any order
      }
      // Root (rows in order) in slot 0, groups of every width; a subset in slot 1 from slot 0.
      let t = 0;
      for (const [g0, gc] of [[0, 8], [8, 4], [12, 1]]) v.tasks.set([K.HIST, 0, N, 0, -1, g0, gc, 1], r.task(t++));
      r.run(t);
      const sums = [...K.sums(v, N, true)];
      v.idx.set(subset);
      sums.push(...K.sums(v, subset.length, false));
      t = 0;
      for (const [g0, gc] of [[0, 9], [9, 4]]) v.tasks.set([K.HIST, 0, subset.length, 1, 0, g0, gc, 0], r.task(t++));
      r.run(t);
      // Numeric partitions of the subset, missing rows left and right.
      const mids: number[] = [];
      t = 0;
      const half = subset.length >> 1;
      v.tasks.set([K.PARTITION, 0, half, 3, 10, K.FLAG_DEFAULT_LEFT], r.task(t++));
      v.tasks.set([K.PARTITION, half, subset.length, 7, 20, 0], r.task(t++));
      r.run(t);
      for (let i = 0; i < t; i++) mids.push(v.tasks[r.task(i) + 8]);
      results.push({ hist: v.hist.slice(0, 2 * v.slotStride), idx: v.idx.slice(0, subset.length), mids, sums });
      await r.close();
    }
    const [a, b] = results;
    expect(a.mids).toEqual(b.mids);
    expect(a.sums).toEqual(b.sums);
    // Totals in row order, as a plain loop adds them.
    let G = 0;
    let H = 0;
    for (let i = 0; i < N; i++) {
      G += gh[2 * i];
      H += gh[2 * i + 1];
    }
    expect(a.sums.slice(0, 2)).toEqual([G, H]);
    expect(Array.from(a.idx)).toEqual(Array.from(b.idx));
    expect(Buffer.from(a.hist.buffer).equals(Buffer.from(b.hist.buffer))).toBe(true);
    expect(a.hist.some((x) => x !== 0)).toBe(true);
  });

  it('finds the numeric split a brute-force search finds, with the missing direction', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ b: fc.integer({ min: 0, max: 8 }), g: fc.float({ min: -3, max: 3, noNaN: true }), h: fc.float({ min: Math.fround(0.01), max: 2, noNaN: true }) }), { minLength: 2, maxLength: 80 }),
        fc.float({ min: 0, max: 2, noNaN: true }),
        async (rows, lambda) => {
          const nb = 8; // bins 0..7, 8 = missing
          const r = await runnerFor(rows.length, 1, { maxBins: nb, counts: false });
          const { K, v } = r;
          v.numBins[0] = nb;
          v.active[0] = 0;
          v.cfg.set([lambda, 0, 1, 10]);
          let G = 0;
          let H = 0;
          rows.forEach((x, i) => {
            v.bins[i] = x.b;
            v.idx[i] = i;
            v.gh[2 * i] = x.g;
            v.gh[2 * i + 1] = x.h;
            G += Math.fround(x.g);
            H += Math.fround(x.h);
          });
          v.nodeStats.set([G, H, rows.length], 0);
          v.nodeMask[0] = 1;
          v.tasks.set([K.HIST, 0, rows.length, 0, -1, 0, 1, 3], r.task(0));
          r.run(1);
          await r.close();
          const score = (gl: number, hl: number): number => (hl > 0 && H - hl > 0 ? (gl * gl) / (hl + lambda) + ((G - gl) * (G - gl)) / (H - hl + lambda) - (G * G) / (H + lambda) : -Infinity);
          let best = -Infinity;
          for (let t = 0; t < nb; t++) {
            for (const missLeft of [false, true]) {
              let gl = 0;
              let hl = 0;
              for (const x of rows) {
                if (x.b === nb ? missLeft : x.b <= t) {
                  gl += Math.fround(x.g);
                  hl += Math.fround(x.h);
                }
              }
              best = Math.max(best, score(gl, hl));
            }
          }
          const got = v.splits[0];
          if (best === -Infinity) expect(got).toBe(-Infinity);
          else expect(got).toBeCloseTo(best, 6);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('partitions the rows of a node stably, missing rows following the default direction', async () => {
    const N = 40;
    const r = await runnerFor(N, 2, { maxBins: 9 });
    const { K, v } = r;
    v.numBins[1] = 9;
    const rng = createRng(4);
    const rows = Array.from({ length: 30 }, (_, j) => j + 5);
    for (let i = 0; i < N; i++) v.bins[N + i] = rng.int(10); // feature 1, bin 9 = missing
    rows.forEach((row, j) => {
      v.idx[5 + j] = row;
    });
    v.tasks.set([K.PARTITION, 5, 35, 1, 4, K.FLAG_DEFAULT_LEFT, 0, 0, 0], r.task(0));
    r.run(1);
    await r.close();
    const mid = v.tasks[r.task(0) + 8];
    const goesLeft = (row: number): boolean => v.bins[N + row] <= 4 || v.bins[N + row] === 9;
    const left = rows.filter(goesLeft);
    const right = rows.filter((x) => !goesLeft(x));
    expect(mid).toBe(5 + left.length);
    expect(Array.from(v.idx.subarray(5, 35))).toEqual([...left, ...right]);
  });

  it('computes each objective\'s gradient and hessian as documented', async () => {
    const n = 50;
    const rng = createRng(6);
    const cases: [string, number, (m: number[], y: number, k: number) => [number, number]][] = [
      ['LOGISTIC', 1, (m, y) => { const p = 1 / (1 + Math.exp(-m[0])); return [p - y, p * (1 - p)]; }],
      ['SQUARED', 1, (m, y) => [m[0] - y, 1]],
      ['ABSOLUTE', 1, (m, y) => [Math.sign(m[0] - y), 1]],
      ['HUBER', 1, (m, y) => [Math.max(-0.7, Math.min(0.7, m[0] - y)), 1]],
      ['SOFTMAX', 3, (m, y, k) => {
        const e = m.map((x) => Math.exp(x));
        const p = e[k] / (e[0] + e[1] + e[2]);
        return [p - (y === k ? 1 : 0), 1.5 * p * (1 - p)];
      }],
    ];
    for (const [name, K, want] of cases) {
      const r = await runnerFor(n, 1, { outputs: K, weighted: true });
      const { v } = r;
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < K; k++) v.score[i * K + k] = 2 * rng.normal();
        v.y[i] = K > 1 ? rng.int(K) : rng.next() < 0.5 ? 0 : 1;
        v.w[i] = rng.next() * 2;
      }
      v.cfg[4] = 0.7;
      v.cfg[5] = 1.5;
      v.tasks.set([r.K.GRAD, 0, 20, r.K[name as 'LOGISTIC']], r.task(0));
      v.tasks.set([r.K.GRAD, 20, n, r.K[name as 'LOGISTIC']], r.task(1));
      r.run(2);
      await r.close();
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < K; k++) {
          const [g, h] = want(Array.from(v.score.subarray(i * K, i * K + K)), v.y[i], k);
          expect(v.grad[k * 2 * n + 2 * i]).toBeCloseTo(g * v.w[i], 5);
          expect(v.grad[k * 2 * n + 2 * i + 1]).toBeCloseTo(Math.max(h, 1e-16) * v.w[i], 5);
        }
      }
    }
  });

  it('reports an error raised on any thread as a failed run', async () => {
    const r = await runnerFor(10, 1, { threads: 2 });
    for (let i = 0; i < 8; i++) r.v.tasks.set([99], r.task(i));
    expect(() => r.run(8)).toThrow(/unknown task kind 99/);
    await r.close();
  });

  it('radix-sorts uint32 keys', () => {
    const K = gbdtKernels();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 500 }), (xs) => {
        // Only the first n keys are sorted: a longer buffer keeps its tail.
        const keys = Uint32Array.from([...xs, 7]);
        const sorted = K.radixSort(keys, new Uint32Array(xs.length + 1), new Int32Array(3 * 2048), xs.length);
        expect(Array.from(sorted.subarray(0, xs.length))).toEqual([...xs].sort((a, b) => a - b));
        expect(keys[xs.length]).toBe(7);
      }),
    );
  });
});
