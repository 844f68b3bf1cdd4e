/**
 * What the `mlp` training loop needs from a compute engine, and the pieces every engine
 * shares: the network description, batches built in JavaScript (so every backend sees
 * the same rows, targets and dropout masks), and the loss definitions.
 *
 * Per row `i` with weight `w_i` (1 without sample weights) and output `z_i`, an engine
 * minimises `(1/n) Σ w_i ℓ_i + (l2/2) Σ_l ‖W_l‖²` over each batch of `n` rows, with
 * - sigmoid (binary): `ℓ = log(1 + e^z) − t·z` (binary cross-entropy from the logit);
 * - softmax (multiclass): `ℓ = −Σ_j t_j log softmax(z)_j`;
 * - identity (regression, standardised target): `ℓ = (z − t)² / 2`.
 * The gradient with respect to `z` is `w (p − t) / n` with `p` the output function of
 * `z` (the identity for regression). An engine reports `Σ w ℓ` with the regression
 * loss doubled, i.e. the squared error, so that the loop can report MSE.
 *
 * These are scikit-learn's `MLPClassifier` / `MLPRegressor` updates exactly (with `l2` =
 * `alpha / n`): given the same initial weights and batch order both produce the same
 * weights (test/models/mlp-sklearn-trajectory.test.ts).
 *
 * @module
 */
import type { MlpParams } from './params';
import type { MlpOutput } from './predictor';

/** The network an engine trains. @internal */
export interface NetworkSpec {
  /** Widths, input first. */
  layers: number[];
  /** Hidden activation. */
  activation: MlpParams['activation'];
  /** Output function. */
  output: MlpOutput;
  /** Initial `[W0, b0, W1, b1, ...]`, row-major float64. */
  init: Float64Array[];
}

/**
 * One training batch, built in JavaScript. Buffers are reused: valid until the next batch.
 * The features are not copied into the batch: each engine gathers the rows it is given
 * from the training matrix straight into its own layout. @internal
 */
export interface Batch {
  /** Rows in this batch. */
  n: number;
  /** The whole training matrix, row-major, `layers[0]` columns. */
  X: Float32Array;
  /** The rows of `X` in this batch, in order (the first `n` entries). */
  rows: Uint32Array;
  /** Targets, `n x outputs`: 0/1 (binary), one-hot (multiclass), standardised value (regression). */
  T: Float32Array;
  /** Row weights, or undefined for all ones. */
  w?: Float32Array;
  /** Dropout masks per hidden layer (`n x width`, values 0 or 1/(1−p)); empty without dropout. */
  masks: Float32Array[];
}

/** A training engine: the JS one for `cpu`, the tfjs one for tfjs backends. @internal */
export interface Engine {
  /** One optimiser step on a batch at learning rate `lr`; the batch loss is accumulated. */
  step(batch: Batch, lr: number): void;
  /** `Σ w ℓ` (squared error for regression) accumulated since the last call; resets it. */
  takeLoss(): Promise<number>;
  /** A copy of the current `[W0, b0, W1, b1, ...]`. */
  weights(): Promise<Float64Array[]>;
  /** Frees what the engine holds (tensors). Safe to call twice. */
  dispose(): void;
}
