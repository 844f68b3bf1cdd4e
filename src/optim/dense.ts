/**
 * Small dense linear algebra in float64 for the `d x d` systems of linear models (`d`
 * = number of features): Cholesky factorisation and solve, and a symmetric
 * eigendecomposition (cyclic Jacobi) for the least-squares solution of minimum norm when
 * the system is singular. Matrices are row-major `Float64Array`s.
 *
 * @module
 */

/**
 * Factorises a symmetric positive-definite matrix in place: on success the lower
 * triangle holds `L` with `A = L·Lᵀ` (the strict upper triangle is left as it was).
 * Returns false, leaving `A` partly overwritten, when a pivot is at most
 * `relTol · max(diag(A))`: the matrix is singular or too close to it for this method.
 */
export function cholesky(A: Float64Array, n: number, relTol = 1e-10): boolean {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(A[i * n + i]));
  const floor = relTol * maxDiag;
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = A[rj + j];
    for (let k = 0; k < j; k++) s -= A[rj + k] * A[rj + k];
    if (!(s > floor)) return false;
    const ljj = Math.sqrt(s);
    A[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = A[ri + j];
      for (let k = 0; k < j; k++) t -= A[ri + k] * A[rj + k];
      A[ri + j] = t / ljj;
    }
  }
  return true;
}

/** Solves `L·Lᵀ·x = b` with the factor from {@link cholesky}; overwrites and returns `b`. */
export function choleskySolve(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * b[k];
    b[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
    b[i] = s / L[i * n + i];
  }
  return b;
}

/** Eigenvalues and eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues (unsorted). */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major `n x n` matrix: vector `j` is `V[i*n + j]`. */
  vectors: Float64Array;
}

/**
 * Eigendecomposition of a symmetric matrix by the cyclic Jacobi method (Golub and Van
 * Loan, §8.5): accurate to working precision, O(n³) per sweep, a handful of sweeps.
 * `A` is not modified.
 */
export function symmetricEigen(A: Float64Array, n: number, maxSweeps = 60): SymmetricEigen {
  const a = Float64Array.from(A);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = a[i * n + j] * a[i * n + j];
        total += v;
        if (i !== j) off += v;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // Rotation that zeroes a[p][q]: t = tan(θ), the smaller root for stability.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: V };
}

/**
 * The minimum-norm solution of `A·x = b` for a symmetric positive semi-definite `A`
 * (the pseudo-inverse applied to `b`): eigen-directions with eigenvalue at most
 * `relTol · max eigenvalue` are treated as exactly singular and contribute nothing.
 * Returns the solution and the numerical rank.
 */
export function solveMinNorm(A: Float64Array, n: number, b: Float64Array, relTol = 1e-10): { x: Float64Array; rank: number } {
  const { values, vectors } = symmetricEigen(A, n);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, values[i]);
  const cutoff = relTol * max;
  const x = new Float64Array(n);
  let rank = 0;
  for (let j = 0; j < n; j++) {
    if (!(values[j] > cutoff)) continue;
    rank++;
    let proj = 0;
    for (let i = 0; i < n; i++) proj += vectors[i * n + j] * b[i];
    const coef = proj / values[j];
    for (let i = 0; i < n; i++) x[i] += coef * vectors[i * n + j];
  }
  return { x, rank };
}
