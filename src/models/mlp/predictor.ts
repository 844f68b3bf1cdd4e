/**
 * The `mlp` predictor: a pure-TypeScript forward pass over typed arrays (no tfjs), and
 * the layout of the model state.
 *
 * ## State layout (`ModelState` with `type: 'mlp'`)
 *
 * `params`:
 * - `layers: number[]`: layer widths, input first, output last:
 *   `[numFeatures, hidden1, ..., hiddenN, outputs]`.
 * - `activations: string[]`: one per hidden layer (`layers.length - 2` entries), each
 *   `'relu'` (max(z, 0)), `'tanh'` or `'sigmoid'` (1 / (1 + e^-z)).
 * - `output: 'sigmoid' | 'softmax' | 'identity'`: the last layer's function. `sigmoid`
 *   for binary (1 output: P(classes[1])), `softmax` for multiclass (one output per
 *   class, in `classes` order), `identity` for regression (1 output).
 * - `target?: { mean: number, scale: number }`: regression only; the network predicts the
 *   standardised target, so the value is `z · scale + mean`.
 * - `training`: the hyper-parameters used (informational; the forward pass ignores them).
 *
 * `tensors`, float32, row-major, for `l = 0 .. layers.length - 2`:
 * - `W{l}`: shape `[layers[l], layers[l+1]]`;
 * - `b{l}`: shape `[layers[l+1]]`.
 *
 * Forward pass: `h0 = x`; `h{l+1} = f_l(h{l} · W{l} + b{l})`, with `f_l` the hidden
 * activation for `l < L-1` and `output` for the last layer. In ONNX terms: a chain of
 * `Gemm(h, W{l}, b{l})` (transA = transB = 0) each followed by `Relu` / `Tanh` /
 * `Sigmoid` / `Softmax(axis=1)`, then `Mul(scale)` + `Add(mean)` for regression.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelState, NamedTensor, Predictor, Task } from '../types';
import { Act, biasActivate, matMul, softmaxRows } from './kernels';
import type { MlpActivation } from './params';

/** The last layer's function. */
export type MlpOutput = 'sigmoid' | 'softmax' | 'identity';

/** Rows per block of the forward pass. */
const BLOCK = 256;

const ACTIVATIONS: Record<MlpActivation, Act> = { relu: Act.Relu, tanh: Act.Tanh, sigmoid: Act.Sigmoid };

/** The output function of a task. @internal */
export function outputFor(task: Task): MlpOutput {
  return task === 'binary' ? 'sigmoid' : task === 'multiclass' ? 'softmax' : 'identity';
}

/** The activation code of a hidden activation name. @internal */
export function activationCode(name: MlpActivation): Act {
  return ACTIVATIONS[name];
}

/** A network held as float64 arrays: weights `W[l]` (`layers[l] x layers[l+1]`) and biases `b[l]`. @internal */
export class MlpNetwork {
  private readonly acts: Act[];
  private readonly bufA: Float64Array;
  private readonly bufB: Float64Array;

  constructor(
    readonly layers: readonly number[],
    readonly activation: MlpActivation,
    readonly output: MlpOutput,
    readonly W: readonly Float64Array[],
    readonly b: readonly Float64Array[],
    readonly target?: { mean: number; scale: number },
  ) {
    const L = layers.length - 1;
    this.acts = Array.from({ length: L }, (_, l) => (l < L - 1 ? ACTIVATIONS[activation] : output === 'sigmoid' ? Act.Sigmoid : Act.Identity));
    const width = Math.max(...layers);
    this.bufA = new Float64Array(BLOCK * width);
    this.bufB = new Float64Array(BLOCK * width);
  }

  /** Writes `rows x outputs` values for the row-major `X (rows x layers[0])` into `out`. */
  forward(X: Float32Array, rows: number, out: Float64Array): void {
    const { layers, W, b, acts } = this;
    const L = layers.length - 1;
    const d = layers[0];
    const k = layers[L];
    for (let start = 0; start < rows; start += BLOCK) {
      const n = Math.min(BLOCK, rows - start);
      let cur = this.bufA;
      let next = this.bufB;
      for (let i = 0, src = start * d; i < n * d; i++) cur[i] = X[src + i];
      for (let l = 0; l < L; l++) {
        matMul(cur, W[l], next, n, layers[l], layers[l + 1]);
        biasActivate(next, b[l], n, layers[l + 1], acts[l]);
        const t = cur;
        cur = next;
        next = t;
      }
      if (this.output === 'softmax') softmaxRows(cur, n, k);
      const o = start * k;
      if (this.target !== undefined) {
        const { mean, scale } = this.target;
        for (let i = 0; i < n * k; i++) out[o + i] = cur[i] * scale + mean;
      } else {
        for (let i = 0; i < n * k; i++) out[o + i] = cur[i];
      }
    }
  }

  /** The state tensors (float32), in the documented layout. */
  tensors(): NamedTensor[] {
    const out: NamedTensor[] = [];
    for (let l = 0; l < this.W.length; l++) {
      out.push({ name: `W${l}`, dtype: 'float32', shape: [this.layers[l], this.layers[l + 1]], data: Float32Array.from(this.W[l]) });
      out.push({ name: `b${l}`, dtype: 'float32', shape: [this.layers[l + 1]], data: Float32Array.from(this.b[l]) });
    }
    return out;
  }
}

function corrupt(message: string): never {
  throw new MlopsError('ARTIFACT_CORRUPT', `mlp state: ${message}`);
}

/** Rebuilds the network of a state, checking every shape. @internal */
export function networkFromState(state: ModelState): MlpNetwork {
  const p = state.params;
  const layers = p.layers;
  if (!Array.isArray(layers) || layers.length < 2 || !layers.every((w) => Number.isInteger(w) && w >= 1)) corrupt('`params.layers` must list at least two positive integer widths.');
  if (layers[0] !== state.numFeatures) corrupt(`the first layer has ${layers[0]} inputs but numFeatures is ${state.numFeatures}.`);
  const activations = p.activations;
  const hidden = layers.length - 2;
  if (!Array.isArray(activations) || activations.length !== hidden || !activations.every((a) => typeof a === 'string' && Object.hasOwn(ACTIVATIONS, a))) {
    corrupt(`\`params.activations\` must list ${hidden} of 'relu', 'tanh', 'sigmoid'.`);
  }
  if (new Set(activations).size > 1) corrupt('every hidden layer must use the same activation.');
  const output = p.output as MlpOutput;
  const expectedOutput = outputFor(state.task);
  if (output !== expectedOutput) corrupt(`a ${state.task} model must have output '${expectedOutput}', got ${JSON.stringify(output)}.`);
  const k = layers[layers.length - 1];
  const expectedK = state.task === 'multiclass' ? (state.classes?.length ?? -1) : 1;
  if (k !== expectedK) corrupt(`the output layer has ${k} units; a ${state.task} model${state.task === 'multiclass' ? ` with ${expectedK} classes` : ''} needs ${expectedK}.`);
  let target: { mean: number; scale: number } | undefined;
  if (state.task === 'regression') {
    const t = p.target as { mean?: unknown; scale?: unknown } | undefined;
    if (t === undefined || typeof t.mean !== 'number' || typeof t.scale !== 'number' || !Number.isFinite(t.mean) || !Number.isFinite(t.scale)) corrupt('a regression model needs `params.target` { mean, scale }.');
    target = { mean: t.mean as number, scale: t.scale as number };
  }
  const byName = new Map(state.tensors.map((t) => [t.name, t]));
  const W: Float64Array[] = [];
  const b: Float64Array[] = [];
  for (let l = 0; l < layers.length - 1; l++) {
    const get = (name: string, shape: number[]): Float64Array => {
      const t = byName.get(name);
      if (t === undefined) corrupt(`tensor ${name} is missing.`);
      if (t.dtype !== 'float32' && t.dtype !== 'float64') corrupt(`tensor ${name} must be float32, got ${t.dtype}.`);
      if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i]) || t.data.length !== shape.reduce((a, c) => a * c, 1)) {
        corrupt(`tensor ${name} must have shape [${shape.join(', ')}], got [${t.shape.join(', ')}] with ${t.data.length} values.`);
      }
      return Float64Array.from(t.data);
    };
    W.push(get(`W${l}`, [layers[l], layers[l + 1]]));
    b.push(get(`b${l}`, [layers[l + 1]]));
  }
  return new MlpNetwork(layers as number[], (activations as MlpActivation[])[0] ?? 'relu', output, W, b, target);
}

/** The predictor of an `mlp` state. @internal */
export function loadMlp(state: ModelState): Predictor {
  const net = networkFromState(state);
  const outputWidth = net.layers[net.layers.length - 1];
  return {
    state,
    outputWidth,
    predictMatrix(X: Float32Array, rows: number, out?: Float64Array): Float64Array {
      if (!Number.isInteger(rows) || rows < 0 || X.length < rows * state.numFeatures) {
        throw new MlopsError('PREDICT_INVALID_INPUT', `mlp: expected ${rows} rows of ${state.numFeatures} features (${rows * state.numFeatures} values), got ${X.length}.`);
      }
      const result = out ?? new Float64Array(rows * outputWidth);
      if (result.length < rows * outputWidth) throw new MlopsError('INVALID_ARGUMENT', `mlp: \`out\` needs ${rows * outputWidth} values, has ${result.length}.`);
      net.forward(X, rows, result);
      return result;
    },
  };
}
