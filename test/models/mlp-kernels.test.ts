/**
 * The register-blocked dense kernels (the predictor's row-major `matMul`, the trainer's
 * unit-major forward, weight-gradient and backprop kernels) against naive triple loops,
 * on random shapes that exercise every tile edge (sizes not multiples of the tile, one
 * unit, one row, padded leading dimensions).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Act, biasActivate, matMul } from '../../src/models/mlp/kernels';
import { denseBackprop, denseForward, denseWeightGrad, leadingDimension } from '../../src/models/mlp/train-kernels';
import { createRng } from '../../src/random';

const ACTS = [Act.Identity, Act.Relu, Act.Tanh, Act.Sigmoid] as const;

function f(z: number, act: Act): number {
  if (act === Act.Relu) return Math.max(z, 0);
  if (act === Act.Tanh) return Math.tanh(z);
  if (act === Act.Sigmoid) return 1 / (1 + Math.exp(-z));
  return z;
}

/** f'(z) from a = f(z). */
function df(a: number, act: Act): number {
  if (act === Act.Relu) return a > 0 ? 1 : 0;
  if (act === Act.Tanh) return 1 - a * a;
  if (act === Act.Sigmoid) return a * (1 - a);
  return 1;
}

function random(length: number, seed: number, positive = false): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length }, () => (positive ? Math.abs(rng.normal()) : rng.normal()));
}

function expectClose(got: Float64Array, want: Float64Array, at: (i: number) => number = (i) => i, count = want.length): void {
  for (let i = 0; i < count; i++) {
    const g = got[at(i)];
    expect(Math.abs(g - want[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want[i])));
  }
}

const shape = fc.record({
  n: fc.integer({ min: 1, max: 13 }),
  k: fc.integer({ min: 1, max: 11 }),
  m: fc.integer({ min: 1, max: 11 }),
  pad: fc.integer({ min: 0, max: 5 }),
  act: fc.constantFrom(...ACTS),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('mlp kernels against naive loops', () => {
  it('matMul + biasActivate (row-major, the predictor)', () => {
    fc.assert(
      fc.property(shape, ({ n, k, m, act, seed }) => {
        const A = random(n * k, seed);
        const B = random(k * m, seed + 1);
        const b = random(m, seed + 2);
        const C = new Float64Array(n * m).fill(NaN);
        matMul(A, B, C, n, k, m);
        biasActivate(C, b, n, m, act);
        const want = new Float64Array(n * m);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < m; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * m + j];
            want[i * m + j] = f(s + b[j], act);
          }
        }
        expectClose(C, want);
      }),
    );
  });

  it('denseForward: O = f(Wᵀ·H + b), unit-major with a leading dimension', () => {
    fc.assert(
      fc.property(shape, ({ n, k, m, pad, act, seed }) => {
        const ld = n + pad;
        const W = random(k * m, seed);
        const b = random(m, seed + 1);
        const H = random(k * ld, seed + 2);
        const O = new Float64Array(m * ld).fill(NaN);
        denseForward(W, b, H, O, n, ld, k, m, act);
        const want = new Float64Array(m * n);
        for (let j = 0; j < m; j++) {
          for (let i = 0; i < n; i++) {
            let s = b[j];
            for (let p = 0; p < k; p++) s += W[p * m + j] * H[p * ld + i];
            want[j * n + i] = f(s, act);
          }
        }
        expectClose(O, want, (q) => Math.floor(q / n) * ld + (q % n));
        // Padding is never written.
        for (let j = 0; j < m; j++) for (let i = n; i < ld; i++) expect(O[j * ld + i]).toBeNaN();
      }),
    );
  });

  it('denseWeightGrad: G = H·Dᵀ', () => {
    fc.assert(
      fc.property(shape, ({ n, k, m, pad, seed }) => {
        const ld = n + pad;
        const H = random(k * ld, seed);
        const D = random(m * ld, seed + 1);
        const G = new Float64Array(k * m).fill(NaN);
        denseWeightGrad(H, D, G, n, ld, k, m);
        const want = new Float64Array(k * m);
        for (let p = 0; p < k; p++) {
          for (let j = 0; j < m; j++) {
            let s = 0;
            for (let i = 0; i < n; i++) s += H[p * ld + i] * D[j * ld + i];
            want[p * m + j] = s;
          }
        }
        expectClose(G, want);
      }),
    );
  });

  it("denseBackprop: dH = (W·D) ⊙ f'(A)", () => {
    fc.assert(
      fc.property(shape, ({ n, k, m, pad, act, seed }) => {
        const ld = n + pad;
        const W = random(k * m, seed);
        const D = random(m * ld, seed + 1);
        // Activations as the forward pass produces them (relu: zeros and positives).
        const A = random(k * ld, seed + 2).map((z) => f(z, act));
        const dH = new Float64Array(k * ld).fill(NaN);
        denseBackprop(W, D, A, dH, n, ld, k, m, act);
        const want = new Float64Array(k * n);
        for (let p = 0; p < k; p++) {
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j < m; j++) s += W[p * m + j] * D[j * ld + i];
            want[p * n + i] = s * df(A[p * ld + i], act);
          }
        }
        expectClose(dH, want, (q) => Math.floor(q / n) * ld + (q % n));
      }),
    );
  });

  it('leadingDimension pads to a whole, odd number of cache lines', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (n) => {
        const ld = leadingDimension(n);
        expect(ld).toBeGreaterThanOrEqual(n);
        expect(ld - n).toBeLessThan(16);
        expect(ld % 8).toBe(0);
        expect((ld / 8) % 2).toBe(1);
      }),
    );
  });
});
