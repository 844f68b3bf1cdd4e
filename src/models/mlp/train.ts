/**
 * The `mlp` training loop, shared by every engine: seeded initialisation, shuffling,
 * batches and dropout masks built in JavaScript, learning-rate schedule, validation loss
 * (computed in TypeScript from the epoch's weights), early stopping with restore-best,
 * progress events, cancellation between batches, and the final state.
 *
 * @module
 */
import { MlopsError, throwIfAborted } from '../../errors';
import type { Rng } from '../../random';
import type { FitContext, FitData, FitResult, EpochRecord, ModelState } from '../types';
import type { Batch, Engine, NetworkSpec } from './engine';
import { JsEngine } from './engine-js';
import { learningRateAt, type MlpParams } from './params';
import { MlpNetwork, outputFor } from './predictor';

/** Longest stretch of synchronous work before yielding to the event loop (ms). */
const YIELD_EVERY_MS = 25;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Initial weights and biases, uniform in `±√(6/(fan_in+fan_out))` (Glorot;
 * `±√(2/(fan_in+fan_out))` with sigmoid units) for every layer, as scikit-learn does.
 */
function initialWeights(layers: number[], activation: MlpParams['activation'], rng: Rng): Float64Array[] {
  const out: Float64Array[] = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const fanIn = layers[l];
    const fanOut = layers[l + 1];
    const bound = Math.sqrt((activation === 'sigmoid' ? 2 : 6) / (fanIn + fanOut));
    const W = new Float64Array(fanIn * fanOut);
    for (let i = 0; i < W.length; i++) W[i] = (2 * rng.next() - 1) * bound;
    const b = new Float64Array(fanOut);
    for (let i = 0; i < b.length; i++) b[i] = (2 * rng.next() - 1) * bound;
    out.push(W, b);
  }
  return out;
}

/**
 * Fills batches from shuffled row indices, with the same targets and masks on every
 * engine. Each row's target (0/1, standardised value, or class index) and weight is
 * prepared once, so a batch is a few gathers by row index; the features are gathered by
 * the engine (see {@link Batch}).
 */
class BatchBuilder {
  readonly batch: Batch;
  /** Per training row: the target (binary, regression) or the class index (multiclass). */
  private readonly targets: Float32Array;
  /** Per training row: the sample weight, or undefined. */
  private readonly weights: Float32Array | undefined;

  constructor(
    data: FitData,
    private readonly k: number,
    private readonly multiclass: boolean,
    target: { mean: number; scale: number } | undefined,
    batchSize: number,
    private readonly hidden: number[],
    private readonly dropout: number,
    private readonly rng: Rng,
  ) {
    const y = data.y;
    this.targets = target === undefined ? Float32Array.from(y) : Float32Array.from(y, (v) => (v - target.mean) / target.scale);
    this.weights = data.sampleWeight === undefined ? undefined : Float32Array.from(data.sampleWeight);
    this.batch = {
      n: 0,
      X: data.X.data,
      rows: new Uint32Array(batchSize),
      T: new Float32Array(batchSize * k),
      w: this.weights === undefined ? undefined : new Float32Array(batchSize),
      masks: dropout > 0 ? hidden.map((h) => new Float32Array(batchSize * h)) : [],
    };
  }

  fill(order: Uint32Array, start: number, n: number): Batch {
    const { batch, targets, weights, k } = this;
    const { rows, T, w } = batch;
    batch.n = n;
    for (let i = 0; i < n; i++) rows[i] = order[start + i];
    if (this.multiclass) {
      T.fill(0, 0, n * k);
      for (let i = 0; i < n; i++) T[i * k + targets[rows[i]]] = 1;
    } else {
      for (let i = 0; i < n; i++) T[i] = targets[rows[i]];
    }
    if (weights !== undefined) for (let i = 0; i < n; i++) w![i] = weights[rows[i]];
    if (this.dropout > 0) {
      const { dropout, rng } = this;
      const keep = 1 / (1 - dropout);
      for (let l = 0; l < this.hidden.length; l++) {
        const mask = batch.masks[l];
        const len = n * this.hidden[l];
        for (let i = 0; i < len; i++) mask[i] = rng.next() < dropout ? 0 : keep;
      }
    }
    return batch;
  }
}

/** Mean loss and accuracy of `net` on `data` (log loss with probabilities clipped to [1e-15, 1 − 1e-15]; MSE for regression). */
function evaluate(net: MlpNetwork, data: FitData, k: number): { loss: number; accuracy?: number } {
  const rows = data.X.rows;
  const out = new Float64Array(rows * k);
  net.forward(data.X.data, rows, out);
  const eps = 1e-15;
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const wi = data.sampleWeight === undefined ? 1 : data.sampleWeight[i];
    const y = data.y[i];
    if (net.output === 'identity') {
      loss += wi * (out[i] - y) ** 2;
    } else if (net.output === 'sigmoid') {
      const p = Math.min(1 - eps, Math.max(eps, out[i]));
      loss -= wi * (y === 1 ? Math.log(p) : Math.log(1 - p));
      if ((out[i] >= 0.5 ? 1 : 0) === y) correct++;
    } else {
      loss -= wi * Math.log(Math.max(eps, out[i * k + y]));
      let best = 0;
      for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + best]) best = j;
      if (best === y) correct++;
    }
  }
  return net.output === 'identity' ? { loss: loss / rows } : { loss: loss / rows, accuracy: correct / rows };
}

function checkFinite(data: FitData, what: string): void {
  const X = data.X.data;
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i])) {
      const row = Math.floor(i / data.X.cols);
      throw new MlopsError(
        'DATA_NON_FINITE',
        `mlp: the ${what} features have a non-finite value (${X[i]}) at row ${row}, feature ${i % data.X.cols}. A neural network needs every input filled in: keep the default imputation (preprocess.numeric.impute = 'mean') or clean the data.`,
        { details: { row, feature: i % data.X.cols } },
      );
    }
  }
}

async function createEngine(ctx: FitContext<MlpParams>, spec: NetworkSpec, batchSize: number): Promise<Engine> {
  const handle = ctx.backend;
  if (handle?.kind === 'tfjs') {
    const { TfEngine } = await import('./engine-tf');
    return new TfEngine(handle.tf as ConstructorParameters<typeof TfEngine>[0], handle.name, spec, ctx.params, batchSize);
  }
  return new JsEngine(spec, ctx.params, batchSize);
}

/** Trains an MLP. @internal */
export async function fitMlp(ctx: FitContext<MlpParams>): Promise<FitResult> {
  const { train, validation, task, params: p, signal } = ctx;
  checkFinite(train, 'training');
  if (validation !== undefined) checkFinite(validation, 'validation');
  const rows = train.X.rows;
  const k = task === 'multiclass' ? ctx.classes!.length : 1;
  const layers = [train.X.cols, ...p.hiddenLayers, k];
  const output = outputFor(task);
  let target: { mean: number; scale: number } | undefined;
  if (task === 'regression') {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += (train.y[i] - mean) / (i + 1);
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (train.y[i] - mean) ** 2;
    target = { mean, scale: Math.sqrt(ss / rows) || 1 };
  }
  const batchSize = Math.min(p.batchSize, rows);
  const spec: NetworkSpec = { layers, activation: p.activation, output, init: initialWeights(layers, p.activation, ctx.rng.fork('init')) };
  const builder = new BatchBuilder(train, k, task === 'multiclass', target, batchSize, p.hiddenLayers, p.dropout, ctx.rng.fork('dropout'));
  const shuffler = ctx.rng.fork('shuffle');
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const lossScale = target === undefined ? 1 : target.scale ** 2;
  const netOf = (w: Float64Array[]): MlpNetwork =>
    new MlpNetwork(
      layers,
      p.activation,
      output,
      w.filter((_, i) => i % 2 === 0),
      w.filter((_, i) => i % 2 === 1),
      target,
    );

  const history: EpochRecord[] = [];
  const es = p.earlyStopping;
  const restoreBest = es !== false && es.restoreBest && validation !== undefined;
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: Float64Array[] | undefined;
  let stale = 0;
  let stoppedEarly = false;
  let epoch = 0;
  let lr = p.learningRate;
  ctx.progress({ phase: 'start', epoch: 0, totalEpochs: p.epochs });
  const engine = await createEngine(ctx, spec, batchSize);
  try {
    let lastYield = performance.now();
    while (epoch < p.epochs) {
      lr = learningRateAt(p, epoch);
      if (p.shuffle) shuffler.shuffle(order);
      for (let start = 0; start < rows; start += batchSize) {
        throwIfAborted(signal, 'training');
        engine.step(builder.fill(order, start, Math.min(batchSize, rows - start)), lr);
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      epoch++;
      const loss = ((await engine.takeLoss()) / rows) * lossScale;
      if (!Number.isFinite(loss)) {
        throw new MlopsError('TRAIN_DIVERGED', `mlp: the training loss became ${loss} at epoch ${epoch}. Lower the learning rate (now ${lr}) or add weight decay (l2).`, {
          details: { epoch, learningRate: lr },
        });
      }
      const record: EpochRecord = { epoch, loss, metrics: { learningRate: lr } };
      let weights: Float64Array[] | undefined;
      if (validation !== undefined) {
        weights = await engine.weights();
        const v = evaluate(netOf(weights), validation, k);
        record.valLoss = v.loss;
        if (v.accuracy !== undefined) record.metrics!.valAccuracy = v.accuracy;
      }
      history.push(record);
      ctx.progress({ phase: 'epoch', epoch, totalEpochs: p.epochs, loss, valLoss: record.valLoss, metrics: record.metrics });
      const monitored = record.valLoss ?? loss;
      if (es !== false) {
        stale = monitored > best - es.minDelta ? stale + 1 : 0;
        if (monitored < best) {
          best = monitored;
          bestEpoch = epoch;
          if (restoreBest) bestWeights = weights;
        }
        if (stale >= es.patience) {
          stoppedEarly = true;
          break;
        }
      }
    }
    const final = restoreBest && bestWeights !== undefined ? bestWeights : await engine.weights();
    const net = netOf(final);
    const state: ModelState = {
      type: 'mlp',
      task,
      numFeatures: layers[0],
      classes: ctx.classes,
      params: {
        layers,
        activations: p.hiddenLayers.map(() => p.activation),
        output,
        ...(target === undefined ? {} : { target }),
        training: JSON.parse(JSON.stringify(p)) as Record<string, unknown>,
      },
      tensors: net.tensors(),
    };
    ctx.progress({ phase: 'done', epoch, totalEpochs: p.epochs, loss: history[history.length - 1]?.loss, valLoss: history[history.length - 1]?.valLoss });
    return {
      state,
      history,
      iterations: epoch,
      converged: stoppedEarly,
      ...(restoreBest ? { bestIteration: bestEpoch } : {}),
      extras: { engine: ctx.backend?.kind === 'tfjs' ? 'tfjs' : 'js', stoppedEarly, finalLearningRate: lr },
    };
  } finally {
    engine.dispose();
  }
}
