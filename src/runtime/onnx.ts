/**
 * `mlops-kit/runtime/onnx`: ONNX models trained elsewhere (a scikit-learn pipeline
 * converted with skl2onnx, a PyTorch export, ...) as ModelArtifacts. The ONNX bytes are
 * stored inside the artifact file, so an imported model is registered, served and
 * monitored like a native one; it predicts through onnxruntime-node, loaded lazily.
 *
 * @example
 * ```ts
 * import { ModelArtifact, registerRuntime } from 'mlops-kit';
 * import { importONNX, onnxRuntime } from 'mlops-kit/runtime/onnx';
 *
 * const artifact = await importONNX('churn.onnx', {
 *   task: 'binary',
 *   classes: [0, 1],
 *   signature: { inputs: [
 *     { name: 'tenure', type: 'number', nullable: false },
 *     { name: 'plan', type: 'category', nullable: true },
 *   ] },
 * });
 * const preds = await artifact.predict([{ tenure: 12, plan: 'pro' }]);
 *
 * // Loading the artifact file again needs the runtime:
 * const again = await ModelArtifact.fromBytes(artifact.toBytes(), { runtimes: [onnxRuntime()] });
 * // or, once per process, for the registry and the prediction handler:
 * registerRuntime(onnxRuntime());
 * ```
 *
 * @module
 */
import { importOptional } from '../optional';
import { MlopsError } from '../errors';
import { Dataset } from '../dataset/dataset';
import { type CreateArtifactOptions, ModelArtifact } from '../artifact/model-artifact';
import { type ArtifactManifest, checkMetadata, checkName, checkTags, createdAtISO, toPlainJSON, type TrainingDataInfo } from '../artifact/manifest';
import type { ArtifactRuntime, ModelDescription, RuntimeLoadContext, RuntimeSession } from '../artifact/runtime';
import { type ArtifactSignature, type InputColumns, parseSignature, type SignatureInput } from '../artifact/signature';
import type { ClassLabel, Task } from '../models/types';
import { VERSION } from '../version';

/** The model type written in the header of imported ONNX artifacts. */
export const ONNX_MODEL_TYPE = 'onnx';

/** The parts of onnxruntime-node this module uses (structural, so no type import is needed). */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => unknown;
}

/** Shape and type information onnxruntime reports for one model input or output. */
export interface OrtValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

/** An onnxruntime InferenceSession, structurally. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly OrtValueMetadata[];
  readonly outputMetadata?: readonly OrtValueMetadata[];
  run(feeds: Record<string, unknown>, fetches?: readonly string[]): Promise<Record<string, { data: unknown; dims: readonly number[]; type: string }>>;
  release(): Promise<void>;
}

/** Options of {@link onnxRuntime}. */
export interface OnnxRuntimeOptions {
  /** The onnxruntime-node module, when you import it yourself (default: loaded on first use). */
  ort?: OrtModule;
  /** onnxruntime `InferenceSession` options (threads, graph optimisation level, ...). */
  sessionOptions?: Record<string, unknown>;
}

/** How graph inputs are fed, stored in the artifact. */
interface OnnxBinding {
  /** The output tensor read. */
  output: string;
  /** Set when all columns are packed into one `[N, columns]` tensor of this name. */
  inputTensor?: string;
  /** Per graph input: element type and rank, as found at import. */
  inputs: Array<{ name: string; type: string; rank: number }>;
}

const NUMERIC_TYPES = ['float32', 'float64', 'int64', 'int32', 'bool'];

function importError(message: string, cause?: unknown): MlopsError {
  return new MlopsError('ONNX_IMPORT', message, cause === undefined ? {} : { cause });
}

async function loadOrt(given: OrtModule | undefined): Promise<OrtModule> {
  if (given !== undefined) return given;
  return importOptional<OrtModule>(() => import('onnxruntime-node'), { package: 'onnxruntime-node', feature: 'ONNX models', probe: 'InferenceSession' });
}

async function createSession(ort: OrtModule, bytes: Uint8Array, sessionOptions: Record<string, unknown> | undefined): Promise<OrtSession> {
  try {
    return await ort.InferenceSession.create(bytes, sessionOptions);
  } catch (cause) {
    throw importError(`onnxruntime could not load the ONNX model: ${(cause as Error)?.message ?? String(cause)}`, cause);
  }
}

function metadataOf(list: readonly OrtValueMetadata[] | undefined, name: string): OrtValueMetadata | undefined {
  return list?.find((m) => m.name === name);
}

/** Checks that the session and the signature fit together; returns the binding. */
function bind(session: OrtSession, signature: ArtifactSignature, wanted: { output?: string; inputTensor?: string }): OnnxBinding {
  const inputs = signature.inputs;
  const task = signature.output.task;
  let output = wanted.output;
  if (output === undefined) {
    const names = session.outputNames;
    if (task === 'regression') output = names.length === 1 ? names[0] : names.find((n) => n === 'variable' || n === 'value');
    else output = names.find((n) => n === 'probabilities' || n === 'output_probability');
    if (output === undefined) {
      throw importError(`Say which ONNX output holds the ${task === 'regression' ? 'predicted values' : 'class probabilities'}: pass { output } (one of ${names.map((n) => `"${n}"`).join(', ')}).`);
    }
  }
  if (!session.outputNames.includes(output)) throw importError(`The ONNX model has no output "${output}"; its outputs are ${session.outputNames.map((n) => `"${n}"`).join(', ')}.`);
  const outMeta = metadataOf(session.outputMetadata, output);
  if (outMeta !== undefined && !outMeta.isTensor) {
    throw importError(`The ONNX output "${output}" is not a tensor (a ZipMap sequence of maps, probably). Convert the model without ZipMap (skl2onnx: options={'zipmap': False}) or pick a tensor output.`);
  }
  const typeOf = (name: string, fallback: string): { type: string; rank: number } => {
    const m = metadataOf(session.inputMetadata, name);
    return { type: m?.type ?? fallback, rank: m?.shape?.length ?? 2 };
  };
  if (wanted.inputTensor !== undefined) {
    const name = wanted.inputTensor;
    if (!session.inputNames.includes(name)) throw importError(`The ONNX model has no input "${name}"; its inputs are ${session.inputNames.map((n) => `"${n}"`).join(', ')}.`);
    if (session.inputNames.length !== 1) throw importError(`inputTensor packs every column into one input, but the ONNX model has ${session.inputNames.length} inputs.`);
    const bad = inputs.filter((s) => s.type === 'category');
    if (bad.length > 0) throw importError(`inputTensor packs columns into one numeric tensor; category column(s) ${bad.map((s) => `"${s.name}"`).join(', ')} cannot be packed. Give the model one input per column instead.`);
    const t = typeOf(name, 'float32');
    if (t.type !== 'float32' && t.type !== 'float64') throw importError(`The packed input "${name}" has element type ${t.type}; float or double is supported.`);
    return { output, inputTensor: name, inputs: [{ name, ...t }] };
  }
  const declared = new Set(inputs.map((s) => s.name));
  const missing = session.inputNames.filter((n) => !declared.has(n));
  const unused = inputs.filter((s) => !session.inputNames.includes(s.name)).map((s) => s.name);
  if (missing.length > 0 || unused.length > 0) {
    throw importError(
      `The signature must list exactly the ONNX model's inputs (one per column): ${missing.length > 0 ? `not declared: ${missing.map((n) => `"${n}"`).join(', ')}` : ''}${missing.length > 0 && unused.length > 0 ? '; ' : ''}${
        unused.length > 0 ? `not inputs of the model: ${unused.map((n) => `"${n}"`).join(', ')}` : ''
      }. Or pass { inputTensor } when the model takes one numeric tensor.`,
    );
  }
  return {
    output,
    inputs: inputs.map((s) => {
      const t = typeOf(s.name, s.type === 'category' ? 'string' : 'float32');
      if (s.type === 'category' ? t.type !== 'string' : !NUMERIC_TYPES.includes(t.type)) {
        throw importError(`Column "${s.name}" is declared ${s.type} but the ONNX input has element type ${t.type}.`);
      }
      if (t.type === 'int64' || t.type === 'int32' || t.type === 'bool') {
        if (s.nullable) throw importError(`Column "${s.name}" feeds an ${t.type} input, which cannot hold a missing value; declare it nullable: false.`);
      }
      return { name: s.name, ...t };
    }),
  };
}

function parseBinding(params: Record<string, unknown>): { output?: string; inputTensor?: string } {
  const { output, inputTensor } = params;
  if (typeof output !== 'string' || (inputTensor !== undefined && typeof inputTensor !== 'string')) {
    throw new MlopsError('ARTIFACT_CORRUPT', 'The ONNX artifact has no valid output binding in its model parameters.');
  }
  return { output, inputTensor: inputTensor as string | undefined };
}

function toTyped(values: Float64Array, type: string, column: string): unknown {
  switch (type) {
    case 'float64':
      return values;
    case 'float32':
      return Float32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
    default: {
      for (let i = 0; i < values.length; i++) {
        if (!Number.isInteger(values[i])) {
          throw new MlopsError('PREDICT_INVALID_INPUT', `row ${i}, column "${column}": ${values[i]} is not an integer, and the model takes integers here.`, {
            details: { issues: [{ row: i, column, problem: 'wrong_type', message: `row ${i}, column "${column}": ${values[i]} is not an integer` }] },
          });
        }
      }
      return type === 'int32' ? Int32Array.from(values) : BigInt64Array.from(values, (v) => BigInt(v));
    }
  }
}

class OnnxSession implements RuntimeSession {
  constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    private readonly bytes: Uint8Array,
    private readonly binding: OnnxBinding,
    private readonly signature: ArtifactSignature,
  ) {}

  private feeds(input: InputColumns): Record<string, unknown> {
    const n = input.rows;
    const feeds: Record<string, unknown> = {};
    const { Tensor } = this.ort;
    if (this.binding.inputTensor !== undefined) {
      const k = this.signature.inputs.length;
      const { type } = this.binding.inputs[0];
      const data = type === 'float64' ? new Float64Array(n * k) : new Float32Array(n * k);
      this.signature.inputs.forEach((s, c) => {
        const col = input.columns[s.name] as Float64Array;
        for (let r = 0; r < n; r++) data[r * k + c] = col[r];
      });
      feeds[this.binding.inputTensor] = new Tensor(type, data, [n, k]);
      return feeds;
    }
    for (const { name, type, rank } of this.binding.inputs) {
      const col = input.columns[name];
      const dims = rank === 1 ? [n] : [n, 1];
      feeds[name] = new Tensor(type, type === 'string' ? col : toTyped(col as Float64Array, type, name), dims);
    }
    return feeds;
  }

  async run(input: InputColumns): Promise<Float64Array> {
    const n = input.rows;
    if (n === 0) return new Float64Array(0);
    let result: Awaited<ReturnType<OrtSession['run']>>;
    try {
      // Fetch only the bound output: other outputs (a ZipMap, say) may not be tensors.
      result = await this.session.run(this.feeds(input), [this.binding.output]);
    } catch (cause) {
      if (cause instanceof MlopsError) throw cause;
      throw new MlopsError('INTERNAL', `onnxruntime failed to run the model: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    }
    const out = result[this.binding.output];
    const data = out?.data;
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw new MlopsError('INTERNAL', `The ONNX output "${this.binding.output}" holds ${out?.type ?? 'nothing'}, not float or double values.`);
    }
    const { task, classes } = this.signature.output;
    const k = task === 'multiclass' ? classes!.length : 1;
    const perRow = data.length / n;
    if (task === 'binary' && perRow === 2) {
      const res = new Float64Array(n);
      for (let r = 0; r < n; r++) res[r] = data[2 * r + 1];
      return res;
    }
    if (perRow !== k) {
      throw new MlopsError('INTERNAL', `The ONNX output "${this.binding.output}" has ${perRow} values per row; a ${task} model with ${k === 1 ? 'one output' : `${k} classes`} needs ${k}${task === 'binary' ? ' or 2' : ''}.`);
    }
    return data instanceof Float64Array ? data : Float64Array.from(data);
  }

  exportONNX(): Uint8Array {
    return new Uint8Array(this.bytes);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/**
 * The runtime that loads ONNX artifacts. Pass it to `ModelArtifact.fromBytes(bytes, {
 * runtimes: [onnxRuntime()] })` or register it once with `registerRuntime(onnxRuntime())`.
 */
export function onnxRuntime(options: OnnxRuntimeOptions = {}): ArtifactRuntime {
  return {
    type: ONNX_MODEL_TYPE,
    async load(context: RuntimeLoadContext): Promise<RuntimeSession> {
      const blob = context.tensors.find((t) => t.name === 'onnx');
      if (blob === undefined || blob.dtype !== 'uint8' || blob.shape.length !== 1) {
        throw new MlopsError('ARTIFACT_CORRUPT', 'The ONNX artifact has no "onnx" uint8 tensor holding the model.');
      }
      const bytes = blob.data as Uint8Array;
      const ort = await loadOrt(options.ort);
      const session = await createSession(ort, bytes, options.sessionOptions);
      let binding: OnnxBinding;
      try {
        binding = bind(session, context.signature, parseBinding(context.model.params));
      } catch (err) {
        await session.release();
        throw err instanceof MlopsError && err.code === 'ONNX_IMPORT' ? new MlopsError('ARTIFACT_CORRUPT', `The stored ONNX model does not match its signature: ${err.message}`, { cause: err }) : err;
      }
      return new OnnxSession(ort, session, bytes, binding, context.signature);
    },
  };
}

/**
 * Options of {@link importONNX}: the model's task, classes and signature, plus the
 * manifest options of `ModelArtifact.create` (`trainingData` is profiled over the
 * signature columns).
 */
export interface ImportONNXOptions extends OnnxRuntimeOptions, Omit<CreateArtifactOptions, 'name'> {
  /** What the model predicts. */
  task: Task;
  /** Class labels in the order of the model's probability columns (classification). */
  classes?: ClassLabel[];
  /**
   * The input columns: name, type (`number`, `boolean`, `date`, `category`),
   * `nullable` (default false), and for categories the known values and an `unseen`
   * policy. By default each column feeds the graph input of the same name.
   */
  signature: { inputs: Array<Omit<SignatureInput, 'nullable'> & { nullable?: boolean }> };
  /** The output tensor with the values (regression) or class probabilities (default: found by name). */
  output?: string;
  /** Pack every (numeric) column, in signature order, into this one `[N, columns]` input. */
  inputTensor?: string;
  /** Target column name, when known. */
  target?: string;
  /** Artifact name (default `<target>-onnx`, or `onnx-model`). */
  name?: string;
}

/**
 * Wraps an ONNX model (bytes or a file path) as a ModelArtifact with a declared
 * signature. The model is loaded in onnxruntime-node right away, and its inputs and
 * output are checked against the signature, so a mismatch fails here, not at the
 * first request.
 *
 * @throws MlopsError `ONNX_IMPORT` (unreadable model, inputs or outputs that do not
 * match), `DEPENDENCY_MISSING` (onnxruntime-node not installed), `INVALID_ARGUMENT`.
 */
export async function importONNX(source: Uint8Array | string, options: ImportONNXOptions): Promise<ModelArtifact> {
  if (typeof options !== 'object' || options === null) throw new MlopsError('INVALID_ARGUMENT', 'importONNX(source, options) needs options with `task` and `signature`.');
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    const { readFile } = await import('node:fs/promises');
    bytes = new Uint8Array(await readFile(source));
  } else if (source instanceof Uint8Array) bytes = new Uint8Array(source);
  else throw new MlopsError('INVALID_ARGUMENT', 'importONNX expects the ONNX bytes (Uint8Array) or a file path.');

  const rawInputs = Array.isArray(options.signature?.inputs) ? options.signature.inputs.map((i) => ({ nullable: false, ...i })) : undefined;
  const signature = parseSignature({ inputs: rawInputs, output: { task: options.task, classes: options.classes, target: options.target } }, 'ONNX_IMPORT');

  const runtime = onnxRuntime(options);
  const ort = await loadOrt(options.ort);
  const session = await createSession(ort, bytes, options.sessionOptions);
  let binding: OnnxBinding;
  try {
    binding = bind(session, signature, { output: options.output, inputTensor: options.inputTensor });
  } finally {
    await session.release();
  }

  const target = options.target;
  const name = checkName(options.name ?? (target !== undefined ? `${target}-onnx` : 'onnx-model'));
  let trainingData: TrainingDataInfo | undefined;
  if (options.trainingData !== undefined) {
    const ds = options.trainingData;
    if (!(ds instanceof Dataset)) throw new MlopsError('INVALID_ARGUMENT', 'trainingData must be a Dataset.');
    const used = ds.select([...signature.inputs.map((s) => s.name), ...(target !== undefined && ds.has(target) ? [target] : [])]);
    trainingData = { fingerprint: await used.fingerprint(), rows: used.numRows, columns: used.columnNames, profile: options.profile ?? used.profile() };
  }
  const metadata = checkMetadata(options.metadata);
  const manifest: ArtifactManifest = toPlainJSON(
    {
      name,
      modelType: ONNX_MODEL_TYPE,
      task: signature.output.task,
      ...(target !== undefined ? { target } : {}),
      libraryVersion: VERSION,
      createdAt: createdAtISO(options.createdAt),
      ...(trainingData !== undefined ? { trainingData } : {}),
      ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
      ...(options.evaluation !== undefined ? { evaluation: options.evaluation as Record<string, unknown> } : {}),
      tags: checkTags(options.tags),
      metadata,
    },
    'The manifest',
  );
  const model: ModelDescription = {
    type: ONNX_MODEL_TYPE,
    task: signature.output.task,
    numFeatures: 0,
    ...(signature.output.classes !== undefined ? { classes: signature.output.classes } : {}),
    params: { output: binding.output, ...(binding.inputTensor !== undefined ? { inputTensor: binding.inputTensor } : {}) },
  };
  const file = ModelArtifact.write({ manifest, signature, pipeline: null, model, tensors: [{ name: 'onnx', dtype: 'uint8', shape: [bytes.length], data: bytes }] });
  return ModelArtifact.fromBytes(file, { runtimes: [runtime] });
}
