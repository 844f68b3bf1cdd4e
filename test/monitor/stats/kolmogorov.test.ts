import { describe, expect, it } from 'vitest';
import { kolmogorovSf, kolmogorovSmirnovSf, smirnovSf } from '../../../src/monitor/stats/kolmogorov';
import { golden, num, relErr } from './golden';

describe('Kolmogorov-Smirnov distributions against scipy 1.10.1', () => {
  it('kolmogorovSf matches scipy.special.kolmogorov to 1e-13 relative', () => {
    for (const [x, v] of golden.kolmogorov) expect(relErr(kolmogorovSf(x), num(v))).toBeLessThan(1e-13);
  });

  it('smirnovSf matches scipy.special.smirnov to 1e-10 relative, n from 1 to above 10^6', () => {
    expect(golden.smirnov.length).toBeGreaterThan(200);
    for (const [n, x, v] of golden.smirnov) expect(relErr(smirnovSf(n, x), num(v)), `n=${n} x=${x}`).toBeLessThan(1e-10);
  });

  it('kolmogorovSmirnovSf matches scipy.stats.kstwo.sf to 1e-10 relative across every method of the decision tree', () => {
    expect(golden.kstwo_sf.length).toBeGreaterThan(300);
    for (const [n, x, v] of golden.kstwo_sf) expect(relErr(kolmogorovSmirnovSf(n, x), num(v)), `n=${n} x=${x}`).toBeLessThan(1e-10);
  });

  it('edges and invalid arguments', () => {
    expect(kolmogorovSmirnovSf(10, 0)).toBe(1);
    expect(kolmogorovSmirnovSf(10, 1)).toBe(0);
    expect(kolmogorovSmirnovSf(10, 0.04)).toBe(1); // d <= 0.5 / n
    expect(kolmogorovSmirnovSf(0, 0.5)).toBeNaN();
    expect(kolmogorovSmirnovSf(2.5, 0.5)).toBeNaN();
    expect(smirnovSf(10, 0)).toBe(1);
    expect(smirnovSf(10, 1)).toBe(0);
    expect(smirnovSf(10, 1.5)).toBeNaN();
    expect(kolmogorovSf(0)).toBe(1);
    expect(kolmogorovSf(NaN)).toBeNaN();
  });

  it('is decreasing in d', () => {
    for (const n of [7, 140, 141, 5000, 200000]) {
      let prev = 1;
      for (let i = 1; i < 200; i++) {
        const p = kolmogorovSmirnovSf(n, i / 200);
        expect(p).toBeLessThanOrEqual(prev + 1e-12);
        prev = p;
      }
    }
  });
});
