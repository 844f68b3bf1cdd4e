/**
 * The SDK's own typed-array kernels for {@link DesignMatrix}: plain loops over the
 * row-major Float32 feature matrix, accumulating in float64.
 *
 * Besides the two products of the interface, the JS matrix offers a fused pass
 * ({@link JsDesignMatrix.lossGrad}) that computes a row-wise loss and its gradient
 * `Xᵀ · dLoss/dZ` in one sweep over X: rows are processed in blocks small enough to stay
 * in cache, so X is read from memory once per evaluation instead of twice. Optimisers
 * detect it with {@link hasFusedLossGrad} and fall back to `mul` + `mulT` otherwise.
 *
 * @module
 */
import type { Matrix } from '../preprocess/pipeline';
import type { DesignMatrix } from './types';

/**
 * A loss over a block of rows, used by the fused pass and by the generic `mul`/`mulT`
 * path alike. `Z` holds the block's scores (`count x k`, row-major, X·W without any
 * intercept); the function writes `dLoss/dZ` into `R` (same layout) and returns the
 * block's summed loss. `start` is the index of the block's first row in the full matrix.
 */
export type BlockLoss = (start: number, count: number, Z: Float64Array, R: Float64Array) => number;

/** Rows per block of the fused pass: keeps a block of X (and its scores) in L1/L2 cache. */
const BLOCK_ROWS = 256;

/** A design matrix computed with plain JavaScript loops. @internal */
export class JsDesignMatrix implements DesignMatrix {
  readonly rows: number;
  readonly cols: number;
  private readonly X: Float32Array;
  private zBlock = new Float64Array(0);
  private rBlock = new Float64Array(0);
  /** Scratch for k > 1: one column of a block of scores or residuals. */
  private column = new Float64Array(BLOCK_ROWS);
  /** Scratch for k > 1: a `k x cols` copy of W, or the transposed gradient. */
  private wt = new Float64Array(0);

  constructor(X: Matrix) {
    this.rows = X.rows;
    this.cols = X.cols;
    this.X = X.data;
  }

  async mul(W: Float64Array, k: number): Promise<Float64Array> {
    return this.mulSync(W, k);
  }

  /** Synchronous `X · W`. */
  mulSync(W: Float64Array, k: number, out = new Float64Array(this.rows * k)): Float64Array {
    if (k === 1) mulRows1(this.X, this.cols, 0, this.rows, W, out);
    else mulRowsK(this.X, this.cols, 0, this.rows, transpose(W, this.cols, k, this.scratchWt(k)), k, out, this.column);
    return out;
  }

  async mulT(R: Float64Array, k: number): Promise<Float64Array> {
    return this.mulTSync(R, k);
  }

  /** Synchronous `Xᵀ · R`. */
  mulTSync(R: Float64Array, k: number, out = new Float64Array(this.cols * k)): Float64Array {
    out.fill(0);
    if (k === 1) {
      mulTRowsAdd1(this.X, this.cols, 0, this.rows, R, out);
    } else {
      const gt = this.scratchWt(k).fill(0);
      mulTRowsAddK(this.X, this.cols, 0, this.rows, R, k, gt, this.column);
      transpose(gt, k, this.cols, out);
    }
    return out;
  }

  /**
   * One fused pass: for each block of rows computes `Z = X·W`, lets `loss` turn it into
   * `R = dLoss/dZ`, and accumulates `grad = Xᵀ·R` (`cols x k`, overwritten). Returns the
   * summed loss. X is read from memory once.
   */
  lossGrad(W: Float64Array, k: number, loss: BlockLoss, grad: Float64Array): number {
    const { X, rows, cols } = this;
    const size = BLOCK_ROWS * k;
    if (this.zBlock.length < size) {
      this.zBlock = new Float64Array(size);
      this.rBlock = new Float64Array(size);
    }
    const Z = this.zBlock;
    const R = this.rBlock;
    grad.fill(0, 0, cols * k);
    let total = 0;
    if (k === 1) {
      for (let start = 0; start < rows; start += BLOCK_ROWS) {
        const end = Math.min(rows, start + BLOCK_ROWS);
        mulRows1(X, cols, start, end, W, Z);
        total += loss(start, end - start, Z, R);
        mulTRowsAdd1(X, cols, start, end, R, grad);
      }
      return total;
    }
    // W and the gradient are held transposed (k x cols) so that each output column is a
    // contiguous vector for the k = 1 kernels.
    const Wt = transpose(W, cols, k, new Float64Array(cols * k));
    const gt = this.scratchWt(k).fill(0);
    const column = this.column;
    for (let start = 0; start < rows; start += BLOCK_ROWS) {
      const end = Math.min(rows, start + BLOCK_ROWS);
      mulRowsK(X, cols, start, end, Wt, k, Z, column);
      total += loss(start, end - start, Z, R);
      mulTRowsAddK(X, cols, start, end, R, k, gt, column);
    }
    transpose(gt, k, cols, grad);
    return total;
  }

  dispose(): void {
    this.zBlock = new Float64Array(0);
    this.rBlock = new Float64Array(0);
    this.wt = new Float64Array(0);
  }

  private scratchWt(k: number): Float64Array {
    if (this.wt.length !== this.cols * k) this.wt = new Float64Array(this.cols * k);
    return this.wt;
  }
}

/** True when `m` offers the fused single-pass {@link JsDesignMatrix.lossGrad}. @internal */
export function hasFusedLossGrad(m: DesignMatrix): m is DesignMatrix & Pick<JsDesignMatrix, 'lossGrad'> {
  return typeof (m as Partial<JsDesignMatrix>).lossGrad === 'function';
}

/**
 * `out[r - start] = Σ_c X[r, c] · w[c]` for rows `start..end-1` of a row-major matrix with
 * `cols` columns (X·w for one weight vector). Eight rows at once: each weight is loaded
 * once per eight rows and eight independent sums stay in flight. Also used by the
 * predictors. @internal
 */
export function mulRows1(X: Float32Array, cols: number, start: number, end: number, W: Float64Array, out: Float64Array): void {
  let r = start;
  let o = 0;
  for (; r + 8 <= end; r += 8, o += 8) {
    const p = r * cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let c = 0; c < cols; c++) {
      const w = W[c];
      const q = p + c;
      s0 += X[q] * w;
      s1 += X[q + cols] * w;
      s2 += X[q + 2 * cols] * w;
      s3 += X[q + 3 * cols] * w;
      s4 += X[q + 4 * cols] * w;
      s5 += X[q + 5 * cols] * w;
      s6 += X[q + 6 * cols] * w;
      s7 += X[q + 7 * cols] * w;
    }
    out[o] = s0;
    out[o + 1] = s1;
    out[o + 2] = s2;
    out[o + 3] = s3;
    out[o + 4] = s4;
    out[o + 5] = s5;
    out[o + 6] = s6;
    out[o + 7] = s7;
  }
  for (; r < end; r++, o++) {
    const p = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += X[p + c] * W[c];
    out[o] = s;
  }
}

/** `out (cols x rows) = Aᵀ` for a row-major `A (rows x cols)`; returns `out`. */
function transpose(A: Float64Array, rows: number, cols: number, out: Float64Array): Float64Array {
  for (let r = 0, a = 0; r < rows; r++, a += cols) for (let c = 0, o = r; c < cols; c++, o += rows) out[o] = A[a + c];
  return out;
}

/**
 * `out[(r - start) * k + j] = Σ_c X[r, c] · Wt[j, c]` for rows `start..end-1`, with the
 * weights given transposed (`Wt` is `k x cols`). Rows are taken in blocks of
 * {@link BLOCK_ROWS} that stay in cache while the k = 1 kernel computes one output column
 * at a time into `column` (length ≥ BLOCK_ROWS), so X is read from memory once.
 */
function mulRowsK(X: Float32Array, cols: number, start: number, end: number, Wt: Float64Array, k: number, out: Float64Array, column: Float64Array): void {
  for (let b = start; b < end; b += BLOCK_ROWS) {
    const e = Math.min(end, b + BLOCK_ROWS);
    const count = e - b;
    for (let j = 0; j < k; j++) {
      mulRows1(X, cols, b, e, Wt.subarray(j * cols, (j + 1) * cols), column);
      for (let i = 0, o = (b - start) * k + j; i < count; i++, o += k) out[o] = column[i];
    }
  }
}

/**
 * `out[c] += Σ_r X[r, c] · R[(r - start)]` for rows `start..end-1` (the k = 1 product
 * `Xᵀ·R`), folding eight rows into each update of `out`.
 */
function mulTRowsAdd1(X: Float32Array, cols: number, start: number, end: number, R: Float64Array, out: Float64Array): void {
  let r = start;
  let o = 0;
  for (; r + 8 <= end; r += 8, o += 8) {
    const p = r * cols;
    const v0 = R[o];
    const v1 = R[o + 1];
    const v2 = R[o + 2];
    const v3 = R[o + 3];
    const v4 = R[o + 4];
    const v5 = R[o + 5];
    const v6 = R[o + 6];
    const v7 = R[o + 7];
    for (let c = 0; c < cols; c++) {
      const q = p + c;
      out[c] +=
        X[q] * v0 + X[q + cols] * v1 + (X[q + 2 * cols] * v2 + X[q + 3 * cols] * v3) + (X[q + 4 * cols] * v4 + X[q + 5 * cols] * v5 + (X[q + 6 * cols] * v6 + X[q + 7 * cols] * v7));
    }
  }
  for (; r < end; r++, o++) {
    const p = r * cols;
    const v = R[o];
    for (let c = 0; c < cols; c++) out[c] += X[p + c] * v;
  }
}

/**
 * `outT[j * cols + c] += Σ_r X[r, c] · R[(r - start) * k + j]` for rows `start..end-1`:
 * `Xᵀ·R` accumulated transposed (`outT` is `k x cols`). Like {@link mulRowsK}, blocks of
 * rows stay in cache while the k = 1 kernel takes one column of R at a time (copied into
 * `column`).
 */
function mulTRowsAddK(X: Float32Array, cols: number, start: number, end: number, R: Float64Array, k: number, outT: Float64Array, column: Float64Array): void {
  for (let b = start; b < end; b += BLOCK_ROWS) {
    const e = Math.min(end, b + BLOCK_ROWS);
    const count = e - b;
    for (let j = 0; j < k; j++) {
      for (let i = 0, o = (b - start) * k + j; i < count; i++, o += k) column[i] = R[o];
      mulTRowsAdd1(X, cols, b, e, column, outT.subarray(j * cols, (j + 1) * cols));
    }
  }
}
