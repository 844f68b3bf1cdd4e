import { describe, expect, it } from 'vitest';
import { chiSquareTest } from '../../../src/monitor/stats/chi-square';
import { codeOf } from './errors';
import { golden, num, relErr } from './golden';

describe('chiSquareTest against scipy.stats.chi2_contingency (scipy 1.10.1)', () => {
  for (const c of golden.chi2) {
    it(`${c.name}`, () => {
      const r = chiSquareTest(c.a, c.b, { correction: c.correction });
      expect(r.dof).toBe(c.dof);
      expect(relErr(r.statistic, num(c.statistic))).toBeLessThan(1e-12);
      expect(relErr(r.pValue, num(c.pvalue))).toBeLessThan(1e-10);
    });
  }

  it('applies Yates only when dof = 1, by default', () => {
    const two = golden.chi2.find((c: { name: string }) => c.name === 'dof1-corrected');
    expect(chiSquareTest(two.a, two.b).statistic).toBeCloseTo(num(two.statistic), 12);
    const uncorrected = chiSquareTest(two.a, two.b, { correction: false }).statistic;
    expect(uncorrected).toBeGreaterThan(chiSquareTest(two.a, two.b).statistic);
  });

  it('is symmetric in its samples and ignores categories absent from both', () => {
    const r = chiSquareTest([10, 0, 20, 5], [12, 0, 9, 7]);
    const s = chiSquareTest([12, 9, 7], [10, 20, 5]);
    expect(r.statistic).toBeCloseTo(s.statistic, 12);
    expect(r.pValue).toBeCloseTo(s.pValue, 14);
    expect(r.dof).toBe(2);
  });

  it('rejects bad tables with MONITOR_INVALID_INPUT', () => {
    expect(codeOf(() => chiSquareTest([1, 2], [1, 2, 3]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => chiSquareTest([1, -2], [1, 2]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => chiSquareTest([1, NaN], [1, 2]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => chiSquareTest([1, Infinity], [1, 2]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => chiSquareTest([0, 0], [1, 2]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => chiSquareTest([], []))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => chiSquareTest([1], [2], { correction: 'yes' as never }))).toBe('INVALID_ARGUMENT');
  });
});
