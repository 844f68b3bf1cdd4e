import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, bonferroni } from '../../../src/monitor/stats/multiple-testing';
import { codeOf } from './errors';
import { golden, num } from './golden';

describe('Bonferroni and Benjamini-Hochberg (statsmodels multipletests semantics)', () => {
  for (const c of golden.multipletests) {
    it(`${c.name}`, () => {
      const p = c.p.map(num);
      expect(Array.from(bonferroni(p))).toEqual(c.bonferroni.map(num));
      const bh = Array.from(benjaminiHochberg(p));
      bh.forEach((v, i) => expect(Math.abs(v - num(c.bh[i]))).toBeLessThanOrEqual(1e-15));
    });
  }

  it('returns a new Float64Array, empty for empty input, and leaves the input alone', () => {
    const p = [0.5, 0.01];
    expect(bonferroni(p)).toBeInstanceOf(Float64Array);
    expect(benjaminiHochberg([])).toEqual(new Float64Array(0));
    expect(p).toEqual([0.5, 0.01]);
  });

  it('rejects values outside [0, 1]', () => {
    expect(codeOf(() => bonferroni([0.5, 1.5]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => benjaminiHochberg([NaN]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => benjaminiHochberg([-0.1]))).toBe('MONITOR_INVALID_INPUT');
  });
});
