/**
 * The SDK's own typed-array kernels for {@link DesignMatrix}: plain loops over the
 * row-major Float32 feature matrix, accumulating in float64.
 *
 * @module
 */
import type { Matrix } from '../preprocess/pipeline';
import type { DesignMatrix } from '../models/types';

/** A design matrix computed with plain JavaScript loops. @internal */
export class JsDesignMatrix implements DesignMatrix {
  readonly rows: number;
  readonly cols: number;
  private readonly X: Float32Array;

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
    const { X, rows, cols } = this;
    if (k === 1) {
      for (let r = 0, p = 0; r < rows; r++, p += cols) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += X[p + c] * W[c];
        out[r] = s;
      }
      return out;
    }
    out.fill(0);
    for (let r = 0, p = 0; r < rows; r++, p += cols) {
      const o = r * k;
      for (let c = 0; c < cols; c++) {
        const x = X[p + c];
        if (x === 0) continue;
        const wo = c * k;
        for (let j = 0; j < k; j++) out[o + j] += x * W[wo + j];
      }
    }
    return out;
  }

  async mulT(R: Float64Array, k: number): Promise<Float64Array> {
    return this.mulTSync(R, k);
  }

  /** Synchronous `Xᵀ · R`. */
  mulTSync(R: Float64Array, k: number, out = new Float64Array(this.cols * k)): Float64Array {
    const { X, rows, cols } = this;
    out.fill(0);
    if (k === 1) {
      for (let r = 0, p = 0; r < rows; r++, p += cols) {
        const v = R[r];
        if (v === 0) continue;
        for (let c = 0; c < cols; c++) out[c] += X[p + c] * v;
      }
      return out;
    }
    for (let r = 0, p = 0; r < rows; r++, p += cols) {
      const o = r * k;
      for (let c = 0; c < cols; c++) {
        const x = X[p + c];
        if (x === 0) continue;
        const wo = c * k;
        for (let j = 0; j < k; j++) out[wo + j] += x * R[o + j];
      }
    }
    return out;
  }

  dispose(): void {}
}
