/**
 * The `cpu` training engine: forward and backward passes written by hand over
 * Float64Arrays, with the kernels of `train-kernels.ts`. No tfjs.
 *
 * Within a step every layer's values are held unit-major (`units x n`, the batch as the
 * inner dimension; see `train-kernels.ts`): the batch's rows are gathered from the
 * training matrix straight into that layout, and the weights keep their state layout, so
 * no other copies are made.
 *
 * @module
 */
import type { Batch, Engine, NetworkSpec } from './engine';
import { Act } from './kernels';
import type { MlpParams } from './params';
import { activationCode } from './predictor';
import { denseBackprop, denseForward, denseWeightGrad, leadingDimension } from './train-kernels';

/** The JS engine. @internal */
export class JsEngine implements Engine {
  private readonly layers: number[];
  private readonly act: Act;
  private readonly params: Float64Array[];
  private readonly grads: Float64Array[];
  /** Adam first moments, or SGD velocities. */
  private readonly m: Float64Array[];
  /** Adam second moments (unused by SGD). */
  private readonly v: Float64Array[];
  /** Layer inputs, unit-major: `inputs[0]` the batch, `inputs[l]` the (dropped-out) output of hidden layer l−1. */
  private readonly inputs: Float64Array[];
  /** Hidden outputs before dropout (their derivative needs them), unit-major. */
  private readonly hidden: Float64Array[];
  /** Output scores, `outputs x n`. */
  private readonly z: Float64Array;
  private dz: Float64Array;
  private dPrev: Float64Array;
  /** The leading dimension of every unit-major buffer. */
  private readonly ld: number;
  private lossSum = 0;
  private t = 0;

  constructor(
    private readonly spec: NetworkSpec,
    private readonly p: MlpParams,
    batchSize: number,
  ) {
    const { layers } = spec;
    this.layers = layers;
    this.act = activationCode(spec.activation);
    this.params = spec.init.map((a) => Float64Array.from(a));
    this.grads = this.params.map((a) => new Float64Array(a.length));
    this.m = this.params.map((a) => new Float64Array(a.length));
    this.v = p.optimizer === 'adam' ? this.params.map((a) => new Float64Array(a.length)) : [];
    const L = layers.length - 1;
    const dropout = p.dropout > 0;
    const ld = leadingDimension(batchSize);
    this.ld = ld;
    this.inputs = [new Float64Array(ld * layers[0])];
    this.hidden = [];
    for (let l = 1; l < L; l++) {
      const h = new Float64Array(ld * layers[l]);
      this.hidden.push(h);
      this.inputs.push(dropout ? new Float64Array(ld * layers[l]) : h);
    }
    const width = Math.max(...layers);
    this.z = new Float64Array(ld * layers[L]);
    this.dz = new Float64Array(ld * width);
    this.dPrev = new Float64Array(ld * width);
  }

  step(batch: Batch, lr: number): void {
    const { layers, params, grads, inputs, hidden, act, ld } = this;
    const { n, X, rows, T, w, masks } = batch;
    const L = layers.length - 1;
    const k = layers[L];
    gatherTransposed(X, rows, n, layers[0], ld, inputs[0]);
    // Forward.
    for (let l = 0; l < L - 1; l++) {
      const out = hidden[l];
      const width = layers[l + 1];
      denseForward(params[2 * l], params[2 * l + 1], inputs[l], out, n, ld, layers[l], width, act);
      if (masks.length > 0) applyMask(out, masks[l], n, ld, width, inputs[l + 1]);
    }
    const z = this.z;
    denseForward(params[2 * (L - 1)], params[2 * L - 1], inputs[L - 1], z, n, ld, layers[L - 1], k, Act.Identity);
    // Loss and dLoss/dz.
    let dz = this.dz;
    this.lossSum += outputGradient(this.spec.output, z, T, w, n, ld, k, dz);
    // Backward.
    const l2 = this.p.l2;
    for (let l = L - 1; l >= 0; l--) {
      const gW = grads[2 * l];
      const gb = grads[2 * l + 1];
      const fanIn = layers[l];
      const fanOut = layers[l + 1];
      denseWeightGrad(inputs[l], dz, gW, n, ld, fanIn, fanOut);
      if (l2 > 0) {
        const W = params[2 * l];
        for (let i = 0; i < gW.length; i++) gW[i] += l2 * W[i];
      }
      for (let j = 0, o = 0; j < fanOut; j++, o += ld) {
        let s = 0;
        for (let i = 0; i < n; i++) s += dz[o + i];
        gb[j] = s;
      }
      if (l === 0) break;
      const dIn = this.dPrev;
      denseBackprop(params[2 * l], dz, hidden[l - 1], dIn, n, ld, fanIn, fanOut, act);
      if (masks.length > 0) applyMask(dIn, masks[l - 1], n, ld, fanIn, dIn);
      this.dPrev = dz;
      dz = dIn;
    }
    this.dz = dz;
    this.update(lr);
  }

  private update(lr: number): void {
    const { params, grads, m, v, p } = this;
    this.t++;
    if (p.optimizer === 'adam') {
      const { beta1, beta2, epsilon } = p;
      const a = (lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
      for (let q = 0; q < params.length; q++) {
        const P = params[q];
        const G = grads[q];
        const M = m[q];
        const V = v[q];
        for (let i = 0; i < P.length; i++) {
          const g = G[i];
          M[i] = beta1 * M[i] + (1 - beta1) * g;
          V[i] = beta2 * V[i] + (1 - beta2) * g * g;
          P[i] -= (a * M[i]) / (Math.sqrt(V[i]) + epsilon);
        }
      }
      return;
    }
    const mu = p.momentum;
    for (let q = 0; q < params.length; q++) {
      const P = params[q];
      const G = grads[q];
      const M = m[q];
      for (let i = 0; i < P.length; i++) {
        const vel = mu * M[i] - lr * G[i];
        M[i] = vel;
        P[i] += p.nesterov ? mu * vel - lr * G[i] : vel;
      }
    }
  }

  async takeLoss(): Promise<number> {
    const s = this.lossSum;
    this.lossSum = 0;
    return s;
  }

  async weights(): Promise<Float64Array[]> {
    return this.params.map((a) => Float64Array.from(a));
  }

  dispose(): void {}
}

/**
 * Writes rows `rows[0..n)` of the row-major float32 matrix `X` (`d` columns) into `out` as
 * `d x n` float64 (leading dimension `ld`): the batch, gathered and transposed in one pass.
 */
function gatherTransposed(X: Float32Array, rows: Uint32Array, n: number, d: number, ld: number, out: Float64Array): void {
  for (let c = 0, dst = 0; c < d; c++, dst += ld) {
    for (let i = 0; i < n; i++) out[dst + i] = X[rows[i] * d + c];
  }
}

/** `out = H ⊙ mask` with `H` unit-major (`width x n`) and the mask row-major (`n x width`), as the batch stores it. */
function applyMask(H: Float64Array, mask: Float32Array, n: number, ld: number, width: number, out: Float64Array): void {
  for (let j = 0, o = 0; j < width; j++, o += ld) for (let i = 0, q = j; i < n; i++, q += width) out[o + i] = H[o + i] * mask[q];
}

/**
 * Writes `dLoss/dz` (`w (p − t) / n`) into `dz` and returns `Σ w ℓ` (squared error for
 * regression); see `engine.ts` for the definitions. `z` and `dz` are unit-major
 * (`k x n`, leading dimension `ld`); the targets `T` row-major (`n x k`), as the batch stores them.
 */
function outputGradient(output: NetworkSpec['output'], z: Float64Array, T: Float32Array, w: Float32Array | undefined, n: number, ld: number, k: number, dz: Float64Array): number {
  let loss = 0;
  const invN = 1 / n;
  if (output === 'softmax') {
    for (let i = 0, o = 0; i < n; i++, o += k) {
      let max = -Infinity;
      for (let j = 0, q = i; j < k; j++, q += ld) if (z[q] > max) max = z[q];
      let sum = 0;
      for (let j = 0, q = i; j < k; j++, q += ld) sum += Math.exp(z[q] - max);
      const lse = max + Math.log(sum);
      const wi = w === undefined ? 1 : w[i];
      let li = 0;
      for (let j = 0, q = i; j < k; j++, q += ld) {
        const t = T[o + j];
        if (t !== 0) li -= t * (z[q] - lse);
        dz[q] = wi * (Math.exp(z[q] - lse) - t) * invN;
      }
      loss += wi * li;
    }
    return loss;
  }
  if (output === 'sigmoid') {
    for (let i = 0; i < n; i++) {
      const zi = z[i];
      const t = T[i];
      const wi = w === undefined ? 1 : w[i];
      // log(1 + e^z) − t z, computed without overflow.
      loss += wi * ((zi > 0 ? zi : 0) - zi * t + Math.log1p(Math.exp(-Math.abs(zi))));
      dz[i] = wi * (1 / (1 + Math.exp(-zi)) - t) * invN;
    }
    return loss;
  }
  for (let i = 0; i < n; i++) {
    const r = z[i] - T[i];
    const wi = w === undefined ? 1 : w[i];
    loss += wi * r * r;
    dz[i] = wi * r * invN;
  }
  return loss;
}
