import { describe, expect, it } from 'vitest';
import { twoProportionZTest } from '../../../src/monitor/stats/proportions';
import { codeOf } from './errors';
import { golden, num, relErr } from './golden';

describe('twoProportionZTest (pooled, two-sided; statsmodels proportions_ztest formula with scipy norm.sf)', () => {
  it('matches the golden values', () => {
    for (const c of golden.ztest) {
      const r = twoProportionZTest(c.xa, c.na, c.xb, c.nb);
      expect(relErr(r.statistic, num(c.statistic))).toBeLessThan(1e-13);
      expect(relErr(r.pValue, num(c.pvalue))).toBeLessThan(1e-11);
    }
  });

  it('is antisymmetric in its samples', () => {
    const a = twoProportionZTest(30, 100, 20, 120);
    const b = twoProportionZTest(20, 120, 30, 100);
    expect(a.statistic).toBe(-b.statistic);
    expect(a.pValue).toBe(b.pValue);
  });

  it('returns statistic 0, p-value 1 when the pooled proportion is 0 or 1', () => {
    expect(twoProportionZTest(0, 10, 0, 20)).toEqual({ statistic: 0, pValue: 1 });
    expect(twoProportionZTest(10, 10, 20, 20)).toEqual({ statistic: 0, pValue: 1 });
  });

  it('rejects impossible counts with MONITOR_INVALID_INPUT', () => {
    expect(codeOf(() => twoProportionZTest(11, 10, 1, 10))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => twoProportionZTest(-1, 10, 1, 10))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => twoProportionZTest(1, 0, 1, 10))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => twoProportionZTest(NaN, 10, 1, 10))).toBe('MONITOR_INVALID_INPUT');
  });
});
