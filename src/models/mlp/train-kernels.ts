/**
 * Dense-layer kernels of the `cpu` trainer, over the unit-major layout: the values of a
 * layer with `u` units for a batch of `n` rows are stored as `u x n` (row `i` of unit `j`
 * at `j * ld + i`), so the batch is the inner dimension. Weights keep the state layout
 * (`W` is `fanIn x fanOut`, row-major).
 *
 * In this layout all three products of a training step run with unit stride and without
 * transposed copies, and each is register-blocked: a small tile of outputs (4 x 2) is
 * kept in local variables while the shared dimension streams past, so every value loaded
 * from memory serves several multiply-adds and nothing is stored until the tile is done.
 * The bias starts each sum; the activation (or its derivative) is applied to each block
 * of units right after it is computed, while it is still in cache, with one loop per
 * activation chosen once per block.
 *
 * @module
 */
import { Act } from './kernels';

/**
 * The leading dimension for batches of up to `n` rows: `n` rounded up to a whole number
 * of 64-byte cache lines, odd, so that consecutive units start in different cache sets.
 * @internal
 */
export function leadingDimension(n: number): number {
  const lines = Math.ceil(n / 8);
  return 8 * (lines % 2 === 0 ? lines + 1 : lines);
}

/** `V = f(V)` for the `n` values from `o`: one loop per activation, chosen once. */
function activateRange(V: Float64Array, o: number, n: number, act: Act): void {
  const end = o + n;
  if (act === Act.Relu) {
    // relu() of kernels.ts, branch-free, written out: a call to another module inside
    // this loop is not always inlined, and then costs more than the loop body.
    for (let q = o; q < end; q++) {
      const v = V[q];
      V[q] = 0.5 * (v + Math.abs(v));
    }
  } else if (act === Act.Tanh) {
    for (let q = o; q < end; q++) V[q] = Math.tanh(V[q]);
  } else if (act === Act.Sigmoid) {
    for (let q = o; q < end; q++) V[q] = 1 / (1 + Math.exp(-V[q]));
  }
}

/**
 * `G = G ⊙ f'(z)` for the `n` values from `o`, with the derivative taken from the
 * activation's output `A = f(z)` (relu: A > 0; tanh: 1 − A²; sigmoid: A(1 − A)).
 */
function backActivateRange(G: Float64Array, A: Float64Array, o: number, n: number, act: Act): void {
  const end = o + n;
  if (act === Act.Relu) {
    // A multiplication by 0 or 1 rather than a branch the CPU cannot predict (see relu()
    // in kernels.ts).
    for (let q = o; q < end; q++) G[q] *= +(A[q] > 0);
  } else if (act === Act.Tanh) {
    for (let q = o; q < end; q++) {
      const a = A[q];
      G[q] *= 1 - a * a;
    }
  } else if (act === Act.Sigmoid) {
    for (let q = o; q < end; q++) {
      const a = A[q];
      G[q] *= a * (1 - a);
    }
  }
}

/**
 * Forward pass of a dense layer: `O = f(Wᵀ · H + b)`, with `H` the `k x n` input, `W`
 * `k x m`, `b` of length `m` and `O` the `m x n` output (unit-major). Tiles of 4 units x 2
 * rows; each sum starts from the bias and adds the inputs in order. @internal
 */
export function denseForward(W: Float64Array, b: Float64Array, H: Float64Array, O: Float64Array, n: number, ld: number, k: number, m: number, act: Act): void {
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const b0 = b[j];
    const b1 = b[j + 1];
    const b2 = b[j + 2];
    const b3 = b[j + 3];
    const o0 = j * ld;
    const o1 = o0 + ld;
    const o2 = o1 + ld;
    const o3 = o2 + ld;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      let s00 = b0;
      let s01 = b0;
      let s10 = b1;
      let s11 = b1;
      let s20 = b2;
      let s21 = b2;
      let s30 = b3;
      let s31 = b3;
      for (let p = 0, wo = j, ho = i; p < k; p++, wo += m, ho += ld) {
        const x0 = H[ho];
        const x1 = H[ho + 1];
        const w0 = W[wo];
        const w1 = W[wo + 1];
        const w2 = W[wo + 2];
        const w3 = W[wo + 3];
        s00 += w0 * x0;
        s01 += w0 * x1;
        s10 += w1 * x0;
        s11 += w1 * x1;
        s20 += w2 * x0;
        s21 += w2 * x1;
        s30 += w3 * x0;
        s31 += w3 * x1;
      }
      O[o0 + i] = s00;
      O[o0 + i + 1] = s01;
      O[o1 + i] = s10;
      O[o1 + i + 1] = s11;
      O[o2 + i] = s20;
      O[o2 + i + 1] = s21;
      O[o3 + i] = s30;
      O[o3 + i + 1] = s31;
    }
    if (i < n) {
      let s0 = b0;
      let s1 = b1;
      let s2 = b2;
      let s3 = b3;
      for (let p = 0, wo = j, ho = i; p < k; p++, wo += m, ho += ld) {
        const x = H[ho];
        s0 += W[wo] * x;
        s1 += W[wo + 1] * x;
        s2 += W[wo + 2] * x;
        s3 += W[wo + 3] * x;
      }
      O[o0 + i] = s0;
      O[o1 + i] = s1;
      O[o2 + i] = s2;
      O[o3 + i] = s3;
    }
    if (act !== Act.Identity) for (let q = o0; q <= o3; q += ld) activateRange(O, q, n, act);
  }
  // Remaining units (all of them for a one-output layer): one unit x 4 rows.
  for (; j < m; j++) {
    const bj = b[j];
    const o = j * ld;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      let s0 = bj;
      let s1 = bj;
      let s2 = bj;
      let s3 = bj;
      for (let p = 0, wo = j, ho = i; p < k; p++, wo += m, ho += ld) {
        const w = W[wo];
        s0 += w * H[ho];
        s1 += w * H[ho + 1];
        s2 += w * H[ho + 2];
        s3 += w * H[ho + 3];
      }
      O[o + i] = s0;
      O[o + i + 1] = s1;
      O[o + i + 2] = s2;
      O[o + i + 3] = s3;
    }
    for (; i < n; i++) {
      let s = bj;
      for (let p = 0, wo = j, ho = i; p < k; p++, wo += m, ho += ld) s += W[wo] * H[ho];
      O[o + i] = s;
    }
    if (act !== Act.Identity) activateRange(O, o, n, act);
  }
}

/**
 * Weight gradient of a dense layer: `G = H · Dᵀ` (`k x m`, row-major like `W`), with `H`
 * the layer's `k x n` input and `D` the `m x n` gradient at its output. Tiles of 2 inputs
 * x 4 units, each a sum over the batch in row order. Overwrites `G`. @internal
 */
export function denseWeightGrad(H: Float64Array, D: Float64Array, G: Float64Array, n: number, ld: number, k: number, m: number): void {
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const d0 = j * ld;
    const d1 = d0 + ld;
    const d2 = d1 + ld;
    const d3 = d2 + ld;
    let p = 0;
    for (; p + 2 <= k; p += 2) {
      const h0 = p * ld;
      const h1 = h0 + ld;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let i = 0; i < n; i++) {
        const x0 = H[h0 + i];
        const x1 = H[h1 + i];
        const e0 = D[d0 + i];
        const e1 = D[d1 + i];
        const e2 = D[d2 + i];
        const e3 = D[d3 + i];
        s00 += x0 * e0;
        s01 += x0 * e1;
        s02 += x0 * e2;
        s03 += x0 * e3;
        s10 += x1 * e0;
        s11 += x1 * e1;
        s12 += x1 * e2;
        s13 += x1 * e3;
      }
      const g0 = p * m + j;
      const g1 = g0 + m;
      G[g0] = s00;
      G[g0 + 1] = s01;
      G[g0 + 2] = s02;
      G[g0 + 3] = s03;
      G[g1] = s10;
      G[g1 + 1] = s11;
      G[g1 + 2] = s12;
      G[g1 + 3] = s13;
    }
    if (p < k) {
      const h0 = p * ld;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < n; i++) {
        const x = H[h0 + i];
        s0 += x * D[d0 + i];
        s1 += x * D[d1 + i];
        s2 += x * D[d2 + i];
        s3 += x * D[d3 + i];
      }
      const g0 = p * m + j;
      G[g0] = s0;
      G[g0 + 1] = s1;
      G[g0 + 2] = s2;
      G[g0 + 3] = s3;
    }
  }
  // Remaining units: 4 inputs x one unit.
  for (; j < m; j++) {
    const d0 = j * ld;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const h0 = p * ld;
      const h1 = h0 + ld;
      const h2 = h1 + ld;
      const h3 = h2 + ld;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < n; i++) {
        const e = D[d0 + i];
        s0 += H[h0 + i] * e;
        s1 += H[h1 + i] * e;
        s2 += H[h2 + i] * e;
        s3 += H[h3 + i] * e;
      }
      G[p * m + j] = s0;
      G[(p + 1) * m + j] = s1;
      G[(p + 2) * m + j] = s2;
      G[(p + 3) * m + j] = s3;
    }
    for (; p < k; p++) {
      const h0 = p * ld;
      let s = 0;
      for (let i = 0; i < n; i++) s += H[h0 + i] * D[d0 + i];
      G[p * m + j] = s;
    }
  }
}

/**
 * Backpropagation through a dense layer into the previous hidden layer:
 * `dH = (W · D) ⊙ f'(·)`, with `W` `k x m`, `D` the `m x n` gradient at the layer's output,
 * `A` the previous layer's `k x n` activations (the derivative is taken from them, see
 * {@link backActivateRange}) and `dH` the `k x n` result. Tiles of 4 inputs x 2 rows.
 * @internal
 */
export function denseBackprop(W: Float64Array, D: Float64Array, A: Float64Array, dH: Float64Array, n: number, ld: number, k: number, m: number, act: Act): void {
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const w0 = p * m;
    const w1 = w0 + m;
    const w2 = w1 + m;
    const w3 = w2 + m;
    const o0 = p * ld;
    const o1 = o0 + ld;
    const o2 = o1 + ld;
    const o3 = o2 + ld;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let j = 0, dd = i; j < m; j++, dd += ld) {
        const e0 = D[dd];
        const e1 = D[dd + 1];
        const v0 = W[w0 + j];
        const v1 = W[w1 + j];
        const v2 = W[w2 + j];
        const v3 = W[w3 + j];
        s00 += v0 * e0;
        s01 += v0 * e1;
        s10 += v1 * e0;
        s11 += v1 * e1;
        s20 += v2 * e0;
        s21 += v2 * e1;
        s30 += v3 * e0;
        s31 += v3 * e1;
      }
      dH[o0 + i] = s00;
      dH[o0 + i + 1] = s01;
      dH[o1 + i] = s10;
      dH[o1 + i + 1] = s11;
      dH[o2 + i] = s20;
      dH[o2 + i + 1] = s21;
      dH[o3 + i] = s30;
      dH[o3 + i + 1] = s31;
    }
    if (i < n) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0, dd = i; j < m; j++, dd += ld) {
        const e = D[dd];
        s0 += W[w0 + j] * e;
        s1 += W[w1 + j] * e;
        s2 += W[w2 + j] * e;
        s3 += W[w3 + j] * e;
      }
      dH[o0 + i] = s0;
      dH[o1 + i] = s1;
      dH[o2 + i] = s2;
      dH[o3 + i] = s3;
    }
    if (act !== Act.Identity) for (let q = o0; q <= o3; q += ld) backActivateRange(dH, A, q, n, act);
  }
  // Remaining inputs: one input x 4 rows.
  for (; p < k; p++) {
    const w0 = p * m;
    const o = p * ld;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0, dd = i; j < m; j++, dd += ld) {
        const v = W[w0 + j];
        s0 += v * D[dd];
        s1 += v * D[dd + 1];
        s2 += v * D[dd + 2];
        s3 += v * D[dd + 3];
      }
      dH[o + i] = s0;
      dH[o + i + 1] = s1;
      dH[o + i + 2] = s2;
      dH[o + i + 3] = s3;
    }
    for (; i < n; i++) {
      let s = 0;
      for (let j = 0, dd = i; j < m; j++, dd += ld) s += W[w0 + j] * D[dd];
      dH[o + i] = s;
    }
    if (act !== Act.Identity) backActivateRange(dH, A, o, n, act);
  }
}
