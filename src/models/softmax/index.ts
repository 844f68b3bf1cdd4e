/**
 * The `softmax` model family. (Not yet implemented.)
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelFamily } from '../types';

/** The `softmax` family. */
export const softmaxFamily: ModelFamily = {
  type: 'softmax',
  tasks: [],
  defaultPreprocess: {},
  usesBackend: false,
  validateParams: (params) => params,
  fit: () => Promise.reject(new MlopsError('NOT_IMPLEMENTED', 'The softmax family is not available yet.')),
  load: () => {
    throw new MlopsError('NOT_IMPLEMENTED', 'The softmax family is not available yet.');
  },
};
