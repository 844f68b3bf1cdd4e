import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, solveMinNorm, symmetricEigen } from '../../src/optim/dense';
import { createRng } from '../../src/random';

function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: rows * cols }, () => rng.normal());
}

/** AᵀA for a row-major rows x cols A. */
function gram(A: Float64Array, rows: number, cols: number): Float64Array {
  const G = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) G[i * cols + j] += A[r * cols + i] * A[r * cols + j];
  return G;
}

function matVec(A: Float64Array, n: number, x: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i] += A[i * n + j] * x[j];
  return out;
}

describe('cholesky', () => {
  it('solves a symmetric positive-definite system', () => {
    const n = 12;
    const G = gram(randomMatrix(40, n, 1), 40, n);
    const xTrue = randomMatrix(1, n, 2);
    const b = matVec(G, n, xTrue);
    const L = Float64Array.from(G);
    expect(cholesky(L, n)).toBe(true);
    const x = choleskySolve(L, n, Float64Array.from(b));
    for (let i = 0; i < n; i++) expect(Math.abs(x[i] - xTrue[i])).toBeLessThan(1e-10);
  });

  it('factorises a known 3x3 matrix exactly', () => {
    // [[4, 12, -16], [12, 37, -43], [-16, -43, 98]] = L·Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]].
    const A = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
    expect(cholesky(A, 3)).toBe(true);
    expect([A[0], A[3], A[4], A[6], A[7], A[8]]).toEqual([2, 6, 1, -8, 5, 3]);
  });

  it('reports a singular or indefinite matrix', () => {
    expect(cholesky(Float64Array.of(1, 1, 1, 1), 2)).toBe(false);
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBe(false);
  });
});

describe('symmetricEigen', () => {
  it('reconstructs the matrix from orthonormal eigenvectors', () => {
    const n = 9;
    const A = gram(randomMatrix(5, n, 3), 5, n); // rank 5
    const { values, vectors: V } = symmetricEigen(A, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let a = 0;
        let vtv = 0;
        for (let k = 0; k < n; k++) {
          a += V[i * n + k] * values[k] * V[j * n + k];
          vtv += V[k * n + i] * V[k * n + j];
        }
        expect(Math.abs(a - A[i * n + j])).toBeLessThan(1e-10);
        expect(Math.abs(vtv - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
    expect(Array.from(values).filter((v) => v > 1e-9).length).toBe(5);
  });
});

describe('solveMinNorm', () => {
  it('gives the least-squares solution of minimum norm for a rank-deficient system', () => {
    // Columns 0 + 1 = column 2: the Gram matrix has rank 3 of 4.
    const rows = 30;
    const X = randomMatrix(rows, 4, 5);
    for (let r = 0; r < rows; r++) X[r * 4 + 2] = X[r * 4] + X[r * 4 + 1];
    const y = randomMatrix(rows, 1, 6);
    const G = gram(X, rows, 4);
    const q = new Float64Array(4);
    for (let r = 0; r < rows; r++) for (let c = 0; c < 4; c++) q[c] += X[r * 4 + c] * y[r];
    const { x, rank } = solveMinNorm(G, 4, q);
    expect(rank).toBe(3);
    // Normal equations hold, and x has no component along the null vector (1, 1, -1, 0).
    const Gx = matVec(G, 4, x);
    for (let i = 0; i < 4; i++) expect(Math.abs(Gx[i] - q[i])).toBeLessThan(1e-9);
    expect(Math.abs(x[0] + x[1] - x[2])).toBeLessThan(1e-12);
  });
});
