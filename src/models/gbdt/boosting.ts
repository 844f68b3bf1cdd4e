/**
 * The boosting loop of the `gbdt` family: binning, then per round gradients, row and
 * column sampling, one tree per output, score updates, losses, progress, early
 * stopping and cancellation.
 *
 * @module
 * @internal
 */
import { MlopsError, throwIfAborted } from '../../errors';
import type { Rng } from '../../random';
import type { EpochRecord, FitContext, FitResult, ModelState, Task } from '../types';
import { type BinInfo, BIN_SAMPLE_ROWS, binRows, binSample, binWithEdges } from './binning';
import { featureImportance } from './importance';
import { ModelBuilder } from './model-builder';
import { createObjective } from './objectives';
import type { ResolvedGbdtParams } from './params';
import { GBDT_FORMAT, type GbdtFeature, treesToTensors } from './predictor';
import { type GrowOptions, type GrownTree, TreeGrower, leafOfBinned, slotsNeeded } from './tree-grower';
import { TaskRunner, allocateBuffers } from './worker-pool';

/** Below this many training rows, training stays on the calling thread. */
export const PARALLEL_MIN_ROWS = 20_000;

/** Training loss is measured on a fixed sample of at most this many rows. */
export const LOSS_SAMPLE_ROWS = 10_000;

/**
 * Histogram address space above which a fit is refused. It is reserved, not used: the
 * pages of a slot are only touched (and counted in RSS) when a node uses that slot.
 */
const HIST_BUDGET_BYTES = 2 ** 32;

interface EvalSet {
  /** Binned, feature-major. */
  bins: Uint8Array;
  n: number;
  y: Float64Array;
  w: Float64Array | undefined;
  score: Float64Array;
}

function gather<T extends Float64Array | Float32Array>(a: T, rows: Int32Array | null): T {
  if (rows === null) return a;
  const out = new (a.constructor as new (n: number) => T)(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = a[rows[i]];
  return out;
}

function gatherRows(X: Float32Array, cols: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) out.set(X.subarray(rows[i] * cols, (rows[i] + 1) * cols), i * cols);
  return out;
}

/** Splits 0..n-1 into train and held-out rows, stratified by class for classification. */
export function holdOut(y: Float64Array, task: Task, fraction: number, rng: Rng): { train: Int32Array; valid: Int32Array } {
  const n = y.length;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = task === 'regression' ? 0 : y[i];
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(i);
  }
  const valid: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(key)!;
    rng.shuffle(g);
    valid.push(...g.slice(0, Math.round(g.length * fraction)));
  }
  if (valid.length === 0 || valid.length > n - 2) {
    throw new MlopsError('TRAIN_TOO_FEW_ROWS', `gbdt: validationFraction ${fraction} of ${n} rows leaves ${valid.length} validation and ${n - valid.length} training rows; use more data or another fraction.`);
  }
  const isValid = new Uint8Array(n);
  for (const i of valid) isValid[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!isValid[i]) train.push(i);
  return { train: Int32Array.from(train), valid: Int32Array.from(valid).sort() };
}

function samplePositions(n: number, k: number, rng: Rng): Int32Array | null {
  if (n <= k) return null;
  return Int32Array.from(rng.permutation(n).subarray(0, k)).sort();
}

/** Trains a gbdt model. @internal */
export async function fitGbdt(ctx: FitContext<ResolvedGbdtParams>): Promise<FitResult> {
  const p = ctx.params;
  const { task } = ctx;
  const X = ctx.train.X;
  const F = X.cols;
  if (ctx.features.length !== F) throw new MlopsError('INTERNAL', `gbdt: ${ctx.features.length} feature descriptions for ${F} matrix columns.`);
  const rng = ctx.rng;

  // Early-stopping data: the caller's validation set or a held-out fraction.
  let trainRows: Int32Array | null = null;
  let validRaw: { X: Float32Array; n: number; y: Float64Array; w: Float64Array | undefined } | undefined;
  if (ctx.validation !== undefined) {
    if (p.validationFraction > 0) {
      throw new MlopsError('TRAIN_INVALID_PARAMS', 'gbdt: pass either a validation set to fit() or `validationFraction`, not both.', { details: { parameter: 'validationFraction' } });
    }
    const v = ctx.validation;
    validRaw = { X: v.X.data, n: v.X.rows, y: v.y, w: v.sampleWeight };
  } else if (p.validationFraction > 0) {
    const split = holdOut(ctx.train.y, task, p.validationFraction, rng.fork('gbdt:validation'));
    trainRows = split.train;
    const w = ctx.train.sampleWeight;
    validRaw = { X: gatherRows(X.data, F, split.valid), n: split.valid.length, y: gather(ctx.train.y, split.valid), w: w && gather(w, split.valid) };
  }
  const N = trainRows === null ? X.rows : trainRows.length;
  if (N < 2) throw new MlopsError('TRAIN_TOO_FEW_ROWS', `gbdt needs at least 2 training rows; got ${N}.`);
  const y = gather(ctx.train.y, trainRows);
  const w = ctx.train.sampleWeight && gather(ctx.train.sampleWeight, trainRows);
  const numClasses = task === 'multiclass' ? (ctx.classes?.length ?? 0) : 2;
  const objective = createObjective(p.objective, numClasses, y, w, p.huberDelta);
  const K = objective.outputs;

  const grow: GrowOptions = {
    growPolicy: p.growPolicy,
    maxDepth: p.maxDepth,
    maxLeaves: p.maxLeaves,
    minSamplesLeaf: p.minSamplesLeaf,
    minChildWeight: p.minChildWeight,
    lambda: p.lambda,
    minSplitGain: p.minSplitGain,
    colsampleByNode: p.colsampleByNode,
  };
  const counts = p.minSamplesLeaf > 1;
  const slots = slotsNeeded(grow, N);
  const histBytes = slots * F * (p.maxBins + 1) * (counts ? 3 : 2) * 8;
  if (histBytes > HIST_BUDGET_BYTES) {
    throw new MlopsError(
      'TRAIN_INVALID_PARAMS',
      `gbdt: these settings may need ${(histBytes / 2 ** 30).toFixed(1)} GiB of histograms (up to ${slots} open nodes x ${F} features x ${p.maxBins + 1} bins); lower maxDepth, set maxLeaves, raise minSamplesLeaf or lower maxBins.`,
      { details: { parameter: 'maxDepth', slots, features: F } },
    );
  }
  const threads = N >= PARALLEL_MIN_ROWS ? p.threads : 1;
  // Columns transposed per binning block: as many as 16 MB hold (each block is one pass
  // over the input matrix).
  const rawBlock = Math.max(1, Math.min(F, Math.floor(2 ** 24 / (4 * N))));
  // Most tasks in one phase: histogram groups of every node pair, or a leaf each, or
  // the row blocks of the gradients, or a binning block.
  const maxTasks = slots * Math.max(Math.ceil(F / 8), 2 * threads) + 2 * slots + 4 * threads + rawBlock;
  const sampleSize = N > BIN_SAMPLE_ROWS ? BIN_SAMPLE_ROWS : 0;
  const buffers = allocateBuffers(
    { rows: N, features: F, maxBins: p.maxBins, counts, slots, maxTasks, rawBlock, sampleSize, outputs: K, weighted: w !== undefined },
    threads > 1,
  );
  const runner = await TaskRunner.create(buffers, maxTasks, threads);
  try {
    return await boost(ctx, runner, { trainRows, validRaw, N, y, w, objective, K, grow, slots });
  } finally {
    await runner.close();
  }
}

interface Prepared {
  trainRows: Int32Array | null;
  validRaw: { X: Float32Array; n: number; y: Float64Array; w: Float64Array | undefined } | undefined;
  N: number;
  y: Float64Array;
  w: Float64Array | undefined;
  objective: ReturnType<typeof createObjective>;
  K: number;
  grow: GrowOptions;
  slots: number;
}

async function boost(ctx: FitContext<ResolvedGbdtParams>, runner: TaskRunner, s: Prepared): Promise<FitResult> {
  const p = ctx.params;
  const { signal } = ctx;
  const { N, y, w, objective, K } = s;
  const X = ctx.train.X;
  const F = X.cols;
  const rng = ctx.rng;
  const v = runner.v;

  const info: BinInfo = binRows(runner, X.data, F, s.trainRows, ctx.features, p.maxBins, binSample(N, rng.fork('gbdt:bins')));
  throwIfAborted(signal, 'training');
  const usable: number[] = [];
  for (let f = 0; f < F; f++) if (!info.constant[f]) usable.push(f);
  let valid: EvalSet | undefined;
  if (s.validRaw !== undefined) {
    const r = s.validRaw;
    valid = { bins: binWithEdges(runner, info, r.X, F, r.n), n: r.n, y: r.y, w: r.w, score: new Float64Array(r.n * K) };
  }

  const grower = new TreeGrower(runner, s.grow, s.slots, rng.fork('gbdt:colsample-node'), p.catSmooth);
  const base = objective.baseScore();
  const score = v.score;
  for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) score[i * K + k] = base[k];
  if (valid !== undefined) for (let i = 0; i < valid.n; i++) for (let k = 0; k < K; k++) valid.score[i * K + k] = base[k];
  v.y.set(y);
  if (w !== undefined) v.w.set(w);
  v.cfg[4] = objective.delta ?? 0;
  v.cfg[5] = K > 1 ? K / (K - 1) : 1;
  const gradChunks = Math.min(N, 4 * runner.threads);
  const builder = new ModelBuilder(v.thresholds, info.catBinOf);
  const grown: { feature: number[]; gain: number[] }[] = [];
  const lossRows = samplePositions(N, LOSS_SAMPLE_ROWS, rng.fork('gbdt:loss'));
  const rowRng = rng.fork('gbdt:subsample');
  const colRng = rng.fork('gbdt:colsample-tree');
  const inBag = new Uint8Array(N);
  const history: EpochRecord[] = [];
  const esr = p.earlyStoppingRounds;
  let bestLoss = Infinity;
  let bestRound = 0;
  let stopped = false;
  ctx.progress({ phase: 'start', epoch: 0, totalEpochs: p.numTrees });

  let round = 0;
  while (round < p.numTrees) {
    round++;
    runTasks(runner, gradChunks, (t, T, i) => {
      T[t] = runner.K.GRAD;
      T[t + 1] = Math.floor((i * N) / gradChunks);
      T[t + 2] = Math.floor(((i + 1) * N) / gradChunks);
      T[t + 3] = runner.K[objective.kernel];
    });
    // Rows for this round's trees.
    let bag: Int32Array | null = null;
    if (p.subsample < 1) {
      const picked: number[] = [];
      for (let i = 0; i < N; i++) if (rowRng.next() < p.subsample) picked.push(i);
      if (picked.length === 0) picked.push(rowRng.int(N));
      bag = Int32Array.from(picked);
      inBag.fill(0);
      for (const i of picked) inBag[i] = 1;
    }
    // Features for this round's trees.
    let active = usable;
    if (p.colsampleByTree < 1 && usable.length > 1) {
      const n = Math.max(1, Math.round(p.colsampleByTree * usable.length));
      active = Array.from(colRng.permutation(usable.length).subarray(0, n), (j) => usable[j]).sort((a, b) => a - b);
    }
    grower.setActive(active);
    const n = bag === null ? N : bag.length;
    for (let k = 0; k < K; k++) {
      if (K > 1) v.gh.set(v.grad.subarray(k * 2 * N, (k + 1) * 2 * N));
      if (bag === null) for (let i = 0; i < N; i++) v.idx[i] = i;
      else v.idx.set(bag);
      const tree = grower.grow(n, bag === null);
      const values = leafValues(tree, p.learningRate, p.lambda, objective, score, v.idx);
      applyTree(runner, tree, values, k, bag, inBag);
      if (valid !== undefined) {
        for (let i = 0; i < valid.n; i++) valid.score[i * K + k] += values[leafOfBinned(tree, valid.bins, valid.n, i, v.numBins)];
      }
      builder.append(tree, values);
      grown.push({ feature: tree.feature, gain: tree.gain });
    }
    const loss = objective.loss(score, y, w, lossRows);
    const record: EpochRecord = { epoch: round, loss };
    if (valid !== undefined) {
      const valLoss = objective.loss(valid.score, valid.y, valid.w, null);
      record.valLoss = valLoss;
      if (valLoss < bestLoss) {
        bestLoss = valLoss;
        bestRound = round;
      }
    }
    history.push(record);
    ctx.progress({ phase: 'epoch', epoch: round, totalEpochs: p.numTrees, loss, valLoss: record.valLoss });
    if (valid !== undefined && esr > 0 && round - bestRound >= esr) {
      stopped = true;
      break;
    }
    // Let timers and the AbortSignal run between rounds.
    await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfAborted(signal, 'training');
  }

  const kept = valid !== undefined && esr > 0 && bestRound > 0 ? bestRound : round;
  const trees = builder.build(base, kept * K);
  const features: GbdtFeature[] = ctx.features.map((f) =>
    f.kind === 'categorical' ? { name: f.name, kind: 'categorical', numCategories: f.numCategories } : { name: f.name, kind: 'numeric' },
  );
  const state: ModelState = {
    type: 'gbdt',
    task: ctx.task,
    numFeatures: F,
    classes: ctx.classes,
    params: {
      format: GBDT_FORMAT,
      objective: objective.name,
      outputsPerRound: K,
      rounds: kept,
      learningRate: p.learningRate,
      ...(kept !== round ? { bestIteration: kept } : {}),
      ...(objective.delta !== undefined ? { huberDelta: objective.delta } : {}),
      features,
      trainParams: { ...p },
    },
    tensors: treesToTensors(trees),
  };
  const last = history[history.length - 1];
  ctx.progress({ phase: 'done', epoch: round, totalEpochs: p.numTrees, loss: last?.loss, valLoss: last?.valLoss });
  return {
    state,
    history,
    iterations: round,
    converged: stopped,
    bestIteration: valid !== undefined && esr > 0 ? kept : undefined,
    extras: {
      featureImportance: featureImportance(
        ctx.features.map((f) => f.name),
        grown.slice(0, kept * K),
      ),
      threads: runner.threads,
    },
  };
}

/** Leaf outputs, learning rate included: -G/(H+λ), or the objective's line search. */
function leafValues(tree: GrownTree, lr: number, lambda: number, objective: ReturnType<typeof createObjective>, score: Float64Array, idx: Int32Array): Float64Array {
  const values = new Float64Array(tree.size);
  for (let id = 0; id < tree.size; id++) {
    if (tree.feature[id] >= 0) continue;
    const raw = objective.leafValue !== undefined ? objective.leafValue(score, idx, tree.start[id], tree.end[id]) : -tree.G[id] / (tree.H[id] + lambda);
    values[id] = lr * raw;
  }
  return values;
}

/** Runs `n` tasks, each written by `write(firstWord, taskTable, i)`. */
function runTasks(runner: TaskRunner, n: number, write: (t: number, T: Int32Array, i: number) => void): void {
  for (let i = 0; i < n; i++) write(runner.task(i), runner.v.tasks, i);
  runner.run(n);
}

/** Adds the tree's output k to every training row's margin: in-bag rows by leaf, in parallel; the others by walking the tree. */
function applyTree(runner: TaskRunner, tree: GrownTree, values: Float64Array, k: number, bag: Int32Array | null, inBag: Uint8Array): void {
  const { v, K } = runner;
  const leaves: number[] = [];
  for (let id = 0; id < tree.size; id++) if (tree.feature[id] < 0) leaves.push(id);
  runTasks(runner, leaves.length, (t, T, i) => {
    T[t] = K.UPDATE;
    T[t + 1] = tree.start[leaves[i]];
    T[t + 2] = tree.end[leaves[i]];
    T[t + 3] = k;
    v.taskValues[i] = values[leaves[i]];
  });
  if (bag === null) return;
  const N = v.N;
  for (let i = 0; i < N; i++) if (!inBag[i]) v.score[i * v.K + k] += values[leafOfBinned(tree, v.bins, N, i, v.numBins)];
}
