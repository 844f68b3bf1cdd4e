/**
 * The `gbdt` family as ONNX (layout in src/models/gbdt/predictor.ts): one
 * `ai.onnx.ml.TreeEnsembleRegressor` (opset 3, double thresholds and leaf values as
 * tensors) computes the K margins, then `Sigmoid` (binary) or `Softmax` (multiclass).
 *
 * Numeric nodes are `BRANCH_LEQ` on the float32 threshold, with
 * `nodes_missing_value_tracks_true` from the node's default-left flag. A categorical
 * (set membership) node becomes an indicator column computed before the ensemble:
 * `Gather` of the category code in a constant 0/1 table (`NaN` for a missing code), and
 * the node tests `indicator > 0.5`, a missing indicator following the default direction.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelState } from '../../models/types';
import { type GraphBuilder, ML } from './graph';
import { DataType } from './proto';
import { tensorOf } from './tensors';

const DEFAULT_LEFT = 1;
const CATEGORICAL = 2;

/** Adds the ensemble; returns the double output feeding the head. */
export function buildGbdt(g: GraphBuilder, X: string, state: ModelState): string {
  const p = state.params as { outputsPerRound?: number; objective?: string; features?: Array<{ kind: string; numCategories?: number }> };
  const K = p.outputsPerRound ?? 1;
  const F = state.numFeatures;
  const base = tensorOf(state, 'base_score', [K]);
  const treeStart = tensorOf(state, 'tree_start') as Int32Array;
  const feature = tensorOf(state, 'node_feature') as Int32Array;
  const threshold = tensorOf(state, 'node_threshold') as Float32Array;
  const left = tensorOf(state, 'node_left') as Int32Array;
  const right = tensorOf(state, 'node_right') as Int32Array;
  const flags = tensorOf(state, 'node_flags') as Uint8Array;
  const cat = tensorOf(state, 'node_cat') as Int32Array;
  const bitset = tensorOf(state, 'cat_bitset') as Uint32Array;
  const value = tensorOf(state, 'node_value') as Float64Array;

  // Categorical split nodes, grouped by feature: each becomes an indicator column.
  const splitsByFeature = new Map<number, number[]>();
  for (let i = 0; i < feature.length; i++) {
    if (feature[i] >= 0 && (flags[i] & CATEGORICAL) !== 0) {
      const list = splitsByFeature.get(feature[i]) ?? [];
      list.push(i);
      splitsByFeature.set(feature[i], list);
    }
  }
  const indicatorColumn = new Map<number, number>();
  const columns = [X];
  let width = F;
  for (const [f, nodes] of splitsByFeature) {
    const n = p.features?.[f]?.numCategories;
    if (n === undefined || !Number.isInteger(n) || n < 1) throw new MlopsError('ONNX_EXPORT', `gbdt feature ${f} has categorical splits but no category count.`);
    // Row c: membership of code c for every split node on f; row n: missing (NaN).
    const table = new Float32Array((n + 1) * nodes.length);
    nodes.forEach((node, j) => {
      for (let c = 0; c < n; c++) table[c * nodes.length + j] = (bitset[cat[node] + (c >>> 5)] >>> (c & 31)) & 1;
      table[n * nodes.length + j] = NaN;
      indicatorColumn.set(node, width + j);
    });
    width += nodes.length;
    const code = g.op('Gather', [X, g.constant('feature', DataType.INT64, [1], [f])], { axis: { i: 1 } });
    const safe = g.op('Where', [g.op('IsNaN', [code]), g.constant('missing_code', DataType.FLOAT, [], [n]), code]);
    const index = g.op('Cast', [g.op('Reshape', [safe, g.constant('shape', DataType.INT64, [1], [-1])])], { to: { i: DataType.INT64 } });
    columns.push(g.op('Gather', [g.constant('membership', DataType.FLOAT, [n + 1, nodes.length], table), index], { axis: { i: 0 } }));
  }
  const features = columns.length === 1 ? X : g.op('Concat', columns, { axis: { i: 1 } });

  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTrue: number[] = [];
  const targetTree: number[] = [];
  const targetNode: number[] = [];
  const targetId: number[] = [];
  const weights: number[] = [];
  const T = treeStart.length - 1;
  for (let t = 0; t < T; t++) {
    const a = treeStart[t];
    for (let i = a; i < treeStart[t + 1]; i++) {
      treeIds.push(t);
      nodeIds.push(i - a);
      if (feature[i] < 0) {
        featureIds.push(0);
        modes.push('LEAF');
        values.push(0);
        trueIds.push(0);
        falseIds.push(0);
        missingTrue.push(0);
        targetTree.push(t);
        targetNode.push(i - a);
        targetId.push(t % K);
        weights.push(value[i]);
        continue;
      }
      const categorical = (flags[i] & CATEGORICAL) !== 0;
      featureIds.push(categorical ? indicatorColumn.get(i)! : feature[i]);
      modes.push(categorical ? 'BRANCH_GT' : 'BRANCH_LEQ');
      values.push(categorical ? 0.5 : threshold[i]);
      trueIds.push(left[i] - a);
      falseIds.push(right[i] - a);
      missingTrue.push(flags[i] & DEFAULT_LEFT);
    }
  }
  const margins = g.typedOp(
    'TreeEnsembleRegressor',
    [g.op('Cast', [features], { to: { i: DataType.DOUBLE } })],
    DataType.FLOAT,
    ['N', K],
    {
      n_targets: { i: K },
      aggregate_function: { s: 'SUM' },
      post_transform: { s: 'NONE' },
      base_values_as_tensor: { t: { name: 'base_values', type: DataType.DOUBLE, dims: [K], values: base } },
      nodes_treeids: { ints: treeIds },
      nodes_nodeids: { ints: nodeIds },
      nodes_featureids: { ints: featureIds },
      nodes_modes: { strings: modes },
      nodes_values_as_tensor: { t: { name: 'nodes_values', type: DataType.DOUBLE, dims: [values.length], values } },
      nodes_truenodeids: { ints: trueIds },
      nodes_falsenodeids: { ints: falseIds },
      nodes_missing_value_tracks_true: { ints: missingTrue },
      target_treeids: { ints: targetTree },
      target_nodeids: { ints: targetNode },
      target_ids: { ints: targetId },
      target_weights_as_tensor: { t: { name: 'target_weights', type: DataType.DOUBLE, dims: [weights.length], values: weights } },
    },
    ML,
  );
  const z = g.op('Cast', [margins], { to: { i: DataType.DOUBLE } });
  if (p.objective === 'logistic') return g.op('Sigmoid', [z]);
  if (p.objective === 'softmax') return g.op('Softmax', [z], { axis: { i: 1 } });
  return z;
}
