import { describe, expect, it } from 'vitest';
import { ksTest, ksTestSorted } from '../../../src/monitor/stats/ks';
import { isMlopsError } from '../../../src/errors';
import { createRng } from '../../../src/random';
import { codeOf } from './errors';
import { expand, golden, num, relErr } from './golden';


describe('ksTest against scipy.stats.ks_2samp (scipy 1.10.1)', () => {
  for (const c of golden.ks) {
    it(`${c.name} (${c.method}, ${c.alternative}): statistic to 1e-9, p-value to 1e-6 relative`, () => {
      const a = expand(c.a);
      const b = expand(c.b);
      const r = ksTest(a, b, { method: c.method, alternative: c.alternative });
      expect(Math.abs(r.statistic - num(c.statistic))).toBeLessThanOrEqual(1e-9);
      const p = num(c.pvalue);
      if (p === 0 || p === 1) expect(r.pValue).toBe(p);
      else expect(relErr(r.pValue, p)).toBeLessThan(1e-6);
      expect(r.method).toBe(c.used);
      expect(r.statisticLocation).toBe(num(c.location));
      expect(r.statisticSign).toBe(c.sign);
    });
  }

  it('covers the exact square, the inside method, the one-sided counts, the fallback and every asymptotic branch', () => {
    const names = golden.ks.map((c: { name: string }) => c.name).join(' ');
    for (const part of ['eq-10000', 'uneq-8000-10000', 'asymp-10001', 'dmtw', 'pomeranz', 'smirnov', 'pelzgood', 'fallback', 'tiny-p', 'ties']) {
      expect(names).toContain(part);
    }
    const tiny = golden.ks.filter((c: { pvalue: number }) => num(c.pvalue) > 0 && num(c.pvalue) < 1e-30);
    expect(tiny.length).toBeGreaterThanOrEqual(2);
  });

  it('ksTestSorted gives the same result on sorted input, and accepts plain arrays and Float32Array', () => {
    const c = golden.ks.find((x: { name: string }) => x.name === 'uneq-1000-1500-ties');
    const a = expand(c.a);
    const b = expand(c.b);
    const r = ksTest(a, b);
    expect(ksTestSorted(a.slice().sort(), b.slice().sort())).toEqual(r);
    expect(ksTest(Array.from(a), Array.from(b))).toEqual(r);
    expect(ksTest(Float32Array.from(a), Float32Array.from(b))).toEqual(r);
  });

  it('does not modify its inputs', () => {
    const a = new Float64Array([3, 1, 2, 9, 0]);
    const b = [5, 4, 1];
    ksTest(a, b);
    expect(Array.from(a)).toEqual([3, 1, 2, 9, 0]);
    expect(b).toEqual([5, 4, 1]);
  });

  it("an explicit 'exact' falls back to 'asymp' when lcm(n1, n2) >= 2^31, as scipy", () => {
    const rng = createRng(3);
    const a = Float64Array.from({ length: 50000 }, () => rng.next());
    const b = Float64Array.from({ length: 49999 }, () => rng.next());
    const exact = ksTest(a, b, { method: 'exact' });
    expect(exact.method).toBe('asymp');
    expect(exact).toEqual(ksTest(a, b, { method: 'asymp' }));
  });

  it('single values: exact p = 1 always; the asymptotic form uses n = 1 where scipy would return NaN', () => {
    expect(ksTest([0], [1])).toMatchObject({ statistic: 1, pValue: 1, method: 'exact' });
    expect(ksTest([0], [1], { method: 'asymp' })).toMatchObject({ statistic: 1, pValue: 0, method: 'asymp' });
  });

  it('rejects empty samples and NaN with MONITOR_INVALID_INPUT, bad options with INVALID_ARGUMENT', () => {
    expect(codeOf(() => ksTest([], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => ksTest([1], new Float64Array(0)))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => ksTest([1, NaN], [1]))).toBe('MONITOR_INVALID_INPUT');
    const big = new Float64Array(5000).map((_, i) => i);
    big[4321] = NaN;
    try {
      ksTest([1, 2], big);
      expect.unreachable();
    } catch (error) {
      expect(isMlopsError(error, 'MONITOR_INVALID_INPUT')).toBe(true);
      expect((error as { details: Record<string, unknown> }).details).toEqual({ argument: 'b', index: 4321 });
      expect((error as Error).message).toContain('b[4321] is NaN');
    }
    expect(codeOf(() => ksTestSorted([2, 1], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => ksTestSorted([1, NaN], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => ksTest([1], [2], { method: 'fast' as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => ksTest([1], [2], { alternative: 'up' as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => ksTest(null as never, [2]))).toBe('MONITOR_INVALID_INPUT');
  });
});
