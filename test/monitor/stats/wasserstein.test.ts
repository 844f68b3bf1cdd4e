import { describe, expect, it } from 'vitest';
import { normalizedWasserstein, wasserstein, wassersteinSorted } from '../../../src/monitor/stats/wasserstein';
import { codeOf } from './errors';
import { expand, golden, num, relErr } from './golden';

describe('wasserstein against scipy.stats.wasserstein_distance (scipy 1.10.1)', () => {
  for (const c of golden.wasserstein) {
    it(`${c.name}`, () => {
      const opts = {
        weightsA: c.wa === null ? undefined : expand(c.wa),
        weightsB: c.wb === null ? undefined : expand(c.wb),
      };
      expect(relErr(wasserstein(expand(c.a), expand(c.b), opts), num(c.value))).toBeLessThan(1e-10);
    });
  }

  it('normalizedWasserstein divides by the reference std (ddof = 1) with the documented zero-variance rule', () => {
    for (const c of golden.normalizedWasserstein) {
      const v = normalizedWasserstein(expand(c.a), expand(c.b));
      if (!Number.isFinite(num(c.value))) expect(v).toBe(num(c.value));
      else expect(relErr(v, num(c.value)), c.name).toBeLessThan(1e-10);
    }
  });

  it('wassersteinSorted equals wasserstein on sorted input, weights aligned with the sorted values', () => {
    const a = [0.5, 1, 2, 2, 3];
    const b = [1.5, 2.5, 4];
    const wa = [1, 2, 0, 1, 3];
    const wb = [2, 1, 1];
    expect(wassersteinSorted(a, b, { weightsA: wa, weightsB: wb })).toBe(wasserstein(a, b, { weightsA: wa, weightsB: wb }));
    expect(wassersteinSorted(a, b)).toBe(wasserstein([3, 2, 0.5, 2, 1], [4, 1.5, 2.5]));
  });

  it('carries weights through the radix sort for large inputs', () => {
    const n = 5000;
    const a = Float64Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const w = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % n) % 3);
    // The same distribution as the sorted copy with its weights.
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i] - a[j]);
    const sa = Float64Array.from(order, (i) => a[i]);
    const sw = Float64Array.from(order, (i) => w[i]);
    const b = [100.5, 2000.25, 4000];
    expect(relErr(wasserstein(a, b, { weightsA: w }), wassersteinSorted(sa, b, { weightsA: sw }))).toBeLessThan(1e-12);
  });

  it('rejects bad input with MONITOR_INVALID_INPUT', () => {
    expect(codeOf(() => wasserstein([], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => wasserstein([1, NaN], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => wasserstein([1, Infinity], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => wasserstein([1, 2], [1], { weightsA: [1] }))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => wasserstein([1, 2], [1], { weightsA: [1, -1] }))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => wasserstein([1, 2], [1], { weightsA: [0, 0] }))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => wassersteinSorted([2, 1], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => wassersteinSorted([1, Infinity], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => normalizedWasserstein([1, NaN], [1]))).toBe('MONITOR_INVALID_INPUT');
  });
});
