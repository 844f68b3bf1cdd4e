/**
 * The `mlp` model family. (Not yet implemented.)
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelFamily } from '../types';

/** The `mlp` family. */
export const mlpFamily: ModelFamily = {
  type: 'mlp',
  tasks: [],
  defaultPreprocess: {},
  usesBackend: false,
  validateParams: (params) => params,
  fit: () => Promise.reject(new MlopsError('NOT_IMPLEMENTED', 'The mlp family is not available yet.')),
  load: () => {
    throw new MlopsError('NOT_IMPLEMENTED', 'The mlp family is not available yet.');
  },
};
