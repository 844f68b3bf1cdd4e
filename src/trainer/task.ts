/**
 * Which kind of task a training run is, decided before any class is counted: shared by
 * the Trainer (to encode the target) and cross-validation (to stratify the folds).
 *
 * @module
 */
import type { ColumnType } from '../dataset/column';
import type { ModelType } from '../models/types';

/** The values `model.task` may take. @internal */
export const TASK_PARAMS = ['regression', 'classification', 'binary', 'multiclass'] as const;

/**
 * Regression or classification: an explicit `task` wins; `linear` is regression,
 * `logistic` and `softmax` classification; other families follow the target column (a
 * number column is regression, anything else classification).
 * @internal
 */
export function taskKind(type: ModelType, taskParam: string | undefined, targetType: ColumnType): 'regression' | 'classification' {
  if (taskParam === 'regression') return 'regression';
  if (taskParam !== undefined) return 'classification';
  if (type === 'linear') return 'regression';
  if (type === 'logistic' || type === 'softmax') return 'classification';
  return targetType === 'number' ? 'regression' : 'classification';
}
