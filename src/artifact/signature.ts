/**
 * The signature of an artifact: the input columns it expects (type, categories,
 * nullability) and the outputs it produces. Derived from the fitted pipeline for native
 * models, declared by the user for imported ONNX models, and checked on every request.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { ColumnType } from '../dataset/column';
import { parseBooleanText, parseDateText, parseNumberText } from '../dataset/builder';
import type { InputIssue, Pipeline } from '../preprocess/pipeline';
import type { ClassLabel, Task } from '../models/types';

/** One input column of a signature. */
export interface SignatureInput {
  /** Column name (the key in a request row). */
  name: string;
  /** Expected type: `number`, `boolean`, `date` (ISO text, epoch ms or a Date) or `category` (text). */
  type: ColumnType;
  /** Whether `null` (a missing value) is accepted. */
  nullable: boolean;
  /** Known categories (`category` columns). */
  categories?: string[];
  /**
   * A value outside `categories`: `'ignore'` treats it as missing (for one-hot: all
   * zeros); `'error'` rejects the row with `PREDICT_INVALID_INPUT`.
   */
  unseen?: 'ignore' | 'error';
}

/** What a model returns. */
export interface SignatureOutput {
  /** `regression`, `binary` or `multiclass`. */
  task: Task;
  /** Name of the predicted column in the training data, when known. */
  target?: string;
  /** Class labels in output order (classification). */
  classes?: ClassLabel[];
  /**
   * One name per raw output value of a row: `value` (regression), `score` = probability
   * of `classes[1]` (binary), or each class label as text (multiclass probabilities).
   */
  names: string[];
}

/** Inputs and outputs of an artifact. */
export interface ArtifactSignature {
  /** Input columns in model order. Extra columns in a request are ignored. */
  inputs: SignatureInput[];
  /** Output description. */
  output: SignatureOutput;
}

/** Validated request columns for runtimes that read raw values (ONNX). */
export interface InputColumns {
  /** Number of rows. */
  rows: number;
  /**
   * Per input name: float64 values (`number`, `boolean` as 0/1, `date` as epoch ms;
   * `NaN` for null) or texts (`category`; `''` for null).
   */
  columns: Record<string, Float64Array | string[]>;
}

const COLUMN_TYPES: readonly ColumnType[] = ['number', 'category', 'boolean', 'date'];
const TASKS: readonly Task[] = ['regression', 'binary', 'multiclass'];

/** The raw output names for a task. */
export function outputNames(task: Task, classes: readonly ClassLabel[] | undefined): string[] {
  if (task === 'regression') return ['value'];
  if (task === 'binary') return ['score'];
  return (classes ?? []).map(String);
}

/**
 * The signature of a native model: one input per pipeline column. A column is nullable
 * when its missing value encodes to something finite (an imputed number, an all-zero
 * one-hot) or when the model itself accepts missing features (`acceptsMissing`).
 */
export function deriveSignature(
  pipeline: Pipeline,
  model: { task: Task; classes?: readonly ClassLabel[] },
  target: string | undefined,
  acceptsMissing: boolean,
): ArtifactSignature {
  const inputs = pipeline.steps.map((s): SignatureInput => {
    if (s.kind === 'numeric') return { name: s.column, type: s.type, nullable: s.fill !== null || acceptsMissing };
    return { name: s.column, type: 'category', nullable: s.kind === 'onehot' || acceptsMissing, categories: [...s.categories], unseen: s.unseen };
  });
  const output: SignatureOutput = { task: model.task, names: outputNames(model.task, model.classes) };
  if (target !== undefined) output.target = target;
  if (model.classes !== undefined) output.classes = [...model.classes];
  return { inputs, output };
}

function isClassLabel(v: unknown): v is ClassLabel {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Checks a signature (from a file or from a user) and returns a clean copy. Throws an
 * MlopsError with `code` naming what is wrong.
 */
export function parseSignature(raw: unknown, code: 'ARTIFACT_CORRUPT' | 'INVALID_ARGUMENT' | 'ONNX_IMPORT'): ArtifactSignature {
  const bad = (why: string): MlopsError => new MlopsError(code, `Invalid signature: ${why}.`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('expected an object with `inputs` and `output`');
  const { inputs, output } = raw as Record<string, unknown>;
  if (!Array.isArray(inputs) || inputs.length === 0) throw bad('`inputs` must be a non-empty array of columns');
  const names = new Set<string>();
  const cleanInputs = inputs.map((inp: unknown, i): SignatureInput => {
    if (typeof inp !== 'object' || inp === null) throw bad(`input ${i} is not an object`);
    const { name, type, nullable, categories, unseen } = inp as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0) throw bad(`input ${i} needs a non-empty \`name\``);
    if (names.has(name)) throw bad(`input "${name}" is listed twice`);
    names.add(name);
    if (!COLUMN_TYPES.includes(type as ColumnType)) throw bad(`input "${name}" has type ${JSON.stringify(type)}; use one of ${COLUMN_TYPES.join(', ')}`);
    if (typeof nullable !== 'boolean') throw bad(`input "${name}" needs \`nullable: true | false\``);
    const out: SignatureInput = { name, type: type as ColumnType, nullable };
    if (categories !== undefined) {
      if (type !== 'category' || !Array.isArray(categories) || !categories.every((c) => typeof c === 'string') || new Set(categories).size !== categories.length) {
        throw bad(`input "${name}": \`categories\` must be distinct strings, on a category column`);
      }
      out.categories = [...(categories as string[])];
    }
    if (unseen !== undefined) {
      if (type !== 'category' || (unseen !== 'ignore' && unseen !== 'error')) throw bad(`input "${name}": \`unseen\` must be 'ignore' or 'error', on a category column`);
      if (unseen === 'error' && out.categories === undefined) throw bad(`input "${name}": \`unseen: 'error'\` needs \`categories\``);
      out.unseen = unseen;
    }
    return out;
  });
  if (typeof output !== 'object' || output === null) throw bad('`output` must be an object');
  const { task, target, classes, names: outNames } = output as Record<string, unknown>;
  if (!TASKS.includes(task as Task)) throw bad(`output.task must be one of ${TASKS.join(', ')}`);
  const cleanOutput: SignatureOutput = { task: task as Task, names: [] };
  if (target !== undefined) {
    if (typeof target !== 'string') throw bad('output.target must be a string');
    cleanOutput.target = target;
  }
  if (task === 'regression') {
    if (classes !== undefined) throw bad('a regression output has no classes');
  } else {
    const want = task === 'binary' ? 2 : undefined;
    if (!Array.isArray(classes) || !classes.every(isClassLabel) || (want !== undefined ? classes.length !== want : classes.length < 3)) {
      throw bad(`output.classes must list ${task === 'binary' ? 'exactly 2' : 'at least 3'} class labels (strings, numbers or booleans) for a ${task} model`);
    }
    if (new Set(classes.map((c) => `${typeof c}:${String(c)}`)).size !== classes.length) throw bad('output.classes has duplicates');
    cleanOutput.classes = [...classes];
  }
  cleanOutput.names = outputNames(cleanOutput.task, cleanOutput.classes);
  if (outNames !== undefined && (!Array.isArray(outNames) || outNames.join('\u0000') !== cleanOutput.names.join('\u0000') || outNames.length !== cleanOutput.names.length)) {
    throw bad(`output.names must be [${cleanOutput.names.map((n) => JSON.stringify(n)).join(', ')}] for this task`);
  }
  return { inputs: cleanInputs, output: cleanOutput };
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function readValue(raw: unknown, type: ColumnType): number | undefined {
  switch (type) {
    case 'number':
      return typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumberText(raw) : undefined;
    case 'boolean': {
      if (typeof raw === 'boolean') return raw ? 1 : 0;
      if (raw === 0 || raw === 1) return raw;
      const b = typeof raw === 'string' ? parseBooleanText(raw) : undefined;
      return b === undefined ? undefined : b ? 1 : 0;
    }
    case 'date':
      if (raw instanceof Date) return raw.getTime();
      return typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDateText(raw) : undefined;
    default:
      return undefined;
  }
}

/**
 * Validates request rows against a signature and returns them as columns, or every
 * problem found (up to `maxIssues`): a missing key, a value of the wrong type, a
 * non-finite number, `null` in a non-nullable column, an unseen category under
 * `unseen: 'error'`. Keys not in the signature are ignored.
 */
export function validateRows(signature: ArtifactSignature, rows: readonly unknown[], maxIssues = 100): { input: InputColumns; issues: InputIssue[] } {
  const n = rows.length;
  const issues: InputIssue[] = [];
  const push = (issue: InputIssue): void => {
    if (issues.length < maxIssues) issues.push(issue);
  };
  const columns: Record<string, Float64Array | string[]> = {};
  const known = signature.inputs.map((s) => (s.categories !== undefined ? new Set(s.categories) : undefined));
  signature.inputs.forEach((s) => (columns[s.name] = s.type === 'category' ? new Array<string>(n).fill('') : new Float64Array(n)));
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      push({ row: r, column: '*', problem: 'wrong_type', message: `row ${r} is not an object` });
      continue;
    }
    signature.inputs.forEach((s, si) => {
      const raw = (row as Record<string, unknown>)[s.name];
      const col = columns[s.name];
      if (raw === undefined) {
        push({ row: r, column: s.name, problem: 'missing_column', message: `row ${r} has no "${s.name}" (send null for a missing value)` });
        return;
      }
      if (raw === null) {
        if (!s.nullable) push({ row: r, column: s.name, problem: 'not_finite', message: `row ${r}, column "${s.name}": null is not allowed; this model needs a value` });
        else if (col instanceof Float64Array) col[r] = NaN;
        return;
      }
      if (s.type === 'category') {
        const key = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
        if (key === undefined) {
          push({ row: r, column: s.name, problem: 'wrong_type', message: `row ${r}, column "${s.name}": ${describeValue(raw)} is not a category (text)` });
        } else if (s.unseen === 'error' && !known[si]!.has(key)) {
          push({
            row: r,
            column: s.name,
            problem: 'unseen_category',
            message: `row ${r}, column "${s.name}": ${JSON.stringify(key)} is not a known category (known: ${s.categories!.slice(0, 10).join(', ')}${s.categories!.length > 10 ? ', ...' : ''})`,
          });
        } else (col as string[])[r] = key;
        return;
      }
      const v = readValue(raw, s.type);
      if (v === undefined) push({ row: r, column: s.name, problem: 'wrong_type', message: `row ${r}, column "${s.name}": ${describeValue(raw)} is not a ${s.type}` });
      else if (!Number.isFinite(v)) push({ row: r, column: s.name, problem: 'not_finite', message: `row ${r}, column "${s.name}": ${String(raw)} is not a finite number (send null for a missing value)` });
      else (col as Float64Array)[r] = v;
    });
  }
  return { input: { rows: n, columns }, issues };
}
