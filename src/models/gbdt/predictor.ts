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

// Packed node record (4 int32 words): feature | flags << 28, threshold bits (read through a
// Float32Array view), left, right. A child < 0 is the leaf ~child.
const FEATURE_MASK = 0x0fffffff;
const PACKED_DL = NODE_DEFAULT_LEFT << 28;
const PACKED_CAT = NODE_CATEGORICAL << 28;
/** Rows that walk each tree together in batch prediction. */
const PREDICT_BLOCK = 64;

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
  private readonly nodes: Int32Array;
  private readonly thresholds: Float32Array;
  private readonly leafValues: Float64Array;
  private readonly roots: Int32Array;
  private readonly bitset: Uint32Array;
  private readonly catCount: Int32Array;
  private readonly base: Float64Array;

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
    this.catCount = new Int32Array(state.numFeatures);
    features.forEach((f: GbdtFeature, i) => {
      if (f?.kind === 'categorical') {
        if (!(Number.isInteger(f.numCategories) && f.numCategories! >= 1)) corrupt(`feature ${i} is categorical without numCategories.`);
        this.catCount[i] = f.numCategories!;
      }
    });
    const trees = tensorsToTrees(state, K, this.catCount);
    this.state = state;
    this.outputsPerRound = K;
    this.outputWidth = K;
    this.link = linkOf(p.objective as GbdtObjective);
    const numTrees = trees.treeStart.length - 1;
    this.rounds = numTrees / K;
    this.base = trees.baseScore;
    this.bitset = trees.catBitset;

    // Pack: internal nodes get records, leaves get values.
    const n = trees.feature.length;
    const recordOf = new Int32Array(n);
    let internal = 0;
    let leaves = 0;
    for (let i = 0; i < n; i++) recordOf[i] = trees.feature[i] < 0 ? ~leaves++ : internal++;
    const buf = new ArrayBuffer(internal * 16);
    this.nodes = new Int32Array(buf);
    this.thresholds = new Float32Array(buf);
    this.leafValues = new Float64Array(leaves);
    for (let i = 0; i < n; i++) {
      const r = recordOf[i];
      if (r < 0) {
        this.leafValues[~r] = trees.value[i];
        continue;
      }
      const o = r * 4;
      const fl = trees.flags[i];
      const cat = (fl & NODE_CATEGORICAL) !== 0;
      this.nodes[o] = trees.feature[i] | ((fl & NODE_DEFAULT_LEFT) !== 0 ? PACKED_DL : 0) | (cat ? PACKED_CAT : 0);
      if (cat) this.nodes[o + 1] = trees.cat[i];
      else this.thresholds[o + 1] = trees.threshold[i];
      this.nodes[o + 2] = recordOf[trees.left[i]];
      this.nodes[o + 3] = recordOf[trees.right[i]];
    }
    this.roots = new Int32Array(numTrees);
    for (let t = 0; t < numTrees; t++) this.roots[t] = recordOf[trees.treeStart[t]];
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
    const { nodes, roots, leafValues, base } = this;
    const thr = this.thresholds;
    // Tree-major over blocks of rows: a tree's nodes stay in cache while the block's rows
    // walk it.
    for (let b0 = 0; b0 < rows; b0 += PREDICT_BLOCK) {
      const b1 = Math.min(rows, b0 + PREDICT_BLOCK);
      for (let i = b0; i < b1; i++) for (let k = 0; k < K; k++) res[i * K + k] = base[k];
      for (let t = 0; t < numTrees; t++) {
        const root = roots[t];
        const k = t % K;
        for (let i = b0; i < b1; i++) {
          const row = i * F;
          let n = root;
          while (n >= 0) {
            const o = n << 2;
            const w = nodes[o];
            const x = X[row + (w & FEATURE_MASK)];
            const left = (w & PACKED_CAT) !== 0 ? this.categoryLeft(w, nodes[o + 1], x) : (w & PACKED_DL) !== 0 ? !(x > thr[o + 1]) : x <= thr[o + 1];
            n = left ? nodes[o + 2] : nodes[o + 3];
          }
          res[i * K + k] += leafValues[~n];
        }
      }
    }
    return res;
  }

  /** Categorical node: whether value `x` goes left (codes are integers; anything else, NaN or out of range, is missing). */
  private categoryLeft(w: number, word: number, x: number): boolean {
    const c = x | 0;
    if (c === x && c >= 0 && c < this.catCount[w & FEATURE_MASK]) return ((this.bitset[word + (c >>> 5)] >>> (c & 31)) & 1) === 1;
    return (w & PACKED_DL) !== 0;
  }
}

/** True when `p` is a {@link GbdtPredictor} (staged and margin prediction). */
export function isGbdtPredictor(p: unknown): p is GbdtPredictor {
  return p instanceof GbdtPredictor;
}
