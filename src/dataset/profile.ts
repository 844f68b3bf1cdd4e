/**
 * Dataset profiles: JSON-serialisable reference statistics. (Being replaced.)
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { Dataset } from './dataset';

/** Options for {@link profileDataset}. */
export interface ProfileOptions {
  /** Histogram bins for numeric columns (default 20). */
  bins?: number;
}

/** Reference statistics of a whole dataset. */
export interface DatasetProfile {
  /** Profile format version. */
  version: 1;
  /** Rows profiled. */
  rows: number;
  /** One entry per column. */
  columns: Record<string, unknown>;
}

/** @internal */
export function profileDataset(_ds: Dataset, _options: ProfileOptions): DatasetProfile {
  throw new MlopsError('NOT_IMPLEMENTED', 'profile() is not available yet.');
}
