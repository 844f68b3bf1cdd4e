/**
 * The tfjs training engine (wasm, webgpu, custom tfjs backends). The backward pass is
 * written by hand with tf ops: tfjs-core's Node entry registers no gradients, so
 * autodiff is not available.
 *
 * Each step is one `tf.tidy`: the batch is uploaded (its rows gathered in JavaScript:
 * slicing a big tensor on wasm copies all of it), the forward pass uses fused matMul+bias+activation
 * kernels, and the optimiser updates all parameters at once. Every tfjs operation has a
 * fixed cost that dominates at these sizes, so the parameters, gradients and optimiser
 * moments are each one flat vector (one update instead of one per tensor), and the loss
 * is summed on the device and read once per epoch (a GPU is not stalled every batch).
 *
 * @module
 */
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { assertActive } from '../../backend/tf-matrix';
import type { Tf } from '../../backend/tfjs';
import type { Batch, Engine, NetworkSpec } from './engine';
import type { MlpParams } from './params';

/** The tfjs engine. @internal */
export class TfEngine implements Engine {
  /** `[W0, b0, W1, b1, ...]` flattened and concatenated. */
  private theta: Tensor1D;
  /** Adam first moment, or SGD velocity (same layout). */
  private m: Tensor1D;
  /** Adam second moment (SGD: unused). */
  private v: Tensor1D | undefined;
  private lossSum: Scalar;
  private readonly consts: Record<'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'epsilon' | 'momentum' | 'one', Scalar>;
  /** l2 on the weights, 0 on the biases (undefined without weight decay). */
  private readonly decay: Tensor1D | undefined;
  private readonly shapes: number[][];
  private readonly offsets: number[];
  /** The batch's features, row-major, gathered here before each upload. */
  private readonly xBatch: Float32Array;
  private t = 0;
  private disposed = false;

  constructor(
    private readonly tf: Tf,
    private readonly backend: string,
    private readonly spec: NetworkSpec,
    private readonly p: MlpParams,
    batchSize: number,
  ) {
    assertActive(tf, backend);
    const { layers } = spec;
    this.xBatch = new Float32Array(batchSize * layers[0]);
    this.shapes = layers.slice(1).flatMap((out, l) => [[layers[l], out], [out]]);
    this.offsets = [];
    let size = 0;
    for (const a of spec.init) {
      this.offsets.push(size);
      size += a.length;
    }
    const flat = new Float32Array(size);
    const decay = new Float32Array(size);
    spec.init.forEach((a, i) => {
      flat.set(a, this.offsets[i]);
      if (i % 2 === 0) decay.fill(p.l2, this.offsets[i], this.offsets[i] + a.length);
    });
    const created: Tensor[] = [];
    const keep = <T extends Tensor>(t: T): T => {
      created.push(t);
      return t;
    };
    try {
      this.theta = keep(tf.tensor1d(flat));
      this.m = keep(tf.zeros([size]) as Tensor1D);
      this.v = p.optimizer === 'adam' ? keep(tf.zeros([size]) as Tensor1D) : undefined;
      this.decay = p.l2 > 0 ? keep(tf.tensor1d(decay)) : undefined;
      this.lossSum = keep(tf.scalar(0));
      this.consts = {
        beta1: keep(tf.scalar(p.beta1)),
        oneMinusBeta1: keep(tf.scalar(1 - p.beta1)),
        beta2: keep(tf.scalar(p.beta2)),
        oneMinusBeta2: keep(tf.scalar(1 - p.beta2)),
        epsilon: keep(tf.scalar(p.epsilon)),
        momentum: keep(tf.scalar(p.momentum)),
        one: keep(tf.scalar(1)),
      };
    } catch (err) {
      tf.dispose(created);
      throw err;
    }
  }

  step(batch: Batch, lr: number): void {
    const { tf, spec, p, consts, shapes, offsets } = this;
    assertActive(tf, this.backend);
    this.t++;
    const t = this.t;
    const { layers, output } = spec;
    const L = layers.length - 1;
    const k = layers[L];
    const { n } = batch;
    const d = layers[0];
    gatherRows(batch.X, batch.rows, n, d, this.xBatch);
    const next = tf.tidy(() => {
      const params = shapes.map((shape, i) => tf.reshape(tf.slice(this.theta, offsets[i], shape.reduce((a, b) => a * b, 1)), shape));
      const x: Tensor2D = tf.tensor2d(this.xBatch.subarray(0, n * d), [n, d]);
      const target = tf.tensor2d(batch.T.subarray(0, n * k), [n, k]);
      const w = batch.w === undefined ? undefined : tf.tensor2d(batch.w.subarray(0, n), [n, 1]);
      const masks = batch.masks.map((mk, l) => tf.tensor2d(mk.subarray(0, n * layers[l + 1]), [n, layers[l + 1]]));
      // Forward: inputs[l] feeds layer l; hidden[l] is hidden layer l before dropout.
      const inputs: Tensor2D[] = [x];
      const hidden: Tensor2D[] = [];
      const fused = spec.activation === 'tanh' ? 'linear' : spec.activation;
      for (let l = 0; l < L - 1; l++) {
        let a = tf.fused.matMul({ a: inputs[l], b: params[2 * l] as Tensor2D, bias: params[2 * l + 1], activation: fused }) as Tensor2D;
        if (spec.activation === 'tanh') a = tf.tanh(a);
        hidden.push(a);
        inputs.push(masks.length > 0 ? tf.mul(a, masks[l]) : a);
      }
      const z = tf.fused.matMul({ a: inputs[L - 1], b: params[2 * (L - 1)] as Tensor2D, bias: params[2 * L - 1] });
      // Loss (Σ w ℓ) and dLoss/dz (see engine.ts).
      let diff: Tensor2D;
      let rowLoss: Tensor;
      if (output === 'sigmoid') {
        diff = tf.sub(tf.sigmoid(z), target);
        rowLoss = tf.sub(tf.softplus(z), tf.mul(z, target));
      } else if (output === 'softmax') {
        const logp = tf.logSoftmax(z);
        diff = tf.sub(tf.exp(logp), target);
        rowLoss = tf.neg(tf.mul(target, logp));
      } else {
        diff = tf.sub(z, target);
        rowLoss = tf.square(diff);
      }
      if (w !== undefined) {
        diff = tf.mul(diff, w);
        rowLoss = tf.mul(rowLoss, w);
      }
      const lossSum = tf.add(this.lossSum, tf.sum(rowLoss));
      let dz: Tensor2D = tf.mul(diff, tf.scalar(1 / n));
      // Backward.
      const grads: Tensor[] = new Array(2 * L);
      for (let l = L - 1; l >= 0; l--) {
        grads[2 * l] = tf.matMul(inputs[l], dz, true, false);
        grads[2 * l + 1] = tf.sum(dz, 0);
        if (l === 0) break;
        let dIn: Tensor2D = tf.matMul(dz, params[2 * l] as Tensor2D, false, true);
        if (masks.length > 0) dIn = tf.mul(dIn, masks[l - 1]);
        const h = hidden[l - 1];
        const deriv = spec.activation === 'relu' ? tf.step(h) : spec.activation === 'tanh' ? tf.sub(consts.one, tf.square(h)) : tf.mul(h, tf.sub(consts.one, h));
        dz = tf.mul(dIn, deriv);
      }
      let g: Tensor1D = tf.concat(grads.map((gr) => tf.reshape(gr, [-1]))) as Tensor1D;
      if (this.decay !== undefined) g = tf.add(g, tf.mul(this.theta, this.decay));
      // Optimiser, on the flat vectors.
      if (p.optimizer === 'adam') {
        const a = tf.scalar((lr * Math.sqrt(1 - p.beta2 ** t)) / (1 - p.beta1 ** t));
        const m = tf.add(tf.mul(this.m, consts.beta1), tf.mul(g, consts.oneMinusBeta1));
        const v = tf.add(tf.mul(this.v!, consts.beta2), tf.mul(tf.square(g), consts.oneMinusBeta2));
        const theta = tf.sub(this.theta, tf.mul(a, tf.div(m, tf.add(tf.sqrt(v), consts.epsilon))));
        return { theta, m, v, lossSum };
      }
      const stepTensor = tf.mul(g, tf.scalar(lr));
      const m = tf.sub(tf.mul(this.m, consts.momentum), stepTensor);
      const theta = tf.add(this.theta, p.nesterov ? tf.sub(tf.mul(m, consts.momentum), stepTensor) : m);
      return { theta, m, v: undefined, lossSum };
    });
    tf.dispose([this.theta, this.m, this.lossSum, ...(this.v === undefined ? [] : [this.v])]);
    this.theta = next.theta as Tensor1D;
    this.m = next.m as Tensor1D;
    this.v = next.v as Tensor1D | undefined;
    this.lossSum = next.lossSum as Scalar;
  }

  async takeLoss(): Promise<number> {
    const value = (await this.lossSum.data())[0];
    this.lossSum.dispose();
    this.lossSum = this.tf.scalar(0);
    return value;
  }

  async weights(): Promise<Float64Array[]> {
    const flat = await this.theta.data();
    return this.shapes.map((shape, i) => Float64Array.from(flat.subarray(this.offsets[i], this.offsets[i] + shape.reduce((a, b) => a * b, 1))));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const own = [this.theta, this.m, this.lossSum, ...Object.values(this.consts)];
    if (this.v !== undefined) own.push(this.v);
    if (this.decay !== undefined) own.push(this.decay);
    this.tf.dispose(own);
  }
}

/** Copies rows `rows[0..n)` of the row-major matrix `X` (`d` columns) into `out`, row-major. */
function gatherRows(X: Float32Array, rows: Uint32Array, n: number, d: number, out: Float32Array): void {
  for (let i = 0, dst = 0; i < n; i++, dst += d) {
    const src = rows[i] * d;
    for (let c = 0; c < d; c++) out[dst + c] = X[src + c];
  }
}
