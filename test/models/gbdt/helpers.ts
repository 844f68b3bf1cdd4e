/**
 * Shared helpers for the gbdt tests: seeded datasets and small metrics.
 */
import { Dataset } from '../../../src/dataset/dataset';
import type { ModelState } from '../../../src/models/types';
import type { FeatureInfo, Matrix } from '../../../src/preprocess/pipeline';
import { createRng } from '../../../src/random';

/** ROC AUC by ranks (ties averaged). */
export function auc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  const rank = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    for (let k = i; k <= j; k++) rank[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let pos = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) {
      pos++;
      sum += rank[i];
    }
  }
  return (sum - (pos * (pos + 1)) / 2) / (pos * (n - pos));
}

/**
 * A seeded classification/regression table: `d` normal features (some with missing
 * values), a category column, and a target that depends on all three kinds.
 */
export function syntheticRows(n: number, seed: number, opts: { d?: number; missing?: number; task?: 'binary' | 'multiclass' | 'regression' } = {}): Dataset {
  const d = opts.d ?? 6;
  const r = createRng(seed);
  const cols: Record<string, unknown[]> = { c: [], y: [] };
  for (let j = 0; j < d; j++) cols[`x${j}`] = [];
  const cats = ['a', 'b', 'c', 'd', 'e'];
  const effect = [0.8, -1.2, 0.1, 1.5, -0.6];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = r.normal();
      cols[`x${j}`].push(r.next() < (opts.missing ?? 0.05) ? null : v);
      s += (j < 3 ? 1 : 0.2) * v * (j === 2 ? v : 1);
    }
    const c = r.int(cats.length);
    cols.c.push(cats[c]);
    s += effect[c] + 0.5 * r.normal();
    if (opts.task === 'regression') cols.y.push(s);
    else if (opts.task === 'multiclass') cols.y.push(s < -0.5 ? 'low' : s < 1 ? 'mid' : 'high');
    else cols.y.push(s > 0.3 ? 'yes' : 'no');
  }
  return Dataset.fromColumns(cols);
}

/** A numeric matrix and its feature descriptions, for calling the family directly. */
export function numericMatrix(n: number, d: number, seed: number): { X: Matrix; y: Float64Array; features: FeatureInfo[] } {
  const r = createRng(seed);
  const data = new Float32Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = r.normal();
      data[i * d + j] = v;
      s += v * (j % 2 === 0 ? 1 : -0.5);
    }
    y[i] = s + 0.3 * r.normal() > 0 ? 1 : 0;
  }
  return { X: { data, rows: n, cols: d }, y, features: Array.from({ length: d }, (_, j) => ({ name: `f${j}`, source: `f${j}`, kind: 'numeric' as const })) };
}

/** The state's tensors by name. */
export function tensorsOf(state: ModelState): Record<string, ArrayLike<number>> {
  return Object.fromEntries(state.tensors.map((t) => [t.name, t.data]));
}

/**
 * A plain reading of the documented state layout (independent of the predictor's packed
 * form): the node index of the leaf row `x` reaches in tree `t`.
 */
export function referenceLeaf(state: ModelState, t: number, x: ArrayLike<number>): number {
  const a = tensorsOf(state);
  let i = a.tree_start[t];
  while (a.node_feature[i] >= 0) {
    const v = x[a.node_feature[i]];
    const flags = a.node_flags[i];
    let left: boolean;
    if (Number.isNaN(v)) left = (flags & 1) === 1;
    else if (flags & 2) {
      const words = a.cat_bitset;
      const c = v;
      const numCategories = (state.params.features as { numCategories?: number }[])[a.node_feature[i]].numCategories!;
      left = Number.isInteger(c) && c >= 0 && c < numCategories ? ((words[a.node_cat[i] + (c >>> 5)] >>> (c & 31)) & 1) === 1 : (flags & 1) === 1;
    } else left = v <= a.node_threshold[i];
    i = left ? a.node_left[i] : a.node_right[i];
  }
  return i;
}

/** Margins by the plain reading of the layout: base score plus leaf values per output. */
export function referenceMargins(state: ModelState, X: Float32Array, rows: number): Float64Array {
  const a = tensorsOf(state);
  const K = state.params.outputsPerRound as number;
  const F = state.numFeatures;
  const T = a.tree_start.length - 1;
  const out = new Float64Array(rows * K);
  for (let r = 0; r < rows; r++) {
    const x = X.subarray(r * F, (r + 1) * F);
    for (let k = 0; k < K; k++) out[r * K + k] = a.base_score[k];
    for (let t = 0; t < T; t++) out[r * K + (t % K)] += a.node_value[referenceLeaf(state, t, x)];
  }
  return out;
}

/** Depth of each tree and leaves per tree. */
export function treeShapes(state: ModelState): { depth: number; leaves: number }[] {
  const a = tensorsOf(state);
  const shapes: { depth: number; leaves: number }[] = [];
  for (let t = 0; t + 1 < a.tree_start.length; t++) {
    let depth = 0;
    let leaves = 0;
    const walk = (i: number, d: number): void => {
      if (a.node_feature[i] < 0) {
        leaves++;
        depth = Math.max(depth, d);
        return;
      }
      walk(a.node_left[i], d + 1);
      walk(a.node_right[i], d + 1);
    };
    walk(a.tree_start[t], 0);
    shapes.push({ depth, leaves });
  }
  return shapes;
}
