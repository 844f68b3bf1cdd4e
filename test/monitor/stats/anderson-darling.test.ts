import { describe, expect, it } from 'vitest';
import { andersonDarlingKSample } from '../../../src/monitor/stats/anderson-darling';
import { codeOf } from './errors';
import { expand, golden, num, relErr } from './golden';

describe('andersonDarlingKSample against scipy.stats.anderson_ksamp(midrank=True) (scipy 1.10.1)', () => {
  for (const c of golden.anderson) {
    it(`${c.name}`, () => {
      const r = andersonDarlingKSample(c.samples.map(expand));
      expect(relErr(r.statistic, num(c.statistic))).toBeLessThan(1e-9);
      expect(relErr(r.pValue, num(c.pvalue))).toBeLessThan(1e-9);
      r.criticalValues.forEach((v, i) => expect(relErr(v, num(c.critical[i]))).toBeLessThan(1e-13));
      const status = num(c.pvalue) === 0.25 ? 'capped' : num(c.pvalue) === 0.001 ? 'floored' : 'interpolated';
      expect(r.pValueStatus).toBe(status);
    });
  }

  it('covers interpolated, capped and floored p-values', () => {
    const ps = golden.anderson.map((c: { pvalue: number }) => num(c.pvalue));
    expect(ps).toContain(0.25);
    expect(ps).toContain(0.001);
    expect(ps.some((p: number) => p > 0.001 && p < 0.25)).toBe(true);
  });

  it('rejects bad input with MONITOR_INVALID_INPUT', () => {
    expect(codeOf(() => andersonDarlingKSample([[1, 2, 3]]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => andersonDarlingKSample([[1, 2, 3], []]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => andersonDarlingKSample([[1], [2, 3]]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => andersonDarlingKSample([[1, 1], [1, 1]]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => andersonDarlingKSample([[1, NaN], [1, 2]]))).toBe('MONITOR_INVALID_INPUT');
  });
});
