/**
 * Linear families as ONNX, in double precision: `Cast(X, double)`, `MatMul` with the
 * coefficients, `Add` the intercept, then `Sigmoid` (logistic) or `Softmax` (softmax).
 *
 * Reads the layouts documented in src/models/{linear,logistic,softmax}/predictor.ts:
 * linear and logistic have `coef` `[d]` and `intercept` `[1]`; softmax has `coef`
 * `[d, k]` and `intercept` `[k]`.
 *
 * @module
 */
import type { ModelState } from '../../models/types';
import type { GraphBuilder } from './graph';
import { DataType } from './proto';
import { tensorOf } from './tensors';

/** Adds the model; returns the double score feeding the output head. */
export function buildLinear(g: GraphBuilder, X: string, state: ModelState): string {
  const d = state.numFeatures;
  const k = state.type === 'softmax' ? state.classes!.length : 1;
  const coef = tensorOf(state, 'coef', k === 1 ? [d] : [d, k]);
  const intercept = tensorOf(state, 'intercept', [k]);
  const W = g.constant('coef', DataType.DOUBLE, [d, k], coef);
  const b = g.constant('intercept', DataType.DOUBLE, [k], intercept);
  const z = g.op('Add', [g.op('MatMul', [g.op('Cast', [X], { to: { i: DataType.DOUBLE } }), W]), b]);
  if (state.type === 'logistic') return g.op('Sigmoid', [z]);
  if (state.type === 'softmax') return g.op('Softmax', [z], { axis: { i: 1 } });
  return z;
}
