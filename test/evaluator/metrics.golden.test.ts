import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ev from '../../src/evaluator/index';
import { erfc } from '../../src/math/special';
import { percentileSorted } from '../../src/math/summary';
import { MlopsError } from '../../src/errors';

interface Case {
  fn: string;
  args: unknown[];
  opts: Record<string, unknown>;
  expected?: unknown;
  error?: string;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/evaluator/metrics.json', import.meta.url), 'utf8')) as {
  inputs: Record<string, unknown[]>;
  cases: Case[];
  stats: Record<string, number>[];
  percentiles: { sorted: number[]; q: number[]; value: number[] }[];
};

const resolve = (v: unknown): unknown => (typeof v === 'string' && v.startsWith('$') ? fixture.inputs[v.slice(1)] : v);
const AREAS = new Set(['rocAuc', 'averagePrecision', 'prAuc']);

function call(c: Case): unknown {
  const args = c.args.map(resolve);
  const opts = Object.fromEntries(Object.entries(c.opts).map(([k, v]) => [k, resolve(v)]));
  const fn = (ev as unknown as Record<string, (...a: unknown[]) => unknown>)[c.fn];
  if (typeof fn !== 'function') throw new Error(`no export ${c.fn}`);
  return fn(...args, opts);
}

function close(actual: unknown, expected: unknown, tol: number, path: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    const a = actual as number;
    if (Math.abs(a - expected) > tol * Math.max(1, Math.abs(expected))) {
      throw new Error(`${path}: got ${a}, scikit-learn ${expected} (diff ${a - expected})`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    const arr = actual instanceof Float64Array ? Array.from(actual) : (actual as unknown[]);
    expect(arr.length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => close(arr[i], e, tol, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected)) close((actual as Record<string, unknown>)[k], v, tol, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}

describe('metrics match scikit-learn 1.2.1 golden values', () => {
  const byFn = new Map<string, Case[]>();
  for (const c of fixture.cases) byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);
  for (const [fn, cases] of byFn) {
    it(`${fn} (${cases.length} cases)`, () => {
      for (const c of cases) {
        const label = `${c.fn}(${c.args.join(', ')}, ${JSON.stringify(c.opts)})`;
        if (c.error !== undefined) {
          let thrown: unknown;
          try {
            call(c);
          } catch (err) {
            thrown = err;
          }
          expect(thrown, label).toBeInstanceOf(MlopsError);
          expect((thrown as { code?: string }).code, label).toBe(c.error);
          continue;
        }
        close(call(c), c.expected, AREAS.has(fn) ? 1e-6 : 1e-9, label);
      }
    });
  }

  it('numpy percentile (linear) bit for bit', () => {
    for (const p of fixture.percentiles) p.q.forEach((q, i) => expect(percentileSorted(p.sorted, q)).toBe(p.value[i]));
  });

  it('McNemar p-values match scipy (exact binomial and chi-square with continuity correction)', () => {
    for (const s of fixture.stats) {
      if ('erfc' in s) {
        expect(Math.abs(erfc(s.erfc) - s.value)).toBeLessThanOrEqual(1e-13 * s.value);
        continue;
      }
      const exact = ev.mcnemarTest(s.b, s.c, { exact: true });
      const chi = ev.mcnemarTest(s.b, s.c, { exact: false });
      expect(Math.abs(exact.pValue - s.exactP)).toBeLessThanOrEqual(1e-9 * s.exactP + 1e-300);
      expect(Math.abs(chi.statistic - s.chi2Stat)).toBeLessThanOrEqual(1e-12 * Math.max(1, s.chi2Stat));
      expect(Math.abs(chi.pValue - s.chi2P)).toBeLessThanOrEqual(1e-9 * s.chi2P + 1e-300);
      expect(ev.mcnemarTest(s.b, s.c).method).toBe(s.b + s.c < 25 ? 'exact' : 'chi-square');
    }
  });
});
