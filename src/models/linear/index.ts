/**
 * The `linear` model family. (Not yet implemented.)
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelFamily } from '../types';

/** The `linear` family. */
export const linearFamily: ModelFamily = {
  type: 'linear',
  tasks: [],
  defaultPreprocess: {},
  usesBackend: false,
  validateParams: (params) => params,
  fit: () => Promise.reject(new MlopsError('NOT_IMPLEMENTED', 'The linear family is not available yet.')),
  load: () => {
    throw new MlopsError('NOT_IMPLEMENTED', 'The linear family is not available yet.');
  },
};
