/**
 * The `softmax` predictor: pure TypeScript over the saved coefficients.
 *
 * State layout (read by `load` and by the ONNX exporter):
 * - `type: 'softmax'`, `task: 'multiclass'`, `classes` (k ≥ 2 labels, in output order),
 *   `numFeatures: d` (the pipeline's output width).
 * - `params` (JSON, informational): `{ penalty, regularization, l1Ratio, fitIntercept }`.
 * - `tensors`:
 *   - `coef`: float64, shape `[d, k]`, row-major: `coef[j*k + c]` is the weight of
 *     feature j for class c (in the pipeline's scaled space);
 *   - `intercept`: float64, shape `[k]` (they sum to 0; all 0 without an intercept).
 * - Output per row: the k class probabilities `softmax(intercept + xᵀ·coef)`.
 *
 * @module
 */
import type { ModelState, Predictor } from '../types';
import { checkHeader, predictionBuffers, readFloat64 } from '../glm/state';

/** Predicts the k class probabilities per row. */
export class SoftmaxPredictor implements Predictor {
  readonly outputWidth: number;
  private readonly d: number;
  private readonly coef: Float64Array;
  private readonly intercept: Float64Array;

  /** Validates `state`; throws `ARTIFACT_CORRUPT` when it is malformed. */
  constructor(readonly state: ModelState) {
    this.d = checkHeader(state, 'softmax', 'multiclass', 'two-or-more');
    const k = state.classes!.length;
    this.outputWidth = k;
    this.coef = readFloat64(state, 'coef', [this.d, k]);
    this.intercept = readFloat64(state, 'intercept', [k]);
  }

  predictMatrix(X: Float32Array, rows: number, out?: Float64Array): Float64Array {
    const { d, coef, intercept, outputWidth: k } = this;
    const res = predictionBuffers(X, rows, d, k, out);
    for (let r = 0; r < rows; r++) {
      const p = r * d;
      const o = r * k;
      for (let j = 0; j < k; j++) res[o + j] = intercept[j];
      for (let c = 0; c < d; c++) {
        const x = X[p + c];
        if (x === 0) continue;
        const w = c * k;
        for (let j = 0; j < k; j++) res[o + j] += x * coef[w + j];
      }
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (res[o + j] > max) max = res[o + j];
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(res[o + j] - max);
        res[o + j] = e;
        sum += e;
      }
      for (let j = 0; j < k; j++) res[o + j] /= sum;
    }
    return res;
  }
}
