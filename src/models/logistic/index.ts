/**
 * The `logistic` model family. (Not yet implemented.)
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelFamily } from '../types';

/** The `logistic` family. */
export const logisticFamily: ModelFamily = {
  type: 'logistic',
  tasks: [],
  defaultPreprocess: {},
  usesBackend: false,
  validateParams: (params) => params,
  fit: () => Promise.reject(new MlopsError('NOT_IMPLEMENTED', 'The logistic family is not available yet.')),
  load: () => {
    throw new MlopsError('NOT_IMPLEMENTED', 'The logistic family is not available yet.');
  },
};
