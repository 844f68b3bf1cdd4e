import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  bonferroni,
  chiSquareTest,
  hellinger,
  jensenShannon,
  ksTest,
  psiFromCounts,
  wasserstein,
} from '../../../src/monitor/stats/index';

const sample = fc.array(fc.oneof(fc.integer({ min: -20, max: 20 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 60 });
const counts = (k: number) => fc.array(fc.nat({ max: 1000 }), { minLength: k, maxLength: k }).filter((c) => c.some((v) => v > 0));
const countPair = fc.integer({ min: 1, max: 12 }).chain((k) => fc.tuple(counts(k), counts(k)));

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('properties of the drift statistics', () => {
  it('KS: statistic and p in [0, 1], symmetric (two-sided), one-sided sides swap, invariant to order', () => {
    fc.assert(
      fc.property(sample, sample, fc.nat(), (a, b, seed) => {
        const r = ksTest(a, b);
        expect(r.statistic).toBeGreaterThanOrEqual(0);
        expect(r.statistic).toBeLessThanOrEqual(1);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        const s = ksTest(b, a);
        expect(s.statistic).toBe(r.statistic);
        expect(s.pValue).toBeCloseTo(r.pValue, 12);
        expect(ksTest(shuffle(a, seed), shuffle(b, seed + 1))).toEqual(r);
        const greater = ksTest(a, b, { alternative: 'greater' });
        const less = ksTest(b, a, { alternative: 'less' });
        expect(less.statistic).toBe(greater.statistic);
        expect(Math.max(greater.statistic, ksTest(a, b, { alternative: 'less' }).statistic)).toBe(r.statistic);
      }),
      { numRuns: 150 },
    );
  });

  it('W1: non-negative, symmetric, 0 on itself, shift by c gives |c|, invariant to order', () => {
    fc.assert(
      fc.property(sample, sample, fc.integer({ min: -1000, max: 1000 }), fc.nat(), (a, b, c, seed) => {
        const w = wasserstein(a, b);
        expect(w).toBeGreaterThanOrEqual(0);
        expect(wasserstein(b, a)).toBeCloseTo(w, 6);
        expect(wasserstein(a, shuffle(a, seed))).toBe(0);
        expect(wasserstein(shuffle(a, seed), shuffle(b, seed + 7))).toBeCloseTo(w, 6);
        const ints = a.map((v) => Math.round(v));
        expect(wasserstein(ints, ints.map((v) => v + c))).toBeCloseTo(Math.abs(c), 9);
      }),
      { numRuns: 150 },
    );
  });

  it('JS, Hellinger, PSI: symmetric, bounded, 0 for proportional counts; chi-square p in [0, 1]', () => {
    fc.assert(
      fc.property(countPair, fc.integer({ min: 1, max: 5 }), ([p, q], scale) => {
        const js = jensenShannon(p, q, { base: 2 });
        expect(js).toBeGreaterThanOrEqual(0);
        expect(js).toBeLessThanOrEqual(1 + 1e-15);
        expect(jensenShannon(q, p, { base: 2 })).toBeCloseTo(js, 14);
        expect(jensenShannon(p, p.map((v) => v * scale))).toBeLessThan(1e-7);
        const h = hellinger(p, q);
        expect(h).toBeGreaterThanOrEqual(0);
        expect(h).toBeLessThanOrEqual(1);
        expect(hellinger(q, p)).toBeCloseTo(h, 14);
        const v = psiFromCounts(p, q);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(psiFromCounts(q, p)).toBeCloseTo(v, 10);
        expect(psiFromCounts(p, p.map((x) => x * scale))).toBeCloseTo(0, 12);
        const chi = chiSquareTest(p, q);
        expect(chi.pValue).toBeGreaterThanOrEqual(0);
        expect(chi.pValue).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('BH: adjusted >= raw, <= Bonferroni, <= 1, monotone in the raw order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }), (p) => {
        const bh = benjaminiHochberg(p);
        const bf = bonferroni(p);
        for (let i = 0; i < p.length; i++) {
          expect(bh[i]).toBeGreaterThanOrEqual(p[i]);
          expect(bh[i]).toBeLessThanOrEqual(bf[i] + 1e-15);
          expect(bh[i]).toBeLessThanOrEqual(1);
          for (let j = 0; j < p.length; j++) if (p[i] < p[j]) expect(bh[i]).toBeLessThanOrEqual(bh[j]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
