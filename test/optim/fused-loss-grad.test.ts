import { describe, expect, it } from 'vitest';
import { JsDesignMatrix, hasFusedLossGrad, type BlockLoss } from '../../src/backend/js-matrix';
import { createRng } from '../../src/random';

/** Naive X·W and Xᵀ·R, row-major, in float64. */
function naive(X: Float32Array, rows: number, cols: number, W: Float64Array, k: number) {
  const Z = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) for (let j = 0; j < k; j++) Z[r * k + j] += X[r * cols + c] * W[c * k + j];
  const mulT = (R: Float64Array) => {
    const G = new Float64Array(cols * k);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) for (let j = 0; j < k; j++) G[c * k + j] += X[r * cols + c] * R[r * k + j];
    return G;
  };
  return { Z, mulT };
}

describe('JsDesignMatrix kernels', () => {
  // Row counts around the 8-row unrolling and the 256-row blocks of the fused pass.
  for (const rows of [1, 7, 8, 9, 255, 256, 257, 1000]) {
    for (const k of [1, 3]) {
      it(`mul, mulT and the fused lossGrad agree with naive products (${rows} rows, k = ${k})`, async () => {
        const cols = 5;
        const rng = createRng(rows * 10 + k);
        const X = Float32Array.from({ length: rows * cols }, () => (rng.next() < 0.2 ? 0 : rng.normal()));
        const W = Float64Array.from({ length: cols * k }, () => rng.normal());
        const target = Float64Array.from({ length: rows * k }, () => rng.normal());
        const m = new JsDesignMatrix({ data: X, rows, cols });
        const ref = naive(X, rows, cols, W, k);
        const Z = await m.mul(W, k);
        for (let i = 0; i < Z.length; i++) expect(Z[i]).toBeCloseTo(ref.Z[i], 12);

        // Squared-error loss ½Σ(z − t)² with derivative z − t, seen block by block.
        const starts: number[] = [];
        const loss: BlockLoss = (start, count, Zb, R) => {
          starts.push(start);
          let s = 0;
          for (let i = 0; i < count * k; i++) {
            R[i] = Zb[i] - target[start * k + i];
            s += 0.5 * R[i] * R[i];
          }
          return s;
        };
        expect(hasFusedLossGrad(m)).toBe(true);
        const grad = new Float64Array(cols * k).fill(123); // overwritten, not accumulated
        const f = m.lossGrad(W, k, loss, grad);
        const resid = Float64Array.from(ref.Z, (z, i) => z - target[i]);
        const refGrad = ref.mulT(resid);
        expect(f).toBeCloseTo(resid.reduce((a, r) => a + 0.5 * r * r, 0), 9);
        for (let i = 0; i < grad.length; i++) expect(grad[i]).toBeCloseTo(refGrad[i], 9);
        const viaMulT = await m.mulT(resid, k);
        for (let i = 0; i < grad.length; i++) expect(viaMulT[i]).toBeCloseTo(refGrad[i], 9);
        expect(starts).toEqual(Array.from({ length: Math.ceil(rows / 256) }, (_, b) => b * 256));
        m.dispose();
        m.dispose();
      });
    }
  }

  it('is not reported as fused for a matrix with only the interface products', () => {
    expect(hasFusedLossGrad({ rows: 1, cols: 1, mul: async () => new Float64Array(1), mulT: async () => new Float64Array(1), dispose: () => {} })).toBe(false);
  });
});
