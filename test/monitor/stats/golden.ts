/**
 * Loads test/fixtures/monitor/stats_golden.json (written by generate_stats.py) and
 * expands its sample specs with the same generator as the script.
 */
import { readFileSync } from 'node:fs';
import { createRng } from '../../../src/random';

export type Spec = number[] | (string | number)[] | { gen: string; seed: number; n: number; scale?: number; shift?: number; mod?: number };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const golden: any = JSON.parse(readFileSync(new URL('../../fixtures/monitor/stats_golden.json', import.meta.url), 'utf8'));

/** JSON numbers, with "Infinity" / "-Infinity" / "NaN" strings decoded. */
export function num(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

/** The samples a spec stands for: a literal array, or the seeded generator of generate_stats.py. */
export function expand(spec: Spec): Float64Array {
  if (Array.isArray(spec)) return Float64Array.from(spec, (v) => num(v));
  const rng = createRng(spec.seed);
  const scale = spec.scale ?? 1;
  const shift = spec.shift ?? 0;
  const out = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    switch (spec.gen) {
      case 'uniform':
        out[i] = rng.next() * scale + shift;
        break;
      case 'irwin': {
        const u1 = rng.next();
        const u2 = rng.next();
        const u3 = rng.next();
        const u4 = rng.next();
        out[i] = (u1 + u2 + u3 + u4 - 2) * scale + shift;
        break;
      }
      case 'int':
        out[i] = (rng.uint32() % (spec.mod as number)) * scale + shift;
        break;
      case 'sq': {
        const u = rng.next();
        out[i] = u * u * scale + shift;
        break;
      }
      default:
        throw new Error(`unknown generator ${spec.gen}`);
    }
  }
  return out;
}

/** |actual - expected| <= rtol |expected| (+ atol); exact match for 0 and infinities. */
export function relErr(actual: number, expected: number): number {
  if (actual === expected) return 0;
  if (expected === 0) return Math.abs(actual);
  return Math.abs(actual - expected) / Math.abs(expected);
}
