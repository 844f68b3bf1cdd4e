/**
 * The `gbdt` model family. (Not yet implemented.)
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { ModelFamily } from '../types';

/** The `gbdt` family. */
export const gbdtFamily: ModelFamily = {
  type: 'gbdt',
  tasks: [],
  defaultPreprocess: {},
  usesBackend: false,
  validateParams: (params) => params,
  fit: () => Promise.reject(new MlopsError('NOT_IMPLEMENTED', 'The gbdt family is not available yet.')),
  load: () => {
    throw new MlopsError('NOT_IMPLEMENTED', 'The gbdt family is not available yet.');
  },
};
