/**
 * Parameters of the `mlp` family: what a user may pass, the defaults, and validation.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import { suggestName } from '../param-names';

/** Activation of the hidden layers. */
export type MlpActivation = 'relu' | 'tanh' | 'sigmoid';

/**
 * How the learning rate changes per epoch: `'constant'`; `'step'` (multiply by `gamma`,
 * default 0.5, every `every` epochs, default 10); `'exponential'` (multiply by `gamma`,
 * default 0.95, every epoch); `'cosine'` (from the learning rate down to
 * `minLearningRate`, default 0, over `epochs`).
 */
export type LearningRateSchedule =
  | 'constant'
  | 'step'
  | 'exponential'
  | 'cosine'
  | { type: 'constant' }
  | { type: 'step'; every?: number; gamma?: number }
  | { type: 'exponential'; gamma?: number }
  | { type: 'cosine'; minLearningRate?: number };

/** Early stopping: stop when the monitored loss has not improved for `patience` epochs. */
export interface EarlyStoppingOptions {
  /**
   * Epochs without improvement before stopping (default 10). scikit-learn stops after
   * more than `n_iter_no_change` such epochs: `patience = n_iter_no_change + 1`.
   */
  patience?: number;
  /** Smallest decrease of the loss that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** With a validation set: return the weights of the best epoch (default true). */
  restoreBest?: boolean;
}

/** The `mlp` parameters as a user writes them in `Trainer({ model: { type: 'mlp', ... } })`. */
export interface MlpParamsInput {
  /** Units per hidden layer, input side first (default `[64]`; `[]` is a linear model). */
  hiddenLayers?: number[];
  /** Hidden activation (default `'relu'`). */
  activation?: MlpActivation;
  /** Fraction of hidden units dropped per batch while training, in [0, 1) (default 0). */
  dropout?: number;
  /** `'adam'` (default) or `'sgd'` (with momentum). */
  optimizer?: 'adam' | 'sgd';
  /** Initial learning rate (default 0.001 for adam, 0.01 for sgd). */
  learningRate?: number;
  /** Learning-rate schedule (default `'constant'`). */
  schedule?: LearningRateSchedule;
  /** SGD momentum in [0, 1) (default 0.9). */
  momentum?: number;
  /** SGD: Nesterov momentum (default false). */
  nesterov?: boolean;
  /** Adam's first-moment decay (default 0.9). */
  beta1?: number;
  /** Adam's second-moment decay (default 0.999). */
  beta2?: number;
  /** Adam's epsilon (default 1e-8). */
  epsilon?: number;
  /** Rows per gradient step (default 200, capped at the number of rows). */
  batchSize?: number;
  /** Maximum passes over the data (default 200). */
  epochs?: number;
  /**
   * L2 weight decay: `l2 / 2 · Σ W²` (weights, not biases) added to the mean loss of each
   * batch. scikit-learn's `alpha` is divided by the batch size: `alpha = l2 · batchSize`.
   * Default `1e-4 / batchSize`, scikit-learn's default `alpha = 1e-4`.
   */
  l2?: number;
  /**
   * Stop when the loss stops improving (default true: patience 10, minDelta 1e-4). The
   * validation loss is watched when a validation set is given, else the training loss.
   * `false` always runs `epochs`.
   */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Reshuffle the rows every epoch (default true). */
  shuffle?: boolean;
}

/** A schedule with every field resolved. */
export type ResolvedSchedule =
  | { type: 'constant' }
  | { type: 'step'; every: number; gamma: number }
  | { type: 'exponential'; gamma: number }
  | { type: 'cosine'; minLearningRate: number };

/** The parameters with defaults applied. @internal */
export interface MlpParams {
  hiddenLayers: number[];
  activation: MlpActivation;
  dropout: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  schedule: ResolvedSchedule;
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
  batchSize: number;
  epochs: number;
  l2: number;
  earlyStopping: false | Required<EarlyStoppingOptions>;
  shuffle: boolean;
}

const KEYS = new Set([
  'hiddenLayers',
  'activation',
  'dropout',
  'optimizer',
  'learningRate',
  'schedule',
  'momentum',
  'nesterov',
  'beta1',
  'beta2',
  'epsilon',
  'batchSize',
  'epochs',
  'l2',
  'earlyStopping',
  'shuffle',
]);

function bad(name: string, expected: string, got: unknown): never {
  throw new MlopsError('TRAIN_INVALID_PARAMS', `mlp: \`${name}\` must be ${expected}, got ${JSON.stringify(got) ?? String(got)}.`, { details: { parameter: name, value: got as never } });
}

function num(p: Record<string, unknown>, name: string, def: number, ok: (v: number) => boolean, expected: string): number {
  const v = p[name];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) bad(name, expected, v);
  return v;
}

function int(p: Record<string, unknown>, name: string, def: number, min: number, max: number): number {
  return num(p, name, def, (v) => Number.isInteger(v) && v >= min && v <= max, `an integer from ${min} to ${max}`);
}

function bool(p: Record<string, unknown>, name: string, def: boolean): boolean {
  const v = p[name];
  if (v === undefined) return def;
  if (typeof v !== 'boolean') bad(name, 'true or false', v);
  return v;
}

function schedule(v: unknown): ResolvedSchedule {
  const spec = typeof v === 'string' ? { type: v } : v;
  if (spec === undefined) return { type: 'constant' };
  if (spec === null || typeof spec !== 'object') bad('schedule', "'constant', 'step', 'exponential', 'cosine' or an object with a `type`", v);
  const s = spec as Record<string, unknown>;
  const allowed: Record<string, string[]> = { constant: [], step: ['every', 'gamma'], exponential: ['gamma'], cosine: ['minLearningRate'] };
  const type = s.type as string;
  if (!Object.hasOwn(allowed, type)) bad('schedule.type', "'constant', 'step', 'exponential' or 'cosine'", s.type);
  for (const k of Object.keys(s)) if (k !== 'type' && !allowed[type].includes(k)) bad(`schedule.${k}`, `one of the ${type} schedule's options (${allowed[type].join(', ') || 'none'})`, k);
  switch (type) {
    case 'step':
      return { type, every: int(s, 'every', 10, 1, 1e6), gamma: num(s, 'gamma', 0.5, (x) => x > 0 && x <= 1, 'a number in (0, 1]') };
    case 'exponential':
      return { type, gamma: num(s, 'gamma', 0.95, (x) => x > 0 && x <= 1, 'a number in (0, 1]') };
    case 'cosine':
      return { type, minLearningRate: num(s, 'minLearningRate', 0, (x) => x >= 0, 'a number >= 0') };
    default:
      return { type: 'constant' };
  }
}

/** Validates the user's parameters and applies defaults; throws `TRAIN_INVALID_PARAMS`. @internal */
export function validateMlpParams(params: Record<string, unknown>): MlpParams {
  for (const k of Object.keys(params)) {
    if (!KEYS.has(k)) {
      const near = suggestName(k, [...KEYS]);
      throw new MlopsError('TRAIN_INVALID_PARAMS', `mlp: unknown parameter \`${k}\`.${near !== undefined ? ` Did you mean \`${near}\`?` : ''} Known parameters: ${[...KEYS].join(', ')}.`, {
        details: { parameter: k, suggestion: near },
      });
    }
  }
  const hidden = params.hiddenLayers ?? [64];
  if (!Array.isArray(hidden) || hidden.length > 32 || !hidden.every((h) => Number.isInteger(h) && h >= 1 && h <= 65536)) {
    bad('hiddenLayers', 'an array of at most 32 layer sizes, each an integer from 1 to 65536 (e.g. [64, 32])', hidden);
  }
  const activation = params.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'tanh' && activation !== 'sigmoid') bad('activation', "'relu', 'tanh' or 'sigmoid'", activation);
  const optimizer = params.optimizer ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'sgd') bad('optimizer', "'adam' or 'sgd'", optimizer);
  const es = params.earlyStopping ?? true;
  let earlyStopping: MlpParams['earlyStopping'] = false;
  if (es === true || (typeof es === 'object' && es !== null && !Array.isArray(es))) {
    const o = (es === true ? {} : es) as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!['patience', 'minDelta', 'restoreBest'].includes(k)) bad(`earlyStopping.${k}`, 'one of patience, minDelta, restoreBest', k);
    earlyStopping = {
      patience: int(o, 'patience', 10, 1, 1e6),
      minDelta: num(o, 'minDelta', 1e-4, (x) => x >= 0, 'a number >= 0'),
      restoreBest: bool(o, 'restoreBest', true),
    };
  } else if (es !== false) {
    bad('earlyStopping', 'true, false or { patience, minDelta, restoreBest }', es);
  }
  const batchSize = int(params, 'batchSize', 200, 1, 1 << 20);
  return {
    hiddenLayers: [...(hidden as number[])],
    activation,
    dropout: num(params, 'dropout', 0, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
    optimizer,
    learningRate: num(params, 'learningRate', optimizer === 'adam' ? 1e-3 : 1e-2, (x) => x > 0 && x <= 10, 'a number in (0, 10]'),
    schedule: schedule(params.schedule),
    momentum: num(params, 'momentum', 0.9, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
    nesterov: bool(params, 'nesterov', false),
    beta1: num(params, 'beta1', 0.9, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
    beta2: num(params, 'beta2', 0.999, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
    epsilon: num(params, 'epsilon', 1e-8, (x) => x > 0, 'a number > 0'),
    batchSize,
    epochs: int(params, 'epochs', 200, 1, 1e6),
    l2: num(params, 'l2', 1e-4 / batchSize, (x) => x >= 0, 'a number >= 0'),
    earlyStopping,
    shuffle: bool(params, 'shuffle', true),
  };
}

/** The learning rate of 0-based `epoch`. @internal */
export function learningRateAt(p: Pick<MlpParams, 'learningRate' | 'schedule' | 'epochs'>, epoch: number): number {
  const s = p.schedule;
  switch (s.type) {
    case 'step':
      return p.learningRate * s.gamma ** Math.floor(epoch / s.every);
    case 'exponential':
      return p.learningRate * s.gamma ** epoch;
    case 'cosine':
      return s.minLearningRate + 0.5 * (p.learningRate - s.minLearningRate) * (1 + Math.cos((Math.PI * epoch) / p.epochs));
    default:
      return p.learningRate;
  }
}
