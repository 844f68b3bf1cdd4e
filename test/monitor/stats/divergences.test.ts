import { describe, expect, it } from 'vitest';
import { hellinger, jensenShannon, psi, psiFromCounts } from '../../../src/monitor/stats/divergences';
import { codeOf } from './errors';
import { expand, golden, num, relErr } from './golden';

describe('Jensen-Shannon, Hellinger and PSI against scipy / numpy', () => {
  it('jensenShannon matches scipy.spatial.distance.jensenshannon (bases e, 2, 10)', () => {
    for (const c of golden.jensenshannon) {
      const v = jensenShannon(c.p, c.q, c.base === null ? {} : { base: c.base });
      expect(Math.abs(v - num(c.value)), `${c.name} base ${c.base}`).toBeLessThan(1e-12);
    }
  });

  it('hellinger matches sqrt(Σ(√p - √q)²)/√2 on the normalised vectors', () => {
    for (const c of golden.hellinger) expect(Math.abs(hellinger(c.p, c.q) - num(c.value)), c.name).toBeLessThan(1e-14);
    expect(hellinger([1, 0], [0, 1])).toBe(1);
    expect(hellinger([2, 4], [1, 2])).toBe(0);
  });

  it('psiFromCounts matches the numpy formula with the empty-bin epsilon', () => {
    for (const c of golden.psiFromCounts) {
      expect(relErr(psiFromCounts(c.p, c.q, { epsilon: c.epsilon }), num(c.value)), c.name).toBeLessThan(1e-12);
    }
  });

  it('psi reproduces the documented binning (edges, shares and value) of the numpy reference', () => {
    for (const c of golden.psi) {
      const r = psi(expand(c.a), expand(c.b), { bins: c.bins, epsilon: c.epsilon });
      expect(r.edges, c.name).toEqual(c.edges.map(num));
      expect(r.referenceShares, c.name).toEqual(c.referenceShares.map(num));
      expect(r.currentShares, c.name).toEqual(c.currentShares.map(num));
      if (num(c.value) === 0) expect(r.value).toBe(0);
      else expect(relErr(r.value, num(c.value)), c.name).toBeLessThan(1e-12);
    }
  });

  it('psi puts values equal to an edge in the upper bin and out-of-range values in the outer bins', () => {
    const r = psi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 3, 100], { bins: 2 });
    expect(r.edges).toEqual([5]);
    expect(r.referenceShares).toEqual([0.4, 0.6]);
    expect(r.currentShares).toEqual([2 / 3, 1 / 3]);
  });

  it('rejects bad input', () => {
    expect(codeOf(() => jensenShannon([1, 2], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => jensenShannon([0, 0], [1, 1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => jensenShannon([1, -1], [1, 1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => jensenShannon([1, 1], [1, 1], { base: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => hellinger([1, NaN], [1, 1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => psiFromCounts([1, 1], [1, 1], { epsilon: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => psi([], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => psi([1, 2], [1, NaN]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => psi([1, NaN], [1]))).toBe('MONITOR_INVALID_INPUT');
    expect(codeOf(() => psi([1, 2], [1], { bins: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => psi([1, 2], [1], { bins: 2.5 }))).toBe('INVALID_ARGUMENT');
  });
});
