/**
 * Input validation and label encoding shared by every metric.
 *
 * Metric functions accept plain arrays or typed arrays. Labels are numbers, strings or
 * booleans (one kind per call); scores and probabilities are finite numbers. Every
 * problem is a `METRIC_INVALID_INPUT` error naming the argument, the index and the value.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { ClassLabel } from '../models/types';

/** A column of class labels: an array of numbers, strings or booleans, or a typed array. */
export type LabelArray = readonly ClassLabel[] | ArrayLike<number>;

/**
 * A score matrix with one row per sample and one column per class: an array of rows, or
 * a flat row-major array with its column count (the layout of `Predictions.probabilities`).
 */
export type ScoreMatrix = readonly ArrayLike<number>[] | { readonly data: ArrayLike<number>; readonly cols: number };

/** Options every weighted metric accepts. */
export interface WeightOptions {
  /** One non-negative finite weight per sample (default: all 1). */
  sampleWeight?: ArrayLike<number>;
}

/**
 * Rows of a probability matrix may differ from 1 by this much (absolute), as
 * `numpy.allclose` allows in scikit-learn's multiclass ROC AUC check.
 */
export const PROBABILITY_SUM_TOLERANCE = 1e-5;

const SHOWN = 60;

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > SHOWN ? `${value.slice(0, SHOWN)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Object.prototype.toString.call(value);
}

/** A `METRIC_INVALID_INPUT` error. @internal */
export function invalidInput(message: string, details?: Record<string, unknown>): MlopsError {
  return new MlopsError('METRIC_INVALID_INPUT', message, details === undefined ? {} : { details });
}

/** A `METRIC_UNDEFINED` error. @internal */
export function undefinedMetric(message: string, details?: Record<string, unknown>): MlopsError {
  return new MlopsError('METRIC_UNDEFINED', message, details === undefined ? {} : { details });
}

function checkArrayLike(values: unknown, name: string): asserts values is ArrayLike<unknown> {
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<unknown>).length !== 'number') {
    throw invalidInput(`${name} must be an array or a typed array, got ${show(values)}.`, { argument: name });
  }
}

/** Throws unless `values` has `n` entries. @internal */
export function checkLength(values: ArrayLike<unknown>, n: number, name: string, reference: string): void {
  if (values.length !== n) {
    throw invalidInput(`${name} has ${values.length} entries but ${reference} has ${n}; they must be the same length (one per sample).`, {
      argument: name,
      length: values.length,
      expected: n,
    });
  }
}

/** Throws on an empty input. @internal */
export function checkNotEmpty(n: number, name: string): void {
  if (n === 0) throw invalidInput(`${name} is empty; a metric needs at least one sample.`, { argument: name });
}

/**
 * Validates an array of numbers and returns it as a Float64Array (the input itself when
 * it already is one). `NaN` and infinities are errors, and so are values outside
 * `[min, max]` when a range is given.
 * @internal
 */
export function toFiniteArray(values: unknown, name: string, range?: { min: number; max: number; what: string }): Float64Array {
  checkArrayLike(values, name);
  const n = values.length;
  if (values instanceof Float64Array && range === undefined) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v - v !== 0) {
        throw invalidInput(`${name}[${i}] is ${v}; values must be finite numbers (no NaN or infinity).`, { argument: name, index: i, value: String(v) });
      }
    }
    return values;
  }
  const out = values instanceof Float64Array ? values : new Float64Array(n);
  const copy = out !== values;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || v - v !== 0) {
      throw invalidInput(`${name}[${i}] is ${show(v)}; ${typeof v === 'number' ? 'values must be finite numbers (no NaN or infinity)' : 'values must be numbers'}.`, {
        argument: name,
        index: i,
        value: typeof v === 'number' ? String(v) : show(v),
      });
    }
    if (range !== undefined && (v < range.min || v > range.max)) {
      throw invalidInput(`${name}[${i}] is ${v}, outside [${range.min}, ${range.max}]; ${range.what}.`, { argument: name, index: i, value: v });
    }
    if (copy) out[i] = v;
  }
  return out;
}

/** Validates sample weights (finite, >= 0, one per sample). @internal */
export function toWeights(sampleWeight: ArrayLike<number> | undefined, n: number): Float64Array | undefined {
  if (sampleWeight === undefined || sampleWeight === null) return undefined;
  const w = toFiniteArray(sampleWeight, 'sampleWeight');
  checkLength(w, n, 'sampleWeight', 'yTrue');
  for (let i = 0; i < n; i++) {
    if (w[i] < 0) throw invalidInput(`sampleWeight[${i}] is ${w[i]}; weights must be >= 0.`, { argument: 'sampleWeight', index: i, value: w[i] });
  }
  return w;
}

/** Sum of weights, or `n` when unweighted. @internal */
export function totalWeight(w: Float64Array | undefined, n: number): number {
  if (w === undefined) return n;
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i];
  return s;
}

/** `sum(x * w) / sum(w)` (plain mean when unweighted); `METRIC_UNDEFINED` when the weights sum to 0. @internal */
export function weightedMean(x: ArrayLike<number>, w: Float64Array | undefined, what: string): number {
  const n = x.length;
  let s = 0;
  if (w === undefined) {
    for (let i = 0; i < n; i++) s += x[i];
    return s / n;
  }
  let sw = 0;
  for (let i = 0; i < n; i++) {
    s += x[i] * w[i];
    sw += w[i];
  }
  if (sw === 0) throw undefinedMetric(`${what} is undefined: the sample weights sum to 0.`);
  return s / sw;
}

// ------------------------------------------------------------------ labels

type LabelKind = 'number' | 'string' | 'boolean';

/** Orders labels as numpy does: numbers ascending, false before true, strings by code unit. @internal */
export function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Labels formatted for a message. @internal */
export function showLabels(labels: readonly ClassLabel[]): string {
  const shown = labels.slice(0, 20).map((l) => show(l));
  return `[${shown.join(', ')}${labels.length > 20 ? ', ...' : ''}]`;
}

function kindOf(v: unknown): LabelKind | null {
  if (typeof v === 'number') return v - v === 0 ? 'number' : null;
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  return null;
}

/** Labels mapped to dense codes 0..k-1 in sorted label order. */
export interface EncodedLabels {
  /** Distinct labels, sorted (numbers ascending, false < true, strings by code unit). */
  classes: ClassLabel[];
  /** One code array per input array, in the order given. */
  codes: Int32Array[];
}

class LabelDictionary {
  kind: LabelKind | null = null;
  kindSource = '';
  readonly labels: ClassLabel[] = [];
  private readonly index = new Map<ClassLabel, number>();
  // A few recent numeric labels probed linearly before the Map: most label columns
  // hold a handful of classes, and this keeps a 10-million-row scan fast.
  private readonly small = new Float64Array(8);
  private readonly smallCode = new Int32Array(8);
  private smallCount = 0;

  add(v: ClassLabel): number {
    const c = this.index.get(v);
    if (c !== undefined) return c;
    const code = this.labels.length;
    this.labels.push(v);
    this.index.set(v, code);
    return code;
  }

  private fail(v: unknown, name: string, i: number): never {
    const k = kindOf(v);
    if (k === null) {
      throw invalidInput(
        `${name}[${i}] is ${show(v)}; labels must be numbers, strings or booleans${typeof v === 'number' ? ' (not NaN or infinity)' : ''}. Drop or fill missing labels first.`,
        { argument: name, index: i, value: show(v) },
      );
    }
    throw invalidInput(
      `${name}[${i}] is the ${k} ${show(v)} but ${this.kindSource} holds ${this.kind} labels; all labels in one call must be of one kind. Convert them (e.g. String(label)) so they match.`,
      { argument: name, index: i, value: show(v) },
    );
  }

  private setKind(k: LabelKind, source: string): void {
    this.kind = k;
    this.kindSource = source;
  }

  encode(values: LabelArray, name: string): Int32Array {
    checkArrayLike(values, name);
    const n = values.length;
    const out = new Int32Array(n);
    if (ArrayBuffer.isView(values)) {
      if (n === 0) return out;
      if (this.kind === null) this.setKind('number', name);
      else if (this.kind !== 'number') this.fail((values as ArrayLike<number>)[0], name, 0);
      if (values instanceof Uint8Array || values instanceof Int8Array || values instanceof Uint16Array || values instanceof Int16Array) {
        return this.encodeSmallIntegers(values, out);
      }
      const arr = values as ArrayLike<number>;
      const small = this.small;
      const smallCode = this.smallCode;
      let count = this.smallCount;
      let last = NaN;
      let lastCode = -1;
      for (let i = 0; i < n; i++) {
        const v = arr[i];
        if (v === last) {
          out[i] = lastCode;
          continue;
        }
        let code = -1;
        for (let s = 0; s < count; s++) {
          if (small[s] === v) {
            code = smallCode[s];
            break;
          }
        }
        if (code < 0) {
          if (v - v !== 0) this.fail(v, name, i);
          code = this.add(v + 0);
          if (count < small.length) {
            small[count] = v;
            smallCode[count++] = code;
          }
        }
        last = v;
        lastCode = code;
        out[i] = code;
      }
      this.smallCount = count;
      return out;
    }
    const arr = values as readonly unknown[];
    for (let i = 0; i < n; i++) {
      const v = arr[i];
      const k = kindOf(v);
      if (k === null) this.fail(v, name, i);
      if (this.kind === null) this.setKind(k, name);
      else if (k !== this.kind) this.fail(v, name, i);
      out[i] = this.add(k === 'number' ? (v as number) + 0 : (v as ClassLabel));
    }
    return out;
  }

  /** 8- and 16-bit integer labels: a lookup table over the whole value range. */
  private encodeSmallIntegers(values: Uint8Array | Int8Array | Uint16Array | Int16Array, out: Int32Array): Int32Array {
    const offset = values instanceof Int8Array ? 128 : values instanceof Int16Array ? 32768 : 0;
    const table = new Int32Array(values instanceof Uint8Array || values instanceof Int8Array ? 256 : 65536).fill(-1);
    const n = values.length;
    for (let i = 0; i < n; i++) table[values[i] + offset] = 0;
    for (let v = 0; v < table.length; v++) if (table[v] === 0) table[v] = this.add(v - offset);
    for (let i = 0; i < n; i++) out[i] = table[values[i] + offset];
    return out;
  }

  /**
   * Adds labels named in options (`labels`, `posLabel`). A 0/1 number given for boolean
   * data means false/true, as in numpy.
   */
  coerce(label: unknown, name: string): ClassLabel {
    let v = label;
    if (this.kind === 'boolean' && (v === 0 || v === 1)) v = v === 1;
    const k = kindOf(v);
    if (k === null || (this.kind !== null && k !== this.kind)) {
      throw invalidInput(`${name} is ${show(label)} but the data holds ${this.kind ?? 'no'} labels; give a label of the same kind.`, { argument: name, value: show(label) });
    }
    return typeof v === 'number' ? v + 0 : (v as ClassLabel);
  }

  has(label: ClassLabel): boolean {
    return this.index.has(label);
  }
}

/**
 * Encodes one or more label arrays against one shared, sorted dictionary (the union of
 * their labels and of `extra`, like scikit-learn's `unique_labels`).
 * @internal
 */
export function encodeLabels(arrays: readonly { values: LabelArray; name: string }[], extra: readonly ClassLabel[] = [], extraName = 'labels'): EncodedLabels {
  const dict = new LabelDictionary();
  const provisional = arrays.map((a) => dict.encode(a.values, a.name));
  for (const e of extra) dict.add(dict.coerce(e, extraName));
  const order = dict.labels.map((_, i) => i).sort((a, b) => compareLabels(dict.labels[a], dict.labels[b]));
  const remap = new Int32Array(order.length);
  order.forEach((old, k) => (remap[old] = k));
  const identity = remap.every((v, i) => v === i);
  const codes = identity
    ? provisional
    : provisional.map((p) => {
        for (let i = 0; i < p.length; i++) p[i] = remap[p[i]];
        return p;
      });
  return { classes: order.map((i) => dict.labels[i]), codes };
}

/**
 * The code of a label in a sorted class list, or -1. Booleans match 0/1 numbers as
 * in numpy.
 * @internal
 */
export function labelIndex(classes: readonly ClassLabel[], label: ClassLabel): number {
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    if (c === label) return i;
    if (typeof c === 'boolean' && typeof label === 'number' && Number(c) === label) return i;
  }
  return -1;
}

/**
 * Validates an options `labels` list: unique, non-empty, of the data's kind; returns
 * their codes in `classes`.
 * @internal
 */
export function labelCodes(classes: readonly ClassLabel[], labels: readonly ClassLabel[], name = 'labels'): Int32Array {
  if (!Array.isArray(labels) || labels.length === 0) throw invalidInput(`${name} must be a non-empty array of labels.`, { argument: name });
  const out = new Int32Array(labels.length);
  const seen = new Set<number>();
  labels.forEach((l, i) => {
    const k = labelIndex(classes, l);
    if (k < 0) throw invalidInput(`${name}[${i}] is ${show(l)}, which is not a label of the data ${showLabels(classes)}.`, { argument: name, index: i, value: show(l) });
    if (seen.has(k)) throw invalidInput(`${name} lists ${show(l)} twice; labels must be unique.`, { argument: name, value: show(l) });
    seen.add(k);
    out[i] = k;
  });
  return out;
}

/**
 * Resolves the positive class of a binary problem as scikit-learn does: `posLabel` when
 * given, else 1 (true for boolean labels), which must then be one of the labels unless
 * only one label occurs. Returns its code, or -1 when it occurs nowhere.
 * @internal
 */
export function resolvePosLabel(classes: readonly ClassLabel[], posLabel: ClassLabel | undefined, context: string): number {
  const target: ClassLabel = posLabel ?? 1;
  const k = labelIndex(classes, target);
  if (k >= 0) return k;
  if (classes.length >= 2) {
    throw invalidInput(
      `${context}: ${posLabel === undefined ? 'no posLabel was given and 1 is' : `posLabel ${show(posLabel)} is`} not one of the labels ${showLabels(classes)}. Pass posLabel: the label of the positive class (e.g. 'fraud').`,
      { posLabel: show(target), labels: classes.slice(0, 20) },
    );
  }
  return -1;
}

/**
 * Reads a score matrix into a row-major Float64Array, checking its shape and
 * finiteness.
 * @internal
 */
export function toMatrix(scores: ScoreMatrix, n: number, name: string): { data: Float64Array; cols: number } {
  if (Array.isArray(scores)) {
    checkLength(scores, n, name, 'yTrue');
    const cols = n > 0 ? (scores[0] as ArrayLike<number>).length : 0;
    const data = new Float64Array(n * cols);
    for (let i = 0; i < n; i++) {
      const row = scores[i] as ArrayLike<number>;
      if (row === null || typeof row !== 'object' || row.length !== cols) {
        throw invalidInput(`${name}[${i}] must be an array of ${cols} scores (one per class), got ${row === null || typeof row !== 'object' ? show(row) : `${row.length} values`}.`, {
          argument: name,
          index: i,
        });
      }
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number' || v - v !== 0) {
          throw invalidInput(`${name}[${i}][${j}] is ${show(v)}; scores must be finite numbers.`, { argument: name, index: i, column: j, value: show(v) });
        }
        data[i * cols + j] = v;
      }
    }
    return { data, cols };
  }
  if (scores === null || typeof scores !== 'object' || !('data' in scores) || typeof scores.cols !== 'number') {
    throw invalidInput(`${name} must be an array of rows or { data, cols }.`, { argument: name });
  }
  const { cols } = scores;
  if (!(cols >= 1) || !Number.isInteger(cols)) throw invalidInput(`${name}.cols must be a positive integer, got ${show(cols)}.`, { argument: name });
  const data = toFiniteArray(scores.data, `${name}.data`);
  if (data.length !== n * cols) {
    throw invalidInput(`${name}.data has ${data.length} values; ${n} samples x ${cols} columns needs ${n * cols}.`, { argument: name, length: data.length, expected: n * cols });
  }
  return { data, cols };
}

/**
 * Checks that each row of a probability matrix lies in [0, 1] and sums to 1 within
 * {@link PROBABILITY_SUM_TOLERANCE}.
 * @internal
 */
export function checkProbabilityRows(data: Float64Array, cols: number, name: string): void {
  const n = data.length / cols;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const p = data[i * cols + j];
      if (p < 0 || p > 1) {
        throw invalidInput(`${name}[${i}][${j}] is ${p}, outside [0, 1]; class probabilities must lie in [0, 1].`, { argument: name, index: i, column: j, value: p });
      }
      s += p;
    }
    if (Math.abs(s - 1) > PROBABILITY_SUM_TOLERANCE) {
      throw invalidInput(
        `${name}[${i}] sums to ${s}, not 1 (tolerance ${PROBABILITY_SUM_TOLERANCE}); each row must hold probabilities of all classes. Apply a softmax or normalise the rows.`,
        { argument: name, index: i, value: s },
      );
    }
  }
}
