/**
 * The `logistic` predictor: pure TypeScript over the saved coefficients.
 *
 * State layout (read by `load` and by the ONNX exporter):
 * - `type: 'logistic'`, `task: 'binary'`, `classes: [negative, positive]` (2 labels),
 *   `numFeatures: d` (the pipeline's output width).
 * - `params` (JSON, informational): `{ penalty, regularization, l1Ratio, fitIntercept }`.
 * - `tensors`:
 *   - `coef`: float64, shape `[d]`, the coefficient of each pipeline output feature
 *     (in the pipeline's scaled space);
 *   - `intercept`: float64, shape `[1]` (0 when fitted without an intercept).
 * - Output per row: `P(classes[1]) = 1 / (1 + exp(-(intercept + Σⱼ coef[j]·x[j])))`.
 *
 * @module
 */
import type { ModelState, Predictor } from '../types';
import { checkHeader, predictionBuffers, readFloat64 } from '../glm/state';
import { mulRows1 } from '../../backend/js-matrix';

/** Predicts P(positive class) per row. */
export class LogisticPredictor implements Predictor {
  readonly outputWidth = 1;
  private readonly d: number;
  private readonly coef: Float64Array;
  private readonly intercept: number;

  /** Validates `state`; throws `ARTIFACT_CORRUPT` when it is malformed. */
  constructor(readonly state: ModelState) {
    this.d = checkHeader(state, 'logistic', 'binary', 'two');
    this.coef = readFloat64(state, 'coef', [this.d]);
    this.intercept = readFloat64(state, 'intercept', [1])[0];
  }

  predictMatrix(X: Float32Array, rows: number, out?: Float64Array): Float64Array {
    const res = predictionBuffers(X, rows, this.d, 1, out);
    mulRows1(X, this.d, 0, rows, this.coef, res);
    const b = this.intercept;
    for (let i = 0; i < rows; i++) {
      // σ(z) without overflow: e = exp(-|z|) ≤ 1.
      const z = res[i] + b;
      const e = Math.exp(z < 0 ? z : -z);
      res[i] = (z >= 0 ? 1 : e) / (1 + e);
    }
    return res;
  }
}
