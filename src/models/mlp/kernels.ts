/**
 * Dense-layer kernels over row-major Float64Arrays for the pure-TypeScript predictor, and
 * the activation codes shared with the `cpu` trainer (whose kernels are in
 * `train-kernels.ts`).
 *
 * @module
 */

/** Activation codes (numbers keep the hot loops monomorphic). @internal */
export const Act = { Identity: 0, Relu: 1, Tanh: 2, Sigmoid: 3 } as const;
/** An activation code. @internal */
export type Act = (typeof Act)[keyof typeof Act];

/**
 * `C (n×m) = A (n×k) · B (k×m)`; overwrites C. Tiles of 2 rows x 4 columns of C are kept
 * in local variables while `p` runs over k, so nothing is stored until a tile is done.
 * @internal
 */
export function matMul(A: Float64Array, B: Float64Array, C: Float64Array, n: number, k: number, m: number): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const a0 = i * k;
    const a1 = a0 + k;
    const c0 = i * m;
    const c1 = c0 + m;
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let p = 0, bo = j; p < k; p++, bo += m) {
        const x0 = A[a0 + p];
        const x1 = A[a1 + p];
        const b0 = B[bo];
        const b1 = B[bo + 1];
        const b2 = B[bo + 2];
        const b3 = B[bo + 3];
        s00 += x0 * b0;
        s01 += x0 * b1;
        s02 += x0 * b2;
        s03 += x0 * b3;
        s10 += x1 * b0;
        s11 += x1 * b1;
        s12 += x1 * b2;
        s13 += x1 * b3;
      }
      C[c0 + j] = s00;
      C[c0 + j + 1] = s01;
      C[c0 + j + 2] = s02;
      C[c0 + j + 3] = s03;
      C[c1 + j] = s10;
      C[c1 + j + 1] = s11;
      C[c1 + j + 2] = s12;
      C[c1 + j + 3] = s13;
    }
    for (; j < m; j++) {
      let s0 = 0;
      let s1 = 0;
      for (let p = 0, bo = j; p < k; p++, bo += m) {
        const b = B[bo];
        s0 += A[a0 + p] * b;
        s1 += A[a1 + p] * b;
      }
      C[c0 + j] = s0;
      C[c1 + j] = s1;
    }
  }
  if (i < n) {
    const a0 = i * k;
    const c0 = i * m;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0, bo = j; p < k; p++, bo += m) s += A[a0 + p] * B[bo];
      C[c0 + j] = s;
    }
  }
}

/**
 * `max(z, 0)` without a branch: on data whose sign the CPU cannot predict, a mispredicted
 * comparison costs more than this arithmetic. `0.5 · (z + |z|)` is exactly `z` or `+0`
 * for every `|z| < 8e307`; NaN stays NaN. @internal
 */
export function relu(z: number): number {
  return 0.5 * (z + Math.abs(z));
}

/** Adds the bias to each row of `Z (n×m)` and applies `act` in place. @internal */
export function biasActivate(Z: Float64Array, bias: Float64Array, n: number, m: number, act: Act): void {
  const len = n * m;
  // One loop per activation keeps the branch out of the inner loop.
  if (act === Act.Relu) {
    for (let o = 0; o < len; o += m) {
      for (let j = 0; j < m; j++) {
        const z = Z[o + j] + bias[j];
        Z[o + j] = relu(z);
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
