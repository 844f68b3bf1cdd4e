/**
 * Parameters of the `gbdt` family: names, defaults and validation.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { MlopsError } from '../../errors';
import { suggestName } from '../param-names';
import type { Task } from '../types';

/** Training objective (loss). */
export type GbdtObjective = 'logistic' | 'softmax' | 'squared' | 'absolute' | 'huber';

/** How trees grow. */
export type GrowPolicy = 'depthwise' | 'lossguide';

/**
 * Parameters of `{ type: 'gbdt' }` models. Every field is optional; defaults follow
 * XGBoost where the two libraries agree on the meaning.
 */
export interface GbdtParams {
  /** Boosting rounds (trees per output). Default 100. */
  numTrees?: number;
  /** Shrinkage applied to every tree's leaf values. Default 0.1. */
  learningRate?: number;
  /**
   * `'depthwise'` (default) grows level by level, as XGBoost; `'lossguide'` always splits
   * the leaf with the largest gain, as LightGBM.
   */
  growPolicy?: GrowPolicy;
  /** Maximum tree depth; 0 means no limit (lossguide only). Default 6. */
  maxDepth?: number;
  /** Maximum leaves per tree; 0 means no limit (depthwise only). Default 0, or 31 with lossguide. */
  maxLeaves?: number;
  /** Minimum training rows in a leaf. Default 1. */
  minSamplesLeaf?: number;
  /** Minimum hessian sum in a leaf (XGBoost's min_child_weight). Default 1. */
  minChildWeight?: number;
  /** L2 regularisation of leaf values (XGBoost's lambda). Default 1. */
  lambda?: number;
  /** Minimum loss reduction to split (XGBoost's gamma, min_split_loss). Default 0. */
  minSplitGain?: number;
  /** Histogram bins per numeric feature, 2..255. Default 255. */
  maxBins?: number;
  /** Fraction of rows sampled for each tree, (0, 1]. Default 1. */
  subsample?: number;
  /** Fraction of features sampled for each tree, (0, 1]. Default 1. */
  colsampleByTree?: number;
  /** Fraction of the tree's features sampled for each split, (0, 1]. Default 1. */
  colsampleByNode?: number;
  /**
   * Loss: `'logistic'` (binary), `'softmax'` (multiclass), `'squared'`, `'absolute'` or
   * `'huber'` (regression). Default: logistic, softmax or squared by task.
   */
  objective?: GbdtObjective;
  /**
   * Huber only: residuals larger than this count linearly. Default: the 0.9 quantile of
   * |y - median(y)| on the training rows.
   */
  huberDelta?: number;
  /**
   * Stop when the validation loss has not improved for this many rounds; the model keeps
   * the best round. Used when a validation set is given or `validationFraction` is set.
   * 0 records the validation loss without stopping. Default 10.
   */
  earlyStoppingRounds?: number;
  /**
   * Hold out this fraction of the training rows (stratified for classification) as the
   * early-stopping set when `fit` gets no validation set. Default 0 (none).
   */
  validationFraction?: number;
  /** Categorical splits: smoothing added to the hessian when ordering categories. Default 10. */
  catSmooth?: number;
  /**
   * Threads used to train (the calling thread plus workers). Default: the number of
   * CPUs (`os.availableParallelism()`). The model is identical for any value.
   */
  threads?: number;
}

/** Parameters after defaults. @internal */
export type ResolvedGbdtParams = Required<Omit<GbdtParams, 'huberDelta'>> & { huberDelta?: number };

const KEYS: readonly (keyof GbdtParams)[] = [
  'numTrees',
  'learningRate',
  'growPolicy',
  'maxDepth',
  'maxLeaves',
  'minSamplesLeaf',
  'minChildWeight',
  'lambda',
  'minSplitGain',
  'maxBins',
  'subsample',
  'colsampleByTree',
  'colsampleByNode',
  'objective',
  'huberDelta',
  'earlyStoppingRounds',
  'validationFraction',
  'catSmooth',
  'threads',
];

function invalid(name: string, message: string, value: unknown): never {
  throw new MlopsError('TRAIN_INVALID_PARAMS', `gbdt: \`${name}\` ${message} (got ${JSON.stringify(value) ?? String(value)}).`, {
    details: { parameter: name, value: typeof value === 'number' || typeof value === 'string' ? value : String(value) },
  });
}

function int(p: Record<string, unknown>, name: keyof GbdtParams, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = p[name];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    invalid(name, `must be an integer${max === Number.MAX_SAFE_INTEGER ? ` >= ${min}` : ` in ${min}..${max}`}`, v);
  }
  return v;
}

function num(p: Record<string, unknown>, name: keyof GbdtParams, def: number, min: number, max: number, minOpen = false): number {
  const v = p[name];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || (minOpen ? v <= min : v < min) || v > max) {
    invalid(name, `must be a number in ${minOpen ? '(' : '['}${min}, ${max === Infinity ? 'Infinity)' : `${max}]`}`, v);
  }
  return v;
}

/**
 * Checks and completes gbdt parameters; throws `TRAIN_INVALID_PARAMS` naming the
 * parameter (and the closest known name for a typo).
 * @internal
 */
export function resolveGbdtParams(params: Record<string, unknown>, task: Task): ResolvedGbdtParams {
  if (typeof params !== 'object' || params === null) invalid('params', 'must be an object', params);
  for (const key of Object.keys(params)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      const near = suggestName(key, KEYS);
      const hint = near !== undefined ? ` Did you mean \`${near}\`?` : '';
      throw new MlopsError('TRAIN_INVALID_PARAMS', `gbdt: unknown parameter \`${key}\`.${hint} Known parameters: ${KEYS.join(', ')}.`, {
        details: { parameter: key, suggestion: near },
      });
    }
  }
  const growPolicy = params.growPolicy ?? 'depthwise';
  if (growPolicy !== 'depthwise' && growPolicy !== 'lossguide') invalid('growPolicy', "must be 'depthwise' or 'lossguide'", growPolicy);
  const allowed: readonly GbdtObjective[] = task === 'binary' ? ['logistic'] : task === 'multiclass' ? ['softmax'] : ['squared', 'absolute', 'huber'];
  const objective = (params.objective ?? allowed[0]) as GbdtObjective;
  if (!allowed.includes(objective)) invalid('objective', `must be ${allowed.map((o) => `'${o}'`).join(' or ')} for a ${task} target`, params.objective);
  const maxDepth = int(params, 'maxDepth', 6, 0, 64);
  const maxLeaves = int(params, 'maxLeaves', growPolicy === 'lossguide' ? 31 : 0, 0, 1 << 16);
  if (maxLeaves === 1) invalid('maxLeaves', 'must be 0 (no limit) or at least 2', maxLeaves);
  if (growPolicy === 'depthwise' && maxDepth === 0) invalid('maxDepth', "must be at least 1 with growPolicy 'depthwise' (0 means no limit, for 'lossguide')", maxDepth);
  if (growPolicy === 'lossguide' && maxLeaves === 0) invalid('maxLeaves', "must be at least 2 with growPolicy 'lossguide'", maxLeaves);
  const huberDelta = params.huberDelta === undefined ? undefined : num(params, 'huberDelta', 1, 0, Infinity, true);
  if (huberDelta !== undefined && objective !== 'huber') invalid('huberDelta', "applies to objective 'huber' only", huberDelta);
  return {
    numTrees: int(params, 'numTrees', 100, 1, 100_000),
    learningRate: num(params, 'learningRate', 0.1, 0, 10, true),
    growPolicy,
    maxDepth,
    maxLeaves,
    minSamplesLeaf: int(params, 'minSamplesLeaf', 1, 1),
    minChildWeight: num(params, 'minChildWeight', 1, 0, Infinity),
    lambda: num(params, 'lambda', 1, 0, Infinity),
    minSplitGain: num(params, 'minSplitGain', 0, 0, Infinity),
    maxBins: int(params, 'maxBins', 255, 2, 255),
    subsample: num(params, 'subsample', 1, 0, 1, true),
    colsampleByTree: num(params, 'colsampleByTree', 1, 0, 1, true),
    colsampleByNode: num(params, 'colsampleByNode', 1, 0, 1, true),
    objective,
    huberDelta,
    earlyStoppingRounds: int(params, 'earlyStoppingRounds', 10, 0),
    validationFraction: num(params, 'validationFraction', 0, 0, 0.9),
    catSmooth: num(params, 'catSmooth', 10, 0, Infinity),
    threads: int(params, 'threads', availableParallelism(), 1, 256),
  };
}
