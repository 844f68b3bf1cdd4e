/**
 * Reading and checking the saved state of the linear model families. A state that does
 * not have exactly the expected tensors (name, dtype, shape, finite values) is rejected
 * with `ARTIFACT_CORRUPT` before any prediction is made.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelState, NamedTensor, Task } from '../types';

/** An `ARTIFACT_CORRUPT` error for a malformed state of `type`. */
export function corruptState(type: string, message: string, details?: Record<string, unknown>): MlopsError {
  return new MlopsError('ARTIFACT_CORRUPT', `The ${type} model state is malformed: ${message}. The artifact is damaged or was not written by mlops-kit; re-export the model.`, {
    details: { type, ...details },
  });
}

/**
 * Checks the state's header: family, task, feature count and (classification) the
 * number of classes. Returns `numFeatures`.
 */
export function checkHeader(state: ModelState, type: string, task: Task, numClasses?: 'two' | 'two-or-more'): number {
  if (typeof state !== 'object' || state === null) throw corruptState(type, 'it is not an object');
  if (state.type !== type) throw corruptState(type, `its type is ${JSON.stringify(state.type)}`);
  if (state.task !== task) throw corruptState(type, `its task is ${JSON.stringify(state.task)}, expected '${task}'`);
  const d = state.numFeatures;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw corruptState(type, `numFeatures is ${String(d)}`);
  if (numClasses !== undefined) {
    const k = Array.isArray(state.classes) ? state.classes.length : -1;
    if (numClasses === 'two' ? k !== 2 : k < 2) throw corruptState(type, `it has ${k < 0 ? 'no' : k} classes`);
  }
  if (!Array.isArray(state.tensors)) throw corruptState(type, 'tensors is not an array');
  if (typeof state.params !== 'object' || state.params === null) throw corruptState(type, 'params is not an object');
  return d;
}

/** The float64 tensor `name` of the given shape, with finite values. */
export function readFloat64(state: ModelState, name: string, shape: readonly number[]): Float64Array {
  const matches = state.tensors.filter((t: NamedTensor) => t?.name === name);
  if (matches.length !== 1) throw corruptState(state.type, `it has ${matches.length} tensors named "${name}" (expected 1)`, { tensor: name });
  const t = matches[0];
  if (t.dtype !== 'float64' || !(t.data instanceof Float64Array)) {
    throw corruptState(state.type, `tensor "${name}" has dtype ${String(t.dtype)} (expected float64)`, { tensor: name });
  }
  if (!Array.isArray(t.shape) || t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i])) {
    throw corruptState(state.type, `tensor "${name}" has shape [${String(t.shape)}] (expected [${shape.join(', ')}])`, { tensor: name });
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== size) throw corruptState(state.type, `tensor "${name}" holds ${t.data.length} values (expected ${size})`, { tensor: name });
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(t.data[i])) throw corruptState(state.type, `tensor "${name}" has a non-finite value at ${i}`, { tensor: name, index: i });
  }
  return t.data;
}

/** Checks the buffers passed to `predictMatrix` and returns the output buffer. */
export function predictionBuffers(X: Float32Array, rows: number, numFeatures: number, width: number, out: Float64Array | undefined): Float64Array {
  if (!Number.isInteger(rows) || rows < 0 || X.length < rows * numFeatures) {
    throw new MlopsError('PREDICT_INVALID_INPUT', `predictMatrix: X holds ${X.length} values, fewer than ${rows} rows x ${numFeatures} features.`);
  }
  if (out === undefined) return new Float64Array(rows * width);
  if (out.length < rows * width) throw new MlopsError('INVALID_ARGUMENT', `predictMatrix: out holds ${out.length} values; it needs ${rows * width}.`);
  return out;
}
