/**
 * Prediction for `gbdt` models, and the model's state layout.
 *
 * ## State layout (`ModelState` of type `gbdt`, format 1)
 *
 * `params` (JSON): `format` (1), `objective`, `outputsPerRound` (K: 1, or the number of
 * classes for softmax), `rounds`, `learningRate`, `bestIteration` (when early stopping
 * chose one), `huberDelta` (huber), `features` (name, kind and, for categorical
 * features, `numCategories`, per input column of the matrix) and `trainParams` (the
 * resolved training parameters).
 *
 * Tensors (all trees concatenated; tree `t` predicts output `t % K`; nodes of tree `t`
 * are `tree_start[t] .. tree_start[t + 1] - 1`, the first one is its root, and every
 * child index is larger than its parent's, so traversal always ends):
 *
 * | name | dtype | shape | meaning |
 * |---|---|---|---|
 * | `base_score` | float64 | [K] | initial margin per output (from the training prior) |
 * | `tree_start` | int32 | [T + 1] | first node of each tree, then the node count |
 * | `node_feature` | int32 | [n] | feature (matrix column) tested, -1 for a leaf |
 * | `node_threshold` | float32 | [n] | numeric split: go left when `x <= threshold` (raw feature value, not a bin; +Infinity sends every non-missing value left) |
 * | `node_left` / `node_right` | int32 | [n] | children (global node indices), -1 for a leaf |
 * | `node_flags` | uint8 | [n] | bit 0: a missing value (NaN) goes left, else right; bit 1: categorical split |
 * | `node_cat` | int32 | [n] | categorical split: first word of its bitset in `cat_bitset`; -1 otherwise |
 * | `cat_bitset` | uint32 | [w] | bit `c % 32` of word `node_cat + c / 32` set: category code `c` goes left; codes outside the feature's categories and missing values follow bit 0 of the flags |
 * | `node_value` | float64 | [n] | leaf output, learning rate included (0 for internal nodes) |
 *
 * A row's margin for output `k` is `base_score[k]` plus the leaf values of the trees of
 * output `k`. The link: regression, the margin; binary, the logistic sigmoid (probability
 * of `classes[1]`); multiclass, the softmax over the K margins.
 *
 * For ONNX `TreeEnsembleRegressor`/`Classifier`: numeric nodes map to `BRANCH_LEQ` with
 * `nodes_values = node_threshold` and `nodes_missing_value_tracks_true = flags & 1`;
 * leaves carry `node_value` as the target/class weight of output `t % K`; `base_score`
 * is `base_values`; the post transform is NONE, LOGISTIC or SOFTMAX. Categorical nodes
 * need `BRANCH_MEMBER` (or one `BRANCH_EQ` chain per category).
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelState, NamedTensor, Predictor, TensorData, TensorDType } from '../types';
import type { GbdtObjective } from './params';

/** Format version of the gbdt state. */
export const GBDT_FORMAT = 1;

/** Node flag: a missing value goes left. */
export const NODE_DEFAULT_LEFT = 1;
/** Node flag: categorical (set membership) split. */
export const NODE_CATEGORICAL = 2;

/** Description of one input feature in the state. */
export interface GbdtFeature {
  /** Feature (matrix column) name. */
  name: string;
  /** `numeric` (including one-hot indicators) or ordinal-coded `categorical`. */
  kind: 'numeric' | 'categorical';
  /** Categories (codes 0..n-1) of a categorical feature. */
  numCategories?: number;
}

/** The flat tree arrays of a model (see the module documentation). */
export interface GbdtTrees {
  baseScore: Float64Array;
  treeStart: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  flags: Uint8Array;
  cat: Int32Array;
  catBitset: Uint32Array;
  value: Float64Array;
}

const TENSORS: { key: keyof GbdtTrees; name: string; dtype: TensorDType }[] = [
  { key: 'baseScore', name: 'base_score', dtype: 'float64' },
  { key: 'treeStart', name: 'tree_start', dtype: 'int32' },
  { key: 'feature', name: 'node_feature', dtype: 'int32' },
  { key: 'threshold', name: 'node_threshold', dtype: 'float32' },
  { key: 'left', name: 'node_left', dtype: 'int32' },
  { key: 'right', name: 'node_right', dtype: 'int32' },
  { key: 'flags', name: 'node_flags', dtype: 'uint8' },
  { key: 'cat', name: 'node_cat', dtype: 'int32' },
  { key: 'catBitset', name: 'cat_bitset', dtype: 'uint32' },
  { key: 'value', name: 'node_value', dtype: 'float64' },
];

const DTYPE_CTOR: Record<string, new (n: number) => TensorData> = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  uint8: Uint8Array,
};

/** The trees as named tensors for a {@link ModelState}. @internal */
export function treesToTensors(t: GbdtTrees): NamedTensor[] {
  return TENSORS.map(({ key, name, dtype }) => ({ name, dtype, shape: [t[key].length], data: t[key] }));
}

function corrupt(message: string): never {
  throw new MlopsError('ARTIFACT_CORRUPT', `gbdt state: ${message}`);
}

/** Reads and checks the trees of a state (types, lengths and every index). @internal */
export function tensorsToTrees(state: ModelState, outputs: number, catCount: Int32Array): GbdtTrees {
  const byName = new Map(state.tensors.map((t) => [t.name, t]));
  const out = {} as Record<keyof GbdtTrees, TensorData>;
  for (const { key, name, dtype } of TENSORS) {
    const t = byName.get(name);
    if (t === undefined) corrupt(`tensor "${name}" is missing.`);
    if (t.dtype !== dtype || !(t.data instanceof DTYPE_CTOR[dtype]) || t.shape.length !== 1 || t.shape[0] !== t.data.length) {
      corrupt(`tensor "${name}" must be a 1-d ${dtype} array.`);
    }
    out[key] = t.data;
  }
  const trees = out as unknown as GbdtTrees;
  const n = trees.feature.length;
  for (const k of ['threshold', 'left', 'right', 'flags', 'cat', 'value'] as const) {
    if (trees[k].length !== n) corrupt(`node arrays differ in length (${k}).`);
  }
  if (trees.baseScore.length !== outputs) corrupt(`base_score must hold ${outputs} values.`);
  const ts = trees.treeStart;
  if (ts.length < 1 || ts[0] !== 0 || ts[ts.length - 1] !== n || (ts.length - 1) % outputs !== 0) corrupt('tree_start does not partition the nodes.');
  const numFeatures = state.numFeatures;
  for (let t = 0; t + 1 < ts.length; t++) {
    const a = ts[t];
    const b = ts[t + 1];
    if (!(b > a)) corrupt(`tree ${t} is empty.`);
    for (let i = a; i < b; i++) {
      const f = trees.feature[i];
      if (f === -1) {
        if (trees.left[i] !== -1 || trees.right[i] !== -1) corrupt(`leaf ${i} has children.`);
        continue;
      }
      if (!(f >= 0 && f < numFeatures)) corrupt(`node ${i} tests feature ${f}, outside 0..${numFeatures - 1}.`);
      for (const c of [trees.left[i], trees.right[i]]) if (!(c > i && c < b)) corrupt(`node ${i} has child ${c} outside its tree.`);
      if ((trees.flags[i] & NODE_CATEGORICAL) !== 0) {
        const c = trees.cat[i];
        if (catCount[f] === 0) corrupt(`node ${i} is a categorical split on the non-categorical feature ${f}.`);
        if (!(c >= 0 && c + Math.ceil(catCount[f] / 32) <= trees.catBitset.length)) corrupt(`node ${i} has bitset offset ${c} out of range.`);
      }
    }
  }
  return trees;
}

/** The link from margins to outputs. */
export type GbdtLink = 'identity' | 'logistic' | 'softmax';

/** The link of an objective. @internal */
export function linkOf(objective: GbdtObjective): GbdtLink {
  return objective === 'logistic' ? 'logistic' : objective === 'softmax' ? 'softmax' : 'identity';
}

// Packed node record (4 int32 words, the last unused): the feature, with bit 28 set when
// missing values go right and PACKED_CAT for a categorical split; the threshold bits (read
// through a Float32Array view; categorical: the bitset offset); and the left child, the
// right child being the next node. A leaf is a split of feature 0 at +Infinity whose left
// child is itself, so a row that reached it stays there.
const FEATURE_MASK = 0x0fffffff;
const MISSING_RIGHT_SHIFT = 28;
const PACKED_CAT = NODE_CATEGORICAL << 29;

/**
 * A loaded gbdt model: pure TypeScript over typed arrays. `predictMatrix` allocates
 * nothing per row (only the output array when `out` is not given).
 *
 * @example
 * ```ts
 * import { isGbdtPredictor } from 'mlops-kit';
 * const p = model.predictor;
 * if (isGbdtPredictor(p)) {
 *   const X = model.pipeline.transform(test);
 *   const first10 = p.predictRounds(X.data, X.rows, 10); // staged prediction
 *   const margins = p.predictMargin(X.data, X.rows);       // before the link
 * }
 * ```
 */
export class GbdtPredictor implements Predictor {
  /** The state it was built from. */
  readonly state: ModelState;
  /** Outputs per row: 1 (regression, binary), or the number of classes. */
  readonly outputWidth: number;
  /** Trees per round: 1, or the number of classes for multiclass. */
  readonly outputsPerRound: number;
  /** Boosting rounds in the model. */
  readonly rounds: number;
  /** The margin-to-output link. */
  readonly link: GbdtLink;
  private readonly packed: PackedTrees;
  private readonly base: Float64Array;
  /** No categorical split: the walk can skip the check. */
  private readonly numericOnly: boolean;

  /** Checks the state (see the module documentation) and packs the trees; throws `ARTIFACT_CORRUPT` or `ARTIFACT_UNSUPPORTED_VERSION`. */
  constructor(state: ModelState) {
    if (state.type !== 'gbdt') corrupt(`state type is ${String(state.type)}, not gbdt.`);
    const p = state.params as { format?: unknown; objective?: unknown; outputsPerRound?: unknown };
    if (p.format !== GBDT_FORMAT) {
      throw new MlopsError('ARTIFACT_UNSUPPORTED_VERSION', `gbdt state format ${String(p.format)} is not supported (this version reads format ${GBDT_FORMAT}).`);
    }
    const objectives: GbdtObjective[] = ['logistic', 'softmax', 'squared', 'absolute', 'huber'];
    if (!objectives.includes(p.objective as GbdtObjective)) corrupt(`unknown objective ${String(p.objective)}.`);
    const K = p.outputsPerRound;
    if (typeof K !== 'number' || !Number.isInteger(K) || K < 1) corrupt('outputsPerRound must be a positive integer.');
    const expected = state.task === 'multiclass' ? (state.classes?.length ?? 0) : 1;
    if (K !== expected || (p.objective === 'softmax') !== (state.task === 'multiclass')) corrupt(`objective ${String(p.objective)} with ${K} outputs does not fit a ${state.task} task.`);
    const features = (state.params as { features?: unknown }).features;
    if (!Array.isArray(features) || features.length !== state.numFeatures) corrupt(`params.features must describe the ${state.numFeatures} features.`);
    const catCount = new Int32Array(state.numFeatures);
    features.forEach((f: GbdtFeature, i) => {
      if (f?.kind === 'categorical') {
        if (!(Number.isInteger(f.numCategories) && f.numCategories! >= 1)) corrupt(`feature ${i} is categorical without numCategories.`);
        catCount[i] = f.numCategories!;
      }
    });
    const trees = tensorsToTrees(state, K, catCount);
    this.state = state;
    this.outputsPerRound = K;
    this.outputWidth = K;
    this.link = linkOf(p.objective as GbdtObjective);
    const numTrees = trees.treeStart.length - 1;
    this.rounds = numTrees / K;
    this.base = trees.baseScore;

    // Pack each tree breadth-first, so that the two children of a node are adjacent and
    // the walk needs no branch: next = left + (goes right ? 1 : 0).
    const n = trees.feature.length;
    const buf = new ArrayBuffer(n * 16);
    const packed: PackedTrees = {
      nodes: new Int32Array(buf),
      thresholds: new Float32Array(buf),
      leafValues: new Float64Array(n),
      roots: new Int32Array(numTrees),
      depths: new Int32Array(numTrees),
      bitset: trees.catBitset,
      catCount,
    };
    this.packed = packed;
    this.numericOnly = trees.flags.every((f) => (f & NODE_CATEGORICAL) === 0);
    const { nodes, thresholds, leafValues, roots, depths } = packed;
    const queue = new Int32Array(n);
    const depth = new Int32Array(n);
    let next = 0;
    for (let t = 0; t < numTrees; t++) {
      // queue[k]: the state node packed at `root + k`.
      const root = next;
      roots[t] = root;
      queue[0] = trees.treeStart[t];
      depth[0] = 0;
      let tail = 1;
      let maxDepth = 0;
      for (let k = 0; k < tail; k++) {
        const i = queue[k];
        const o = (root + k) * 4;
        const f = trees.feature[i];
        if (f < 0) {
          // A leaf tests feature 0 against +Infinity, missing values left: every row
          // "goes left" to the leaf itself.
          thresholds[o + 1] = Infinity;
          nodes[o + 2] = root + k;
          leafValues[root + k] = trees.value[i];
          continue;
        }
        const fl = trees.flags[i];
        const cat = (fl & NODE_CATEGORICAL) !== 0;
        nodes[o] = f | ((fl & NODE_DEFAULT_LEFT) !== 0 ? 0 : 1 << MISSING_RIGHT_SHIFT) | (cat ? PACKED_CAT : 0);
        if (cat) nodes[o + 1] = trees.cat[i];
        else thresholds[o + 1] = trees.threshold[i];
        nodes[o + 2] = root + tail;
        queue[tail] = trees.left[i];
        queue[tail + 1] = trees.right[i];
        depth[tail] = depth[tail + 1] = depth[k] + 1;
        maxDepth = Math.max(maxDepth, depth[k] + 1);
        tail += 2;
      }
      depths[t] = maxDepth;
      next = root + tail;
    }
  }

  /** Predicts `rows` rows of the row-major matrix `X` (see {@link Predictor}). */
  predictMatrix(X: Float32Array, rows: number, out?: Float64Array): Float64Array {
    return this.predictRounds(X, rows, this.rounds, out);
  }

  /**
   * Staged prediction: the model's output using only the first `rounds` boosting rounds
   * (0 gives the base score). Same output shape as `predictMatrix`.
   */
  predictRounds(X: Float32Array, rows: number, rounds: number, out?: Float64Array): Float64Array {
    const res = this.predictMargin(X, rows, rounds, out);
    const K = this.outputsPerRound;
    if (this.link === 'logistic') {
      for (let i = 0; i < rows; i++) res[i] = 1 / (1 + Math.exp(-res[i]));
    } else if (this.link === 'softmax') {
      for (let i = 0; i < rows; i++) {
        const o = i * K;
        let max = -Infinity;
        for (let k = 0; k < K; k++) if (res[o + k] > max) max = res[o + k];
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const e = Math.exp(res[o + k] - max);
          res[o + k] = e;
          sum += e;
        }
        for (let k = 0; k < K; k++) res[o + k] /= sum;
      }
    }
    return res;
  }

  /**
   * Raw margins (before the sigmoid/softmax), optionally from the first `rounds` rounds:
   * `rows x outputsPerRound` values.
   */
  predictMargin(X: Float32Array, rows: number, rounds = this.rounds, out?: Float64Array): Float64Array {
    const K = this.outputsPerRound;
    const F = this.state.numFeatures;
    if (!Number.isInteger(rows) || rows < 0 || X.length < rows * F) {
      throw new MlopsError('PREDICT_INVALID_INPUT', `gbdt: expected ${rows} rows of ${F} features (${rows * F} values), got ${X.length}.`);
    }
    if (!Number.isInteger(rounds) || rounds < 0 || rounds > this.rounds) {
      throw new MlopsError('INVALID_ARGUMENT', `gbdt: rounds must be an integer in 0..${this.rounds}, got ${rounds}.`);
    }
    const res = out ?? new Float64Array(rows * K);
    if (res.length < rows * K) throw new MlopsError('INVALID_ARGUMENT', `gbdt: the output array needs ${rows * K} values, has ${res.length}.`);
    const numTrees = rounds * K;
    // Rows without missing values take a step without the missing-value test where the
    // model allows it.
    const anyRow = this.numericOnly ? stepNumeric : stepAny;
    const finiteRow = this.numericOnly ? stepFinite : stepAny;
    const blocks = rows - (rows % 4);
    walkBlocks(this.packed, this.base, anyRow, finiteRow, X, blocks, F, numTrees, res);
    for (let i = blocks; i < rows; i++) walkRow(this.packed, this.base, anyRow, finiteRow, X, i, F, numTrees, res);
    return res;
  }
}

/** The trees packed for prediction (see the constructor of {@link GbdtPredictor}). */
interface PackedTrees {
  /** 4 words per node: feature and flags, threshold bits (or bitset offset), left child, unused. */
  nodes: Int32Array;
  /** The same memory as `nodes`, for the thresholds. */
  thresholds: Float32Array;
  /** Leaf value per node (0 for internal nodes). */
  leafValues: Float64Array;
  /** First node of each tree. */
  roots: Int32Array;
  /** Levels of each tree (its deepest leaf). */
  depths: Int32Array;
  bitset: Uint32Array;
  /** Categories per feature (0: numeric). */
  catCount: Int32Array;
}

type Step = (p: PackedTrees, nodes: Int32Array, thr: Float32Array, n: number, X: Float32Array, row: number) => number;

/**
 * The packed node after numeric node `n` for the row starting at `X[row]`: right when x >
 * threshold, or x is missing and missing goes right. (`Number()` of a comparison compiles
 * without a branch, a ternary does not: the direction of a row is unpredictable.)
 */
function stepNumeric(_p: PackedTrees, nodes: Int32Array, thr: Float32Array, n: number, X: Float32Array, row: number): number {
  const o = n << 2;
  const w = nodes[o];
  const x = X[row + (w & FEATURE_MASK)];
  return nodes[o + 2] + (Number(x > thr[o + 1]) | (Number(x !== x) & (w >>> MISSING_RIGHT_SHIFT)));
}

/** {@link stepNumeric} for a row without missing values. */
function stepFinite(_p: PackedTrees, nodes: Int32Array, thr: Float32Array, n: number, X: Float32Array, row: number): number {
  const o = n << 2;
  return nodes[o + 2] + Number(X[row + (nodes[o] & FEATURE_MASK)] > thr[o + 1]);
}

/**
 * {@link stepNumeric} for models with categorical splits. A category code (an integer
 * within the feature's categories) goes right when its bit is clear; anything else (NaN,
 * out of range, not an integer) is missing.
 */
function stepAny(p: PackedTrees, nodes: Int32Array, thr: Float32Array, n: number, X: Float32Array, row: number): number {
  const o = n << 2;
  const w = nodes[o];
  if ((w & PACKED_CAT) === 0) return stepNumeric(p, nodes, thr, n, X, row);
  const x = X[row + (w & FEATURE_MASK)];
  const c = x | 0;
  const right = c === x && c >= 0 && c < p.catCount[w & FEATURE_MASK] ? ((p.bitset[nodes[o + 1] + (c >>> 5)] >>> (c & 31)) & 1) ^ 1 : (w >>> MISSING_RIGHT_SHIFT) & 1;
  return nodes[o + 2] + right;
}

/**
 * The margins (rows x K) of rows 0..rows-1 (a multiple of four) into `res`: the base score
 * plus the leaf values of the first `numTrees` trees, in tree order. Four rows walk each tree together:
 * their walks are independent, so the processor overlaps them. A walk takes the tree's
 * depth in steps (a leaf steps to itself), with no branch on the data.
 */
function walkBlocks(p: PackedTrees, base: Float64Array, anyRow: Step, finiteRow: Step, X: Float32Array, rows: number, F: number, numTrees: number, res: Float64Array): void {
  const { nodes, thresholds, roots, depths, leafValues } = p;
  const K = base.length;
  for (let i = 0; i < rows; i += 4) {
    const r0 = i * F;
    for (let k = 0; k < 4 * K; k++) res[i * K + k] = base[k % K];
    let finite = true;
    for (let j = r0; j < r0 + 4 * F; j++) if (X[j] !== X[j]) finite = false;
    const step = finite ? finiteRow : anyRow;
    for (let t = 0; t < numTrees; t++) {
      const root = roots[t];
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      for (let d = depths[t]; d > 0; d--) {
        n0 = step(p, nodes, thresholds, n0, X, r0);
        n1 = step(p, nodes, thresholds, n1, X, r0 + F);
        n2 = step(p, nodes, thresholds, n2, X, r0 + 2 * F);
        n3 = step(p, nodes, thresholds, n3, X, r0 + 3 * F);
      }
      const o = i * K + (t % K);
      res[o] += leafValues[n0];
      res[o + K] += leafValues[n1];
      res[o + 2 * K] += leafValues[n2];
      res[o + 3 * K] += leafValues[n3];
    }
  }
}

/**
 * {@link walkBlocks} for the single row i (a one-row request, or the last rows of a
 * batch): four trees at a time instead of four rows. A function of its own, so that
 * either path is compiled from its own use.
 */
function walkRow(p: PackedTrees, base: Float64Array, anyRow: Step, finiteRow: Step, X: Float32Array, i: number, F: number, numTrees: number, res: Float64Array): void {
  const { nodes, thresholds, roots, depths, leafValues } = p;
  const K = base.length;
  const r = i * F;
  let finite = true;
  for (let j = r; j < r + F; j++) if (X[j] !== X[j]) finite = false;
  const step = finite ? finiteRow : anyRow;
  const o = i * K;
  for (let k = 0; k < K; k++) res[o + k] = base[k];
  let t = 0;
  for (; t + 4 <= numTrees; t += 4) {
    let n0 = roots[t];
    let n1 = roots[t + 1];
    let n2 = roots[t + 2];
    let n3 = roots[t + 3];
    for (let d = Math.max(depths[t], depths[t + 1], depths[t + 2], depths[t + 3]); d > 0; d--) {
      n0 = step(p, nodes, thresholds, n0, X, r);
      n1 = step(p, nodes, thresholds, n1, X, r);
      n2 = step(p, nodes, thresholds, n2, X, r);
      n3 = step(p, nodes, thresholds, n3, X, r);
    }
    res[o + (t % K)] += leafValues[n0];
    res[o + ((t + 1) % K)] += leafValues[n1];
    res[o + ((t + 2) % K)] += leafValues[n2];
    res[o + ((t + 3) % K)] += leafValues[n3];
  }
  for (; t < numTrees; t++) {
    let n = roots[t];
    for (let d = depths[t]; d > 0; d--) n = step(p, nodes, thresholds, n, X, r);
    res[o + (t % K)] += leafValues[n];
  }
}

/** True when `p` is a {@link GbdtPredictor} (staged and margin prediction). */
export function isGbdtPredictor(p: unknown): p is GbdtPredictor {
  return p instanceof GbdtPredictor;
}
