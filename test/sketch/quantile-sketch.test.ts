import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QuantileSketch } from '../../src/sketch/quantile-sketch';
import { createRng } from '../../src/random';
import { MlopsError } from '../../src/errors';

const rng = createRng(2024);

const generators: Record<string, () => number> = {
  uniform: () => rng.next(),
  normal: () => rng.normal() * 10 + 50,
  lognormal: () => Math.exp(rng.normal() * 2),
  pareto: () => 1 / Math.pow(1 - rng.next(), 1.5),
  'point mass at 0': () => (rng.next() < 0.7 ? 0 : rng.normal()),
  integers: () => rng.int(10),
};

function sample(gen: () => number, n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = gen();
  return x;
}

/** Exact number of values <= x in a sorted array. */
function exactRank(sorted: Float64Array, x: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m] <= x) a = m + 1;
    else b = m;
  }
  return a;
}

/** Exact number of values < x in a sorted array. */
function exactRankBelow(sorted: Float64Array, x: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m] < x) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * The sup over x of |R̂(x) - R(x)| / n. Both are step functions that only change at data
 * values, so checking the counts <= x and < x at every data value is exact.
 */
function maxRankError(sketch: QuantileSketch, sorted: Float64Array): number {
  const n = sorted.length;
  let worst = 0;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const x = sorted[i];
    if (x === prev) continue;
    prev = x;
    worst = Math.max(worst, Math.abs(sketch.rank(x) - exactRank(sorted, x)), Math.abs(sketch.rankBelow(x) - exactRankBelow(sorted, x)));
  }
  return worst / n;
}

function maxRankErrorFast(sketch: QuantileSketch, sorted: Float64Array): number {
  // Checks the stored values and 2000 evenly spaced true quantiles (enough for 1e5+ values).
  const n = sorted.length;
  let worst = 0;
  const points = [...sketch.weighted().values];
  for (let i = 0; i < 2000; i++) points.push(sorted[Math.floor((i / 2000) * n)]);
  for (const x of points) worst = Math.max(worst, Math.abs(sketch.rank(x) - exactRank(sorted, x)));
  return worst / n;
}

describe('QuantileSketch', () => {
  it('is exact until its first compaction: quantiles are the inverted-CDF quantiles of the data', () => {
    const x = sample(generators.normal, 200);
    const s = new QuantileSketch({ k: 256 });
    s.updateMany(x);
    expect(s.isExact).toBe(true);
    expect(s.rankError()).toBe(0);
    const sorted = x.slice().sort();
    for (const q of [0.01, 0.1, 0.25, 0.5, 0.9, 0.99]) {
      // numpy.quantile(x, q, method='inverted_cdf'): the smallest x with F(x) >= q.
      expect(s.quantile(q)).toBe(sorted[Math.ceil(q * 200) - 1]);
    }
    expect(s.quantile(0)).toBe(sorted[0]);
    expect(s.quantile(1)).toBe(sorted[199]);
    expect(s.rank(sorted[10])).toBe(11);
    expect(s.rankBelow(sorted[10])).toBe(10);
  });

  it('ignores NaN and keeps exact n, min and max', () => {
    const s = new QuantileSketch();
    s.updateMany(new Float64Array([3, NaN, -1, 7, NaN]));
    s.update(NaN);
    expect([s.n, s.min, s.max]).toEqual([3, -1, 7]);
    const empty = new QuantileSketch();
    expect(empty.quantile(0.5)).toBeNaN();
    expect(empty.cdf(1)).toBeNaN();
    expect(empty.rank(1)).toBe(0);
  });

  for (const [name, gen] of Object.entries(generators)) {
    it(`keeps the rank error within its bound on ${name} data (bulk, streaming and 8-way merge)`, () => {
      const n = 200_000;
      const x = sample(gen, n);
      const sorted = x.slice().sort();

      const bulk = new QuantileSketch({ seed: 1 });
      bulk.updateMany(x);
      const streamed = new QuantileSketch({ seed: 2 });
      for (let i = 0; i < n; i++) streamed.update(x[i]);
      const parts = Array.from({ length: 8 }, (_, p) => {
        const s = new QuantileSketch({ seed: 10 + p });
        const chunk = n / 8;
        // Mixed batch sizes: some bulk, some small.
        for (let i = p * chunk; i < (p + 1) * chunk; i += 5000) s.updateMany(x, i, Math.min(i + (p % 2 ? 5000 : 700), (p + 1) * chunk));
        for (let i = p * chunk; i < (p + 1) * chunk; i += 5000) for (let j = i + (p % 2 ? 5000 : 700); j < Math.min(i + 5000, (p + 1) * chunk); j++) s.update(x[j]);
        return s;
      });
      const merged = parts[0].clone();
      for (let p = 1; p < 8; p++) merged.merge(parts[p]);

      for (const s of [bulk, streamed, merged]) {
        expect(s.n).toBe(n);
        expect(s.min).toBe(sorted[0]);
        expect(s.max).toBe(sorted[n - 1]);
        const { weights } = s.weighted();
        expect(weights.reduce((a, b) => a + b, 0)).toBe(n);
        const err = maxRankErrorFast(s, sorted);
        expect(err).toBeLessThanOrEqual(s.rankError());
        expect(err).toBeLessThanOrEqual(s.rankError({ deterministic: true }));
        // Bounded memory: about 3k values whatever n.
        expect(s.size).toBeLessThan(3.5 * s.k);
      }
      // The default (k = 512) guarantees under 1% for any stream and far less for bulk input.
      expect(streamed.rankError()).toBeLessThan(0.01);
      expect(bulk.rankError()).toBeLessThan(0.003);
    });
  }

  it('measures the sup of the rank error exactly on a small stream', () => {
    const x = sample(generators.lognormal, 5000);
    const s = new QuantileSketch({ k: 32, seed: 3 });
    for (const v of x) s.update(v);
    const sorted = x.slice().sort();
    const err = maxRankError(s, sorted);
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThanOrEqual(s.rankError({ deterministic: true }));
  });

  it('holds the deterministic bound for any input, split and merge order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 3000 }),
        fc.array(fc.nat(3000), { maxLength: 6 }),
        fc.integer({ min: 8, max: 64 }),
        (values, cuts, k) => {
          const x = Float64Array.from(values);
          const bounds = [0, ...cuts.map((c) => c % (x.length + 1)).sort((a, b) => a - b), x.length];
          const parts = bounds.slice(1).map((end, i) => {
            const s = new QuantileSketch({ k, seed: i });
            if (i % 2) s.updateMany(x, bounds[i], end);
            else for (let j = bounds[i]; j < end; j++) s.update(x[j]);
            return s;
          });
          const merged = parts.reduce((a, b) => a.merge(b));
          const sorted = x.slice().sort();
          expect(merged.n).toBe(x.length);
          expect(merged.min).toBe(sorted[0]);
          expect(merged.max).toBe(sorted[x.length - 1]);
          expect(maxRankError(merged, sorted)).toBeLessThanOrEqual(merged.rankError({ deterministic: true }) + 1e-12);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('round-trips through JSON exactly and continues deterministically', () => {
    const x = sample(generators.normal, 50_000);
    const a = new QuantileSketch({ seed: 9 });
    a.updateMany(x, 0, 30_000);
    const b = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(a)));
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.quantiles([0.1, 0.5, 0.9])).toEqual(a.quantiles([0.1, 0.5, 0.9]));
    const c = QuantileSketch.fromJSON(a.toJSON());
    for (let i = 30_000; i < 50_000; i++) {
      b.update(x[i]);
      c.update(x[i]);
    }
    expect(b.toJSON()).toEqual(c.toJSON());
    const json = a.toJSON();
    expect(json.items).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('rejects malformed or incompatible JSON with coded errors', () => {
    const s = new QuantileSketch({ k: 16 });
    for (let i = 0; i < 1000; i++) s.update(i);
    const good = s.toJSON();
    const codeOf = (j: unknown): string | undefined => {
      try {
        QuantileSketch.fromJSON(j);
      } catch (e) {
        return e instanceof MlopsError ? e.code : 'not-mlops';
      }
      return undefined;
    };
    expect(codeOf(good)).toBeUndefined();
    expect(codeOf({ ...good, version: 2 })).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf({ ...good, kind: 'tdigest' })).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf(null)).toBe('INVALID_ARGUMENT');
    expect(codeOf({ ...good, n: good.n + 1 })).toBe('INVALID_ARGUMENT');
    expect(codeOf({ ...good, items: good.items.slice(0, -4) })).toBe('INVALID_ARGUMENT');
    expect(codeOf({ ...good, items: '!!!!' })).toBe('INVALID_ARGUMENT');
    expect(codeOf({ ...good, min: 500 })).toBe('INVALID_ARGUMENT');
    expect(codeOf({ ...good, k: 3 })).toBe('INVALID_ARGUMENT');
    expect(codeOf({ ...good, error: { linear: -1, squares: 0 } })).toBe('INVALID_ARGUMENT');
    expect(() => new QuantileSketch({ k: 1.5 })).toThrow(MlopsError);
    expect(() => new QuantileSketch().quantile(2)).toThrow(MlopsError);
  });

  it('merging a sketch into itself doubles it', () => {
    const s = new QuantileSketch();
    s.updateMany(new Float64Array([1, 2, 3]));
    s.merge(s);
    expect(s.n).toBe(6);
    expect(s.rank(2)).toBe(4);
  });
});
