import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { radixSort, sortFloat64 } from '../../../src/monitor/stats/sort';
import { createRng } from '../../../src/random';
import { codeOf } from './errors';

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('sortFloat64 (radix sort on the IEEE-754 bit patterns)', () => {
  it('agrees with Float64Array.prototype.sort on arbitrary doubles, small and large', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 6000 }), (xs) => {
        const values = Float64Array.from(xs);
        if (values.length === 0) return true;
        return sameBits(sortFloat64(values), values.slice().sort());
      }),
      { numRuns: 60 },
    );
  });

  it('sorts a large mixed array: negatives, -0, +0, subnormals, infinities, ties', () => {
    const rng = createRng(11);
    const specials = [-Infinity, Infinity, -0, 0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];
    const values = Float64Array.from({ length: 100000 }, (_, i) =>
      i % 10 === 0 ? specials[rng.int(specials.length)] : i % 3 === 0 ? rng.int(50) - 25 : (rng.next() - 0.5) * 10 ** rng.int(20),
    );
    const copy = values.slice();
    expect(sameBits(sortFloat64(values), values.slice().sort())).toBe(true);
    expect(sameBits(values, copy)).toBe(true);
  });

  it('keeps the payload with its value and is stable', () => {
    const n = 10000;
    const rng = createRng(5);
    const values = Float64Array.from({ length: n }, () => rng.int(100));
    const payload = Float64Array.from({ length: n }, (_, i) => i);
    const sorted = radixSort(values, payload, false, 'test', 'values');
    expect(payload.every((v, i) => v === i)).toBe(true); // read-only input untouched
    const p = sorted.payload as Float64Array;
    for (let i = 0; i < n; i++) {
      expect(sorted.values[i]).toBe(values[p[i]]);
      if (i > 0 && sorted.values[i] === sorted.values[i - 1]) expect(p[i]).toBeGreaterThan(p[i - 1]);
    }
    const small = radixSort(Float64Array.from([3, 1, 3, 2]), Float64Array.from([0, 1, 2, 3]), true, 'test', 'values');
    expect(Array.from(small.values)).toEqual([1, 2, 3, 3]);
    expect(Array.from(small.payload as Float64Array)).toEqual([1, 3, 0, 2]);
  });

  it('rejects NaN and empty input', () => {
    expect(codeOf(() => sortFloat64([]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => sortFloat64([1, NaN]))).toBe('MONITOR_INVALID_INPUT');
    const big = new Float64Array(5000);
    big[4999] = NaN;
    expect(codeOf(() => sortFloat64(big))).toBe('MONITOR_INVALID_INPUT');
  });
});
