/**
 * Dense-layer kernels over row-major Float64Arrays, shared by the pure-TypeScript
 * predictor and the `cpu` trainer. Four rows are processed together so that each weight
 * loaded from memory serves four multiply-adds.
 *
 * @module
 */

/** Activation codes (numbers keep the hot loops monomorphic). @internal */
export const Act = { Identity: 0, Relu: 1, Tanh: 2, Sigmoid: 3 } as const;
/** An activation code. @internal */
export type Act = (typeof Act)[keyof typeof Act];

/** `C (n×m) = A (n×k) · B (k×m)`; overwrites C. @internal */
export function matMul(A: Float64Array, B: Float64Array, C: Float64Array, n: number, k: number, m: number): void {
  C.fill(0, 0, n * m);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    const c0 = i * m;
    const c1 = c0 + m;
    const c2 = c1 + m;
    const c3 = c2 + m;
    for (let p = 0; p < k; p++) {
      const x0 = A[a0 + p];
      const x1 = A[a1 + p];
      const x2 = A[a2 + p];
      const x3 = A[a3 + p];
      const bo = p * m;
      for (let j = 0; j < m; j++) {
        const b = B[bo + j];
        C[c0 + j] += x0 * b;
        C[c1 + j] += x1 * b;
        C[c2 + j] += x2 * b;
        C[c3 + j] += x3 * b;
      }
    }
  }
  for (; i < n; i++) {
    const a0 = i * k;
    const c0 = i * m;
    for (let p = 0; p < k; p++) {
      const x0 = A[a0 + p];
      const bo = p * m;
      for (let j = 0; j < m; j++) C[c0 + j] += x0 * B[bo + j];
    }
  }
}

/** `C (k×m) = Aᵀ · D` with A `n×k` and D `n×m`; overwrites C. @internal */
export function matMulTA(A: Float64Array, D: Float64Array, C: Float64Array, n: number, k: number, m: number): void {
  C.fill(0, 0, k * m);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    const d0 = i * m;
    const d1 = d0 + m;
    const d2 = d1 + m;
    const d3 = d2 + m;
    for (let p = 0; p < k; p++) {
      const x0 = A[a0 + p];
      const x1 = A[a1 + p];
      const x2 = A[a2 + p];
      const x3 = A[a3 + p];
      const co = p * m;
      for (let j = 0; j < m; j++) C[co + j] += x0 * D[d0 + j] + x1 * D[d1 + j] + x2 * D[d2 + j] + x3 * D[d3 + j];
    }
  }
  for (; i < n; i++) {
    const a0 = i * k;
    const d0 = i * m;
    for (let p = 0; p < k; p++) {
      const x0 = A[a0 + p];
      const co = p * m;
      for (let j = 0; j < m; j++) C[co + j] += x0 * D[d0 + j];
    }
  }
}

/** `C (n×k) = D (n×m) · Bᵀ` with B `k×m`; overwrites C. @internal */
export function matMulTB(D: Float64Array, B: Float64Array, C: Float64Array, n: number, m: number, k: number): void {
  for (let i = 0; i < n; i++) {
    const d0 = i * m;
    const c0 = i * k;
    for (let p = 0; p < k; p++) {
      const bo = p * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += D[d0 + j] * B[bo + j];
      C[c0 + p] = s;
    }
  }
}

/** Adds the bias to each row of `Z (n×m)` and applies `act` in place. @internal */
export function biasActivate(Z: Float64Array, bias: Float64Array, n: number, m: number, act: Act): void {
  const len = n * m;
  // One loop per activation keeps the branch out of the inner loop.
  if (act === Act.Relu) {
    for (let o = 0; o < len; o += m) {
      for (let j = 0; j < m; j++) {
        const z = Z[o + j] + bias[j];
        Z[o + j] = z > 0 ? z : 0;
      }
    }
  } else if (act === Act.Tanh) {
    for (let o = 0; o < len; o += m) for (let j = 0; j < m; j++) Z[o + j] = Math.tanh(Z[o + j] + bias[j]);
  } else if (act === Act.Sigmoid) {
    for (let o = 0; o < len; o += m) for (let j = 0; j < m; j++) Z[o + j] = 1 / (1 + Math.exp(-(Z[o + j] + bias[j])));
  } else {
    for (let o = 0; o < len; o += m) for (let j = 0; j < m; j++) Z[o + j] += bias[j];
  }
}

/**
 * Backpropagates through an activation in place: `D *= f'(z)`, with the derivative taken
 * from the activation's output `A` (relu: A > 0; tanh: 1 − A²; sigmoid: A(1 − A)).
 * @internal
 */
export function activationGrad(D: Float64Array, A: Float64Array, len: number, act: Act): void {
  if (act === Act.Relu) {
    for (let i = 0; i < len; i++) if (!(A[i] > 0)) D[i] = 0;
  } else if (act === Act.Tanh) {
    for (let i = 0; i < len; i++) D[i] *= 1 - A[i] * A[i];
  } else if (act === Act.Sigmoid) {
    for (let i = 0; i < len; i++) D[i] *= A[i] * (1 - A[i]);
  }
}

/** Row-wise softmax of `Z (n×m)` in place (max-shifted, so it never overflows). @internal */
export function softmaxRows(Z: Float64Array, n: number, m: number): void {
  for (let o = 0; o < n * m; o += m) {
    let max = -Infinity;
    for (let j = 0; j < m; j++) if (Z[o + j] > max) max = Z[o + j];
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const e = Math.exp(Z[o + j] - max);
      Z[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < m; j++) Z[o + j] /= sum;
  }
}
