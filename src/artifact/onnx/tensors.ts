/**
 * Reading a model state's tensors for export.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelState, TensorData } from '../../models/types';

/** The tensor `name` of `state`, checked against `shape` when given. Throws `ONNX_EXPORT`. */
export function tensorOf(state: ModelState, name: string, shape?: readonly number[]): TensorData {
  const t = state.tensors.find((x) => x.name === name);
  if (t === undefined) throw new MlopsError('ONNX_EXPORT', `The ${state.type} model has no "${name}" tensor; this state layout cannot be exported.`);
  if (shape !== undefined && (t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i]))) {
    throw new MlopsError('ONNX_EXPORT', `The ${state.type} model's "${name}" tensor has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}].`);
  }
  return t.data;
}
