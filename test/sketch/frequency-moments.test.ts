import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrequencySketch } from '../../src/sketch/frequency-sketch';
import { MomentsSketch } from '../../src/sketch/moments-sketch';
import { createRng } from '../../src/random';
import { MlopsError } from '../../src/errors';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof MlopsError ? e.code : 'not-mlops';
  }
  return undefined;
}

describe('FrequencySketch', () => {
  it('counts exactly up to capacity and merges exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'é', ''), { maxLength: 50 }), { minLength: 1, maxLength: 8 }), (parts) => {
        const sketches = parts.map((p) => new FrequencySketch({ capacity: 6 }).addAll(p));
        const merged = sketches.reduce((a, b) => a.merge(b));
        const truth = new Map<string, number>();
        for (const v of parts.flat()) truth.set(v, (truth.get(v) ?? 0) + 1);
        expect(merged.isExact).toBe(true);
        expect(merged.n).toBe(parts.flat().length);
        for (const [v, c] of truth) expect(merged.count(v)).toBe(c);
        expect(merged.distinct).toBe(truth.size);
      }),
    );
  });

  it('beyond capacity, under-estimates by at most errorBound and keeps the heavy hitters', () => {
    const rng = createRng(5);
    const truth = new Map<string, number>();
    const parts = Array.from({ length: 4 }, () => new FrequencySketch({ capacity: 50 }));
    for (let i = 0; i < 40_000; i++) {
      // Zipf-like: a few heavy categories and a long tail of rare ones.
      const v = rng.next() < 0.5 ? `heavy${rng.int(5)}` : `rare${rng.int(5000)}`;
      truth.set(v, (truth.get(v) ?? 0) + 1);
      parts[i % 4].add(v);
    }
    const merged = parts.reduce((a, b) => a.merge(b));
    expect(merged.isExact).toBe(false);
    expect(merged.n).toBe(40_000);
    expect(merged.distinct).toBeLessThanOrEqual(50);
    expect(merged.errorBound).toBeGreaterThan(0);
    for (const [v, c] of truth) {
      const est = merged.count(v);
      expect(est).toBeLessThanOrEqual(c);
      expect(c - est).toBeLessThanOrEqual(merged.errorBound);
    }
    expect(merged.top(5).map((t) => t.value).sort()).toEqual(['heavy0', 'heavy1', 'heavy2', 'heavy3', 'heavy4']);
    expect(merged.untracked).toBe(40_000 - merged.items().reduce((a, t) => a + t.count, 0));
  });

  it('round-trips through JSON and rejects malformed input', () => {
    const f = new FrequencySketch({ capacity: 10 }).addCounts(['x', 'y', 'z'], [3, 0, 5]);
    const json = JSON.parse(JSON.stringify(f));
    expect(json.items).toEqual([
      ['z', 5],
      ['x', 3],
    ]);
    expect(FrequencySketch.fromJSON(json).toJSON()).toEqual(f.toJSON());
    expect(codeOf(() => FrequencySketch.fromJSON({ ...json, version: 9 }))).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf(() => FrequencySketch.fromJSON({ ...json, n: 2 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => FrequencySketch.fromJSON({ ...json, items: [['x', -1]] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => FrequencySketch.fromJSON({ ...json, items: [['x', 1], ['x', 1]] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => FrequencySketch.fromJSON({ ...json, capacity: undefined }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new FrequencySketch({ capacity: 1 }))).toBe('INVALID_ARGUMENT');
  });
});

describe('MomentsSketch', () => {
  it('merges any split to the moments of the whole (Chan et al.)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.nat(200), { maxLength: 5 }),
        (values, cuts) => {
          const bounds = [0, ...cuts.map((c) => c % (values.length + 1)).sort((a, b) => a - b), values.length];
          const parts = bounds.slice(1).map((end, i) => MomentsSketch.of(values.slice(bounds[i], end)));
          const merged = parts.reduce((a, b) => a.merge(b));
          const whole = MomentsSketch.of(values);
          // Reference: two-pass mean and variance.
          const mean = values.reduce((a, b) => a + b, 0) / values.length;
          const m2 = values.reduce((a, b) => a + (b - mean) ** 2, 0);
          const scale = Math.max(1, ...values.map(Math.abs));
          expect(merged.count).toBe(values.length);
          expect(merged.min).toBe(Math.min(...values));
          expect(merged.max).toBe(Math.max(...values));
          expect(Math.abs(merged.mean - mean)).toBeLessThanOrEqual(1e-9 * scale);
          expect(Math.abs(merged.m2 - m2)).toBeLessThanOrEqual(1e-7 * scale * scale * values.length);
          expect(Math.abs(merged.mean - whole.mean)).toBeLessThanOrEqual(1e-9 * scale);
        },
      ),
    );
  });

  it('matches pandas conventions and round-trips through JSON', () => {
    const m = MomentsSketch.of([1, 2, 3, 4, NaN]);
    expect(m.count).toBe(4);
    expect(m.mean).toBe(2.5);
    expect(m.std).toBeCloseTo(1.2909944487358056, 15); // pandas Series([1,2,3,4]).std()
    expect(m.populationStd).toBeCloseTo(1.118033988749895, 15);
    expect(MomentsSketch.of([5]).std).toBe(0);
    expect(new MomentsSketch().std).toBeNaN();
    const back = MomentsSketch.fromJSON(JSON.parse(JSON.stringify(m)));
    expect(back.toJSON()).toEqual(m.toJSON());
    expect(new MomentsSketch().toJSON()).toEqual({ count: 0, mean: null, m2: 0, min: null, max: null });
    expect(codeOf(() => MomentsSketch.fromJSON({ count: 2, mean: 9, m2: 1, min: 0, max: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => MomentsSketch.fromJSON({ count: -1, m2: 0 }))).toBe('INVALID_ARGUMENT');
    const single = new MomentsSketch().add(2).add(NaN).add(4);
    expect([single.count, single.mean, single.m2]).toEqual([2, 3, 2]);
  });
});
