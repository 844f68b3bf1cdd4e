/**
 * The {@link BackendHandle} a training run receives.
 *
 * @module
 */
import type { BackendHandle } from './types';
import type { Matrix } from '../preprocess/pipeline';
import { JsDesignMatrix } from './js-matrix';
import { backendHandleFor } from './registry';

/** The handle for families that use no backend (their run record says `js`). @internal */
export const JS_BACKEND: BackendHandle = {
  name: 'js',
  kind: 'js',
  matrix: (X: Matrix) => new JsDesignMatrix(X),
};

/**
 * The handle for the Trainer's `backend` option: a name (`'auto'` is selected once and
 * reused), or undefined for the backend chosen by the last `useBackend` call, else `cpu`.
 * Throws `BACKEND_NOT_FOUND` / `BACKEND_UNAVAILABLE` / `DEPENDENCY_MISSING`.
 * @internal
 */
export function resolveBackendHandle(name?: string): Promise<BackendHandle> {
  return backendHandleFor(name);
}
