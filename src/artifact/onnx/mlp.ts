/**
 * The `mlp` family as ONNX (layout in src/models/mlp/predictor.ts): in double precision,
 * a chain of `Gemm(h, W{l}, b{l})` each followed by the hidden activation (`Relu`,
 * `Tanh`, `Sigmoid`), the last by the output function (`Sigmoid`, `Softmax`, or none),
 * then `z · scale + mean` for regression.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelState } from '../../models/types';
import type { GraphBuilder } from './graph';
import { DataType } from './proto';
import { tensorOf } from './tensors';

const ACTIVATION_OPS: Record<string, string> = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid' };

/** Adds the network; returns the double output feeding the head. */
export function buildMlp(g: GraphBuilder, X: string, state: ModelState): string {
  const p = state.params as { layers?: number[]; activations?: string[]; output?: string; target?: { mean: number; scale: number } };
  const layers = p.layers!;
  const L = layers.length - 1;
  let h = g.op('Cast', [X], { to: { i: DataType.DOUBLE } });
  for (let l = 0; l < L; l++) {
    const W = g.constant(`W${l}`, DataType.DOUBLE, [layers[l], layers[l + 1]], tensorOf(state, `W${l}`, [layers[l], layers[l + 1]]));
    const b = g.constant(`b${l}`, DataType.DOUBLE, [layers[l + 1]], tensorOf(state, `b${l}`, [layers[l + 1]]));
    h = g.op('Gemm', [h, W, b]);
    const act = l < L - 1 ? p.activations![l] : p.output;
    if (act === 'softmax') h = g.op('Softmax', [h], { axis: { i: 1 } });
    else if (act !== 'identity') {
      const op = ACTIVATION_OPS[act ?? ''];
      if (op === undefined) throw new MlopsError('ONNX_EXPORT', `The mlp activation ${JSON.stringify(act)} has no ONNX equivalent here.`);
      h = g.op(op, [h]);
    }
  }
  if (p.target !== undefined) {
    h = g.op('Add', [g.op('Mul', [h, g.constant('target_scale', DataType.DOUBLE, [], [p.target.scale])]), g.constant('target_mean', DataType.DOUBLE, [], [p.target.mean])]);
  }
  return h;
}
