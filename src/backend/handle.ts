/**
 * Resolving the compute backend for a training run. (Until the backend registry lands,
 * every family runs on the SDK's own typed-array kernels.)
 *
 * @module
 */
import type { BackendHandle } from '../models/types';
import type { Matrix } from '../preprocess/pipeline';
import { JsDesignMatrix } from './js-matrix';

/** The handle for the SDK's own kernels. @internal */
export const JS_BACKEND: BackendHandle = {
  name: 'js',
  kind: 'js',
  matrix: (X: Matrix) => new JsDesignMatrix(X),
};

/** @internal */
export async function resolveBackendHandle(_name?: string): Promise<BackendHandle> {
  return JS_BACKEND;
}
