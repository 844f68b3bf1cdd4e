/**
 * The `cpu` design matrix (plain TypeScript kernels) against naive float64 loops, for one
 * and several outputs, on shapes that cross the row-block boundary, through `mul`,
 * `mulT` and the fused `lossGrad` pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsDesignMatrix } from '../../src/backend/js-matrix';
import { createRng } from '../../src/random';

function data(rows: number, cols: number, k: number, seed: number) {
  const rng = createRng(seed);
  // Some exact zeros, as one-hot columns have.
  const X = Float32Array.from({ length: rows * cols }, () => (rng.next() < 0.2 ? 0 : rng.normal()));
  const W = Float64Array.from({ length: cols * k }, () => rng.normal());
  const R = Float64Array.from({ length: rows * k }, () => rng.normal());
  return { X, W, R };
}

function naiveMul(X: Float32Array, rows: number, cols: number, W: Float64Array, k: number): Float64Array {
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) for (let c = 0; c < cols; c++) out[r * k + j] += X[r * cols + c] * W[c * k + j];
  return out;
}

function naiveMulT(X: Float32Array, rows: number, cols: number, R: Float64Array, k: number): Float64Array {
  const out = new Float64Array(cols * k);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) for (let j = 0; j < k; j++) out[c * k + j] += X[r * cols + c] * R[r * k + j];
  return out;
}

function expectClose(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(want[i])));
}

const shape = fc.record({
  rows: fc.integer({ min: 1, max: 600 }),
  cols: fc.integer({ min: 1, max: 9 }),
  k: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('JsDesignMatrix', () => {
  it('mul and mulT equal naive loops for every k', async () => {
    await fc.assert(
      fc.asyncProperty(shape, async ({ rows, cols, k, seed }) => {
        const { X, W, R } = data(rows, cols, k, seed);
        const m = new JsDesignMatrix({ data: X, rows, cols });
        expectClose(await m.mul(W, k), naiveMul(X, rows, cols, W, k));
        expectClose(await m.mulT(R, k), naiveMulT(X, rows, cols, R, k));
        // Scratch buffers are reused: a second call with another k gives the same answers.
        const k2 = (k % 6) + 1;
        const other = data(rows, cols, k2, seed + 1);
        expectClose(m.mulTSync(other.R, k2), naiveMulT(X, rows, cols, other.R, k2));
        expectClose(m.mulTSync(R, k), naiveMulT(X, rows, cols, R, k));
      }),
      { numRuns: 60 },
    );
  });

  it('lossGrad hands each row block its scores and returns Xᵀ·R with the summed loss', () => {
    fc.assert(
      fc.property(shape, ({ rows, cols, k, seed }) => {
        const { X, W } = data(rows, cols, k, seed);
        const m = new JsDesignMatrix({ data: X, rows, cols });
        const Z = naiveMul(X, rows, cols, W, k);
        // A loss with R = 2Z - 1 and value Σ Z, checked against the full scores.
        const Rfull = new Float64Array(rows * k);
        let seen = 0;
        const grad = new Float64Array(cols * k).fill(NaN);
        const total = m.lossGrad(
          W,
          k,
          (start, count, Zb, Rb) => {
            expect(start).toBe(seen);
            seen += count;
            let s = 0;
            for (let i = 0; i < count * k; i++) {
              expect(Math.abs(Zb[i] - Z[start * k + i])).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(Z[start * k + i])));
              Rb[i] = 2 * Zb[i] - 1;
              Rfull[start * k + i] = Rb[i];
              s += Zb[i];
            }
            return s;
          },
          grad,
        );
        expect(seen).toBe(rows);
        expect(total).toBeCloseTo(Z.reduce((a, b) => a + b, 0), 8);
        expectClose(grad, naiveMulT(X, rows, cols, Rfull, k));
      }),
      { numRuns: 60 },
    );
  });
});
