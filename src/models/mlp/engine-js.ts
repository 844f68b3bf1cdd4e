/**
 * The `cpu` training engine: forward and backward passes written by hand over
 * Float64Arrays, with the kernels of `kernels.ts`. No tfjs.
 *
 * @module
 */
import type { Batch, Engine, NetworkSpec } from './engine';
import { Act, activationGrad, biasActivate, matMul, matMulTA, matMulTB } from './kernels';
import type { MlpParams } from './params';
import { activationCode } from './predictor';

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
  /** Layer inputs: `inputs[0]` the batch, `inputs[l]` the (dropped-out) output of hidden layer l−1. */
  private readonly inputs: Float64Array[];
  /** Hidden outputs before dropout (their derivative needs them). */
  private readonly hidden: Float64Array[];
  private readonly z: Float64Array;
  private dz: Float64Array;
  private dPrev: Float64Array;
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
    this.inputs = [new Float64Array(batchSize * layers[0])];
    this.hidden = [];
    for (let l = 1; l < L; l++) {
      const h = new Float64Array(batchSize * layers[l]);
      this.hidden.push(h);
      this.inputs.push(dropout ? new Float64Array(batchSize * layers[l]) : h);
    }
    const width = Math.max(...layers);
    this.z = new Float64Array(batchSize * layers[L]);
    this.dz = new Float64Array(batchSize * width);
    this.dPrev = new Float64Array(batchSize * width);
  }

  step(batch: Batch, lr: number): void {
    const { layers, params, grads, inputs, hidden, act } = this;
    const { n, X, T, w, masks } = batch;
    const L = layers.length - 1;
    const k = layers[L];
    const x0 = inputs[0];
    for (let i = 0; i < n * layers[0]; i++) x0[i] = X[i];
    // Forward.
    for (let l = 0; l < L - 1; l++) {
      const out = hidden[l];
      matMul(inputs[l], params[2 * l], out, n, layers[l], layers[l + 1]);
      biasActivate(out, params[2 * l + 1], n, layers[l + 1], act);
      if (masks.length > 0) {
        const mask = masks[l];
        const dst = inputs[l + 1];
        for (let i = 0; i < n * layers[l + 1]; i++) dst[i] = out[i] * mask[i];
      }
    }
    const z = this.z;
    matMul(inputs[L - 1], params[2 * (L - 1)], z, n, layers[L - 1], k);
    biasActivate(z, params[2 * L - 1], n, k, Act.Identity);
    // Loss and dLoss/dz.
    let dz = this.dz;
    this.lossSum += outputGradient(this.spec.output, z, T, w, n, k, dz);
    // Backward.
    for (let l = L - 1; l >= 0; l--) {
      const gW = grads[2 * l];
      const gb = grads[2 * l + 1];
      const fanIn = layers[l];
      const fanOut = layers[l + 1];
      matMulTA(inputs[l], dz, gW, n, fanIn, fanOut);
      if (this.p.l2 > 0) {
        const W = params[2 * l];
        for (let i = 0; i < gW.length; i++) gW[i] += this.p.l2 * W[i];
      }
      gb.fill(0);
      for (let i = 0, o = 0; i < n; i++, o += fanOut) for (let j = 0; j < fanOut; j++) gb[j] += dz[o + j];
      if (l === 0) break;
      const dIn = this.dPrev;
      matMulTB(dz, params[2 * l], dIn, n, fanOut, fanIn);
      if (masks.length > 0) {
        const mask = masks[l - 1];
        for (let i = 0; i < n * fanIn; i++) dIn[i] *= mask[i];
      }
      activationGrad(dIn, hidden[l - 1], n * fanIn, act);
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
 * Writes `dLoss/dz` (`w (p − t) / n`) into `dz` and returns `Σ w ℓ` (squared error for
 * regression); see `engine.ts` for the definitions.
 */
function outputGradient(output: NetworkSpec['output'], z: Float64Array, T: Float32Array, w: Float32Array | undefined, n: number, k: number, dz: Float64Array): number {
  let loss = 0;
  const invN = 1 / n;
  if (output === 'softmax') {
    for (let i = 0, o = 0; i < n; i++, o += k) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (z[o + j] > max) max = z[o + j];
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(z[o + j] - max);
      const lse = max + Math.log(sum);
      const wi = w === undefined ? 1 : w[i];
      let li = 0;
      for (let j = 0; j < k; j++) {
        const t = T[o + j];
        if (t !== 0) li -= t * (z[o + j] - lse);
        dz[o + j] = wi * (Math.exp(z[o + j] - lse) - t) * invN;
      }
      loss += wi * li;
    }
    return loss;
  }
  for (let i = 0; i < n; i++) {
    const zi = z[i];
    const t = T[i];
    const wi = w === undefined ? 1 : w[i];
    if (output === 'sigmoid') {
      // log(1 + e^z) − t z, computed without overflow.
      loss += wi * ((zi > 0 ? zi : 0) - zi * t + Math.log1p(Math.exp(-Math.abs(zi))));
      dz[i] = wi * (1 / (1 + Math.exp(-zi)) - t) * invN;
    } else {
      const r = zi - t;
      loss += wi * r * r;
      dz[i] = wi * r * invN;
    }
  }
  return loss;
}
