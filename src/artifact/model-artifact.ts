/**
 * ModelArtifact: a trained model packaged as one verifiable file. Built once from a
 * {@link Model}, identified by the SHA-256 digest of its bytes, loaded anywhere without
 * the training stack, never silently changed.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { Dataset } from '../dataset/dataset';
import type { DatasetProfile } from '../dataset/profile';
import { Pipeline, type InputIssue, type Matrix } from '../preprocess/pipeline';
import { getFamily, MODEL_TYPES } from '../models/families';
import { type Model, type PredictInput, type PredictiveModel, Predictions, throwInputIssues } from '../models/model';
import type { ClassLabel, ModelState, ModelType, NamedTensor, Predictor, Task } from '../models/types';
import { VERSION } from '../version';
import { canonicalJSON } from './canonical-json';
import { readContainer, writeContainer } from './container';
import { normalizeDigest, sha256Hex } from './digest';
import { FORMAT_MAJOR, FORMAT_MINOR } from './format';
import { type ArtifactManifest, checkMetadata, checkName, checkTags, createdAtISO, parseManifest, toPlainJSON, type TrainingDataInfo } from './manifest';
import { type ArtifactRuntime, findRuntime, type ModelDescription, type RuntimeSession } from './runtime';
import { type ArtifactSignature, deriveSignature, parseSignature, validateRows } from './signature';

/** Families whose predictors accept missing (`NaN`) features; the others need every feature. */
const ACCEPTS_MISSING: ReadonlySet<string> = new Set<ModelType>(['gbdt']);
/** Most issues listed in one `PREDICT_INVALID_INPUT` error. */
const MAX_ISSUES = 100;

/** Options of {@link ModelArtifact.create}. */
export interface CreateArtifactOptions {
  /** Name written in the manifest (default `<target>-<type>`, e.g. `fraud-logistic`). */
  name?: string;
  /** Creation time (default now). Fix it to get byte-identical artifacts from one model. */
  createdAt?: Date | string;
  /**
   * The training data. Its fingerprint and profile (`trainingData.profile()`) go into the
   * manifest: the profile is the reference a DriftMonitor compares live traffic with.
   * Only the model's feature and target columns are used.
   */
  trainingData?: Dataset;
  /** A ready-made profile to store instead of computing one from `trainingData`. */
  profile?: DatasetProfile;
  /** Headline metrics (default: the evaluation report's numeric `metrics`). */
  metrics?: Record<string, number>;
  /** The evaluation report (anything JSON-serialisable, e.g. an `EvaluationReport`). */
  evaluation?: unknown;
  /** Labels, string to string. */
  tags?: Record<string, string>;
  /** Any JSON-serialisable data to keep with the model. */
  metadata?: Record<string, unknown>;
}

/** Options of {@link ModelArtifact.fromBytes}. */
export interface LoadArtifactOptions {
  /**
   * The SHA-256 the bytes must have (hex, optionally `sha256:`-prefixed), e.g. the digest
   * the registry recorded. A mismatch throws `ARTIFACT_INTEGRITY`.
   */
  expectedDigest?: string;
  /** Refuse headers larger than this many bytes (default and maximum 16 MiB). */
  maxHeaderBytes?: number;
  /** Receives warnings (a newer minor format version); default `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /** Runtimes for models that are not built-in families (see `mlops-kit/runtime/onnx`). */
  runtimes?: readonly ArtifactRuntime[];
}

/** The parts an artifact file is assembled from. @internal */
export interface ArtifactParts {
  manifest: ArtifactManifest;
  signature: ArtifactSignature;
  pipeline: Pipeline | null;
  model: ModelDescription;
  tensors: readonly NamedTensor[];
}

/** One row's prediction from {@link ModelArtifact.predictOne}. */
export type PredictionRow = { value: number } | { label: ClassLabel; probabilities: Record<string, number> };

interface NativeEngine {
  pipeline: Pipeline;
  predictor: Predictor;
  /**
   * Feature columns that may hold a missing value the model cannot take (those of
   * non-nullable inputs); empty when every input is nullable.
   */
  strictColumns: Int32Array;
  /** Scratch row for predictOne. */
  x: Float32Array;
  /** Scratch output for predictOne. */
  out: Float64Array;
  issues: InputIssue[];
}

function corrupt(message: string, cause?: unknown): MlopsError {
  return new MlopsError('ARTIFACT_CORRUPT', `${message} Re-create the artifact from its model.`, cause === undefined ? {} : { cause });
}

function sameJSON(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && canonicalJSON(a) === canonicalJSON(b));
}

function parseModelDescription(raw: unknown): ModelDescription {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt('The header has no "model" object.');
  const { type, task, numFeatures, classes, params } = raw as Record<string, unknown>;
  if (typeof type !== 'string' || type.length === 0) throw corrupt('The model description has no "type".');
  if (task !== 'regression' && task !== 'binary' && task !== 'multiclass') throw corrupt(`The model description has an unknown task ${JSON.stringify(task)}.`);
  if (typeof numFeatures !== 'number' || !Number.isSafeInteger(numFeatures) || numFeatures < 0) throw corrupt('The model description has no valid "numFeatures".');
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw corrupt('The model description has no "params" object.');
  const desc: ModelDescription = { type, task, numFeatures, params: params as Record<string, unknown> };
  if (classes !== undefined) {
    if (!Array.isArray(classes)) throw corrupt('The model description\'s "classes" is not an array.');
    desc.classes = classes as ClassLabel[];
  }
  return desc;
}

/** Freezes a JSON value and everything in it: an artifact's description never changes. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function headlineMetrics(evaluation: unknown): Record<string, number> | undefined {
  const m = (evaluation as { metrics?: unknown } | undefined)?.metrics;
  if (typeof m !== 'object' || m === null) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number') out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A trained model as one self-describing, verifiable file: manifest, signature,
 * preprocessing and weights. The artifact is to a model what a container image is to a
 * service: build it once, identify it by its {@link ModelArtifact.digest}, run it
 * anywhere. Loading never executes code and checks every byte.
 *
 * @example
 * ```ts
 * import { ModelArtifact, Trainer } from 'mlops-kit';
 * const model = await new Trainer({ model: { type: 'logistic' }, target: 'fraud' }).fit(train);
 * const artifact = await ModelArtifact.create(model, { trainingData: train, tags: { team: 'risk' } });
 * await artifact.writeFile('fraud.mlpk');
 *
 * // elsewhere: a serverless function, another service
 * const loaded = await ModelArtifact.fromFile('fraud.mlpk', { expectedDigest: artifact.digest });
 * const preds = await loaded.predict([{ amount: 120, country: 'DE' }]);
 * ```
 */
export class ModelArtifact implements PredictiveModel {
  /** What the artifact is and where it came from. */
  readonly manifest: ArtifactManifest;
  /** Expected inputs and produced outputs. */
  readonly signature: ArtifactSignature;
  /** SHA-256 of the file bytes, 64 lowercase hex characters. */
  readonly digest: string;
  /** Format version of the file it was read from (`major.minor`). */
  readonly formatVersion: string;
  /** The model description from the header (type, task, classes, parameters). */
  readonly model: ModelDescription;
  private readonly bytes: Uint8Array;
  private readonly native: NativeEngine | undefined;
  private readonly session: RuntimeSession | undefined;
  private readonly classKeys: string[];

  private constructor(
    bytes: Uint8Array,
    digest: string,
    formatVersion: string,
    parts: ArtifactParts,
    native: NativeEngine | undefined,
    session: RuntimeSession | undefined,
  ) {
    this.bytes = bytes;
    this.digest = digest;
    this.formatVersion = formatVersion;
    this.manifest = deepFreeze(parts.manifest);
    this.signature = deepFreeze(parts.signature);
    this.model = parts.model;
    this.native = native;
    this.session = session;
    this.classKeys = (parts.model.classes ?? []).map(String);
  }

  /**
   * Packages a trained model. The artifact is written and read back before it is
   * returned, so it behaves exactly like the file.
   *
   * @param model - a model from `Trainer.fit`.
   * @param options - manifest contents: name, training data, metrics, evaluation, tags, metadata.
   */
  static async create(model: Model, options: CreateArtifactOptions = {}): Promise<ModelArtifact> {
    if (typeof model !== 'object' || model === null || !(model.pipeline instanceof Pipeline) || typeof model.predictor?.predictMatrix !== 'function') {
      throw new MlopsError('INVALID_ARGUMENT', 'ModelArtifact.create expects a trained Model (the result of Trainer.fit).');
    }
    const state = model.state;
    const target = model.target;
    const name = checkName(options.name ?? `${target}-${state.type}`);
    const tags = checkTags(options.tags);
    const metadata = checkMetadata(options.metadata);
    const columns = [...model.features, target];
    let trainingData: TrainingDataInfo = {
      fingerprint: model.runRecord.dataFingerprint,
      rows: model.runRecord.trainRows,
      columns,
    };
    if (options.trainingData !== undefined) {
      const ds = options.trainingData;
      if (!(ds instanceof Dataset)) throw new MlopsError('INVALID_ARGUMENT', 'trainingData must be a Dataset.');
      const missing = model.features.filter((c) => !ds.has(c));
      if (missing.length > 0) {
        throw new MlopsError('INVALID_ARGUMENT', `trainingData lacks the model's feature column(s) ${missing.map((c) => `"${c}"`).join(', ')}; pass the data the model was trained on.`, {
          details: { missing },
        });
      }
      const used = ds.select(columns.filter((c) => ds.has(c)));
      trainingData = { fingerprint: await used.fingerprint(), rows: used.numRows, columns: used.columnNames, profile: options.profile ?? used.profile() };
    } else if (options.profile !== undefined) {
      trainingData.profile = options.profile;
    }
    const metrics = options.metrics ?? headlineMetrics(options.evaluation);
    const manifest: ArtifactManifest = toPlainJSON(
      {
        name,
        modelType: state.type,
        task: state.task,
        target,
        libraryVersion: VERSION,
        createdAt: createdAtISO(options.createdAt),
        trainingData,
        runRecord: model.runRecord,
        ...(metrics !== undefined ? { metrics } : {}),
        ...(options.evaluation !== undefined ? { evaluation: options.evaluation as Record<string, unknown> } : {}),
        tags,
        metadata,
      },
      'The manifest',
    );
    const signature = deriveSignature(model.pipeline, state, target, ACCEPTS_MISSING.has(state.type));
    const { tensors, ...description } = state;
    const bytes = ModelArtifact.write({ manifest, signature, pipeline: model.pipeline, model: description, tensors });
    return ModelArtifact.fromBytes(bytes);
  }

  /**
   * Serialises artifact parts into file bytes. Used by {@link ModelArtifact.create} and
   * by runtimes that package foreign models (`importONNX`).
   * @internal
   */
  static write(parts: ArtifactParts): Uint8Array {
    const header = {
      manifest: parts.manifest,
      signature: parts.signature,
      pipeline: parts.pipeline === null ? null : parts.pipeline.toJSON(),
      model: parts.model,
    };
    return writeContainer(header, parts.tensors);
  }

  /**
   * Loads an artifact from its bytes. Checks, in order: the expected digest (when
   * given), the magic bytes and format version, every size and offset, the SHA-256 seal
   * over the whole file (so one flipped byte anywhere is caught), the header, and the
   * consistency of manifest, signature, pipeline and weights. Never executes code.
   *
   * @throws MlopsError `ARTIFACT_INTEGRITY` (digest or seal mismatch), `ARTIFACT_CORRUPT`,
   * `ARTIFACT_TOO_LARGE`, `ARTIFACT_UNSUPPORTED_VERSION`, `ARTIFACT_UNSUPPORTED_MODEL`
   * (a model type with no runtime given).
   */
  static async fromBytes(bytes: Uint8Array, options: LoadArtifactOptions = {}): Promise<ModelArtifact> {
    if (!(bytes instanceof Uint8Array)) {
      throw new MlopsError('INVALID_ARGUMENT', `ModelArtifact.fromBytes expects a Uint8Array (or Buffer), got ${bytes === null ? 'null' : typeof bytes}.`);
    }
    // A private copy: the caller may reuse its buffer; the artifact never changes.
    const own = new Uint8Array(bytes);
    const digest = sha256Hex(own);
    if (options.expectedDigest !== undefined) {
      const expected = normalizeDigest(options.expectedDigest);
      if (expected !== digest) {
        throw new MlopsError('ARTIFACT_INTEGRITY', `The artifact's SHA-256 is ${digest}, not the expected ${expected}: the bytes are not the artifact that was recorded. Fetch it again.`, {
          details: { expected, actual: digest },
        });
      }
    }
    const contents = readContainer(own, options);
    const h = contents.header;
    const manifest = parseManifest(h.manifest);
    const signature = parseSignature(h.signature, 'ARTIFACT_CORRUPT');
    const model = parseModelDescription(h.model);
    if (manifest.modelType !== model.type || manifest.task !== model.task || signature.output.task !== model.task) {
      throw corrupt('The manifest, signature and model disagree on the model type or task.');
    }
    if (!sameJSON(signature.output.classes, model.classes) || signature.output.target !== manifest.target) {
      throw corrupt('The signature and the model disagree on the classes or the target.');
    }
    const parts: ArtifactParts = { manifest, signature, pipeline: null, model, tensors: contents.tensors };
    const formatVersion = `${contents.major}.${contents.minor}`;
    if ((MODEL_TYPES as readonly string[]).includes(model.type)) {
      const native = ModelArtifact.loadNative(h.pipeline, parts);
      return new ModelArtifact(own, digest, formatVersion, { ...parts, pipeline: native.pipeline }, native, undefined);
    }
    const runtime = findRuntime(model.type, options.runtimes);
    if (runtime === undefined) {
      throw new MlopsError(
        'ARTIFACT_UNSUPPORTED_MODEL',
        model.type === 'onnx'
          ? 'This artifact holds an ONNX model, which runs through onnxruntime-node: load it with ModelArtifact.fromBytes(bytes, { runtimes: [onnxRuntime()] }) (import { onnxRuntime } from "mlops-kit/runtime/onnx"), or call registerRuntime(onnxRuntime()) once at startup.'
          : `This artifact holds a "${model.type}" model, which is not a built-in family (${MODEL_TYPES.join(', ')}); pass its runtime in { runtimes } or upgrade mlops-kit.`,
        { details: { modelType: model.type } },
      );
    }
    const session = await runtime.load({ model, tensors: contents.tensors, signature, manifest });
    return new ModelArtifact(own, digest, formatVersion, parts, undefined, session);
  }

  /** Reads an artifact file from disk (Node); same checks and options as {@link ModelArtifact.fromBytes}. */
  static async fromFile(path: string, options: LoadArtifactOptions = {}): Promise<ModelArtifact> {
    const { readFile } = await import('node:fs/promises');
    return ModelArtifact.fromBytes(await readFile(path), options);
  }

  private static loadNative(rawPipeline: unknown, parts: ArtifactParts): NativeEngine {
    const { model, signature, manifest } = parts;
    let pipeline: Pipeline;
    try {
      pipeline = Pipeline.fromJSON(rawPipeline);
    } catch (cause) {
      throw corrupt(`The artifact's preprocessing pipeline is malformed: ${(cause as Error).message}`, cause);
    }
    if (pipeline.numFeatures !== model.numFeatures) {
      throw corrupt(`The pipeline produces ${pipeline.numFeatures} features but the model expects ${model.numFeatures}.`);
    }
    const state: ModelState = { ...model, type: model.type as ModelType, tensors: [...parts.tensors] };
    let predictor: Predictor;
    try {
      predictor = getFamily(model.type).load(state);
    } catch (cause) {
      if (cause instanceof MlopsError) throw cause;
      throw corrupt(`The ${model.type} model's weights are malformed: ${(cause as Error)?.message ?? String(cause)}`, cause);
    }
    const width = model.task === 'multiclass' ? (model.classes?.length ?? 0) : 1;
    if (predictor.outputWidth !== width) throw corrupt(`The model gives ${predictor.outputWidth} outputs per row; its task needs ${width}.`);
    const acceptsMissing = ACCEPTS_MISSING.has(model.type);
    if (!sameJSON(deriveSignature(pipeline, model, manifest.target, acceptsMissing), signature)) {
      throw corrupt('The stored signature does not match the preprocessing pipeline.');
    }
    const strict = new Set(signature.inputs.filter((s) => !s.nullable).map((s) => s.name));
    const strictColumns = Int32Array.from(pipeline.features.flatMap((f, c) => (strict.has(f.source) ? [c] : [])));
    return { pipeline, predictor, strictColumns, x: new Float32Array(pipeline.numFeatures), out: new Float64Array(width), issues: [] };
  }

  /** Model family or runtime type (`logistic`, `gbdt`, `onnx`, ...). */
  get type(): string {
    return this.model.type;
  }
  /** What the model predicts. */
  get task(): Task {
    return this.model.task;
  }
  /** Target column, when known. */
  get target(): string | undefined {
    return this.manifest.target;
  }
  /** Class labels in output order (classification). */
  get classes(): readonly ClassLabel[] | undefined {
    return this.model.classes;
  }
  /** The preprocessing pipeline (built-in families), else `undefined`. */
  get pipeline(): Pipeline | undefined {
    return this.native?.pipeline;
  }
  /** The model state with its tensors (built-in families), else `undefined`. */
  get state(): ModelState | undefined {
    return this.native?.predictor.state;
  }
  /** Size of the file in bytes. */
  get byteLength(): number {
    return this.bytes.length;
  }
  /** Raw outputs per row (1, or the number of classes for multiclass). */
  get outputWidth(): number {
    return this.signature.output.names.length;
  }

  /** The file bytes (a copy). Their SHA-256 is {@link ModelArtifact.digest}. */
  toBytes(): Uint8Array {
    return new Uint8Array(this.bytes);
  }

  /**
   * Writes the file atomically (a uniquely named temporary file, fsynced, then renamed
   * into place), so a reader never sees half an artifact, and concurrent writers of the
   * same path do not trip over each other.
   */
  async writeFile(path: string): Promise<void> {
    const [{ open, rename, rm }, { randomBytes }] = await Promise.all([import('node:fs/promises'), import('node:crypto')]);
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(this.bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  private requireNative(what: string): NativeEngine {
    if (this.native === undefined) {
      throw new MlopsError('NOT_IMPLEMENTED', `${what} is available for built-in model families only; this ${this.model.type} model predicts through predict(), asynchronously.`);
    }
    return this.native;
  }

  /**
   * Validates input against the signature and returns the feature matrix the model
   * reads (built-in families). Throws `PREDICT_INVALID_INPUT` listing every problem.
   */
  transform(input: PredictInput): Matrix {
    const native = this.requireNative('transform');
    const { pipeline } = native;
    let matrix: Matrix;
    let issues: InputIssue[] = [];
    if (input instanceof Dataset) {
      try {
        matrix = pipeline.transform(input);
      } catch (err) {
        if (!(err instanceof MlopsError)) throw err;
        // Some column is missing or invalid: validate row by row to list every problem.
        ({ matrix, issues } = pipeline.transformRows(input.toRows()));
      }
    } else {
      if (typeof input !== 'object' || input === null) {
        throw new MlopsError('PREDICT_INVALID_INPUT', 'predict expects a Dataset, an array of row objects, or one row object.');
      }
      ({ matrix, issues } = pipeline.transformRows(Array.isArray(input) ? input : [input]));
    }
    if (native.strictColumns.length > 0) this.collectMissing(matrix, issues);
    if (issues.length > 0) throwInputIssues(issues.sort((a, b) => a.row - b.row));
    return matrix;
  }

  /** Adds an issue for each row and column holding a missing value the model cannot take. */
  private collectMissing(m: Matrix, issues: InputIssue[]): void {
    const { data, rows, cols } = m;
    const strict = this.native!.strictColumns;
    const features = this.native!.pipeline.features;
    for (let r = 0; r < rows && issues.length < MAX_ISSUES; r++) {
      let last = '';
      for (let j = 0; j < strict.length; j++) {
        const c = strict[j];
        const v = data[r * cols + c];
        if (v !== v && features[c].source !== last && issues.length < MAX_ISSUES) {
          const source = (last = features[c].source);
          issues.push({
            row: r,
            column: source,
            problem: 'not_finite',
            message: `row ${r}, column "${source}": a missing value is not allowed here (the model was trained without imputing "${source}"); send a value`,
          });
        }
      }
    }
  }

  /**
   * Raw outputs for an already-encoded feature matrix (`rows x numFeatures`, row-major,
   * as {@link ModelArtifact.transform} returns): the fastest batch path.
   */
  predictMatrix(X: Float32Array, rows: number, out?: Float64Array): Float64Array {
    const native = this.requireNative('predictMatrix');
    const cols = native.pipeline.numFeatures;
    if (!(X instanceof Float32Array) || !Number.isSafeInteger(rows) || rows < 0 || X.length !== rows * cols) {
      throw new MlopsError('PREDICT_INVALID_INPUT', `predictMatrix expects a Float32Array of rows x ${cols} values (rows = ${String(rows)}).`);
    }
    if (out !== undefined && (!(out instanceof Float64Array) || out.length !== rows * native.predictor.outputWidth)) {
      throw new MlopsError('INVALID_ARGUMENT', `predictMatrix: \`out\` must be a Float64Array of ${rows * native.predictor.outputWidth} values.`);
    }
    return native.predictor.predictMatrix(X, rows, out);
  }

  /**
   * Predicts a Dataset, rows, or one row, after validating them against the signature.
   * A bad request throws `PREDICT_INVALID_INPUT` whose `details.issues` lists every
   * offending row and column (up to 100). Columns not in the signature are ignored.
   */
  async predict(input: PredictInput): Promise<Predictions> {
    if (this.native !== undefined) return this.predictSync(input);
    const rows = input instanceof Dataset ? input.toRows() : Array.isArray(input) ? input : [input];
    const { input: columns, issues } = validateRows(this.signature, rows);
    if (issues.length > 0) throwInputIssues(issues);
    const raw = await this.session!.run(columns);
    if (!(raw instanceof Float64Array) || raw.length !== columns.rows * this.outputWidth) {
      throw new MlopsError('INTERNAL', `The ${this.model.type} runtime returned ${raw?.length} values for ${columns.rows} rows; expected ${columns.rows * this.outputWidth}.`);
    }
    return new Predictions(this.task, raw, this.outputWidth, this.classes);
  }

  /** Synchronous {@link ModelArtifact.predict} (built-in families). */
  predictSync(input: PredictInput): Predictions {
    const native = this.requireNative('predictSync');
    const m = this.transform(input);
    return new Predictions(this.task, native.predictor.predictMatrix(m.data, m.rows), native.predictor.outputWidth, this.classes);
  }

  /**
   * Predicts one row synchronously with no per-call allocation besides the result: the
   * low-latency path for request handlers (built-in families). Validates like
   * {@link ModelArtifact.predict}.
   *
   * @returns `{ value }` (regression) or `{ label, probabilities }` (classification).
   */
  predictOne(row: Record<string, unknown>): PredictionRow {
    const native = this.requireNative('predictOne');
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new MlopsError('PREDICT_INVALID_INPUT', 'predictOne expects one row object.');
    }
    const { pipeline, predictor, x, out, issues } = native;
    issues.length = 0;
    const ok = pipeline.encodeRow(row, x, 0, 0, issues);
    if (native.strictColumns.length > 0) this.collectMissing({ data: x, rows: 1, cols: x.length }, issues);
    if (!ok || issues.length > 0) {
      // encodeRow reports no issue for a key present with the value undefined.
      for (const s of this.signature.inputs) {
        if (row[s.name] === undefined && s.name in row) issues.push({ row: 0, column: s.name, problem: 'missing_column', message: `row 0 has "${s.name}" undefined (send null for a missing value)` });
      }
      throwInputIssues(issues.slice());
    }
    predictor.predictMatrix(x, 1, out);
    return this.rowResult(out);
  }

  private rowResult(out: Float64Array): PredictionRow {
    const task = this.model.task;
    if (task === 'regression') return { value: out[0] };
    const classes = this.model.classes!;
    const keys = this.classKeys;
    const probabilities: Record<string, number> = {};
    if (task === 'binary') {
      const p = out[0];
      probabilities[keys[0]] = 1 - p;
      probabilities[keys[1]] = p;
      return { label: classes[p >= 0.5 ? 1 : 0], probabilities };
    }
    let best = 0;
    for (let j = 0; j < keys.length; j++) {
      probabilities[keys[j]] = out[j];
      if (out[j] > out[best]) best = j;
    }
    return { label: classes[best], probabilities };
  }

  /**
   * The model as ONNX bytes, preprocessing included: one graph input per signature
   * column (`[N, 1]` double for number/boolean/date, string for category), outputs
   * `value` (regression) or `label` and `probabilities` (classification). See
   * docs/artifacts.md. An imported ONNX model returns its original bytes.
   *
   * @throws MlopsError `ONNX_EXPORT` when a part of the model has no ONNX equivalent.
   */
  async exportONNX(): Promise<Uint8Array> {
    if (this.session !== undefined) {
      if (this.session.exportONNX === undefined) throw new MlopsError('ONNX_EXPORT', `The ${this.model.type} runtime cannot export ONNX.`);
      return this.session.exportONNX();
    }
    const { exportToONNX } = await import('./onnx/export');
    const native = this.native!;
    return exportToONNX({ pipeline: native.pipeline, state: native.predictor.state, manifest: this.manifest, signature: this.signature, digest: this.digest });
  }

  /** Frees runtime resources (ONNX sessions). Native models hold none. */
  async close(): Promise<void> {
    await this.session?.close?.();
  }

  /** A JSON summary for logs and APIs: name, digest, format version, manifest, signature. */
  toJSON(): { name: string; digest: string; formatVersion: string; byteLength: number; manifest: ArtifactManifest; signature: ArtifactSignature } {
    return { name: this.manifest.name, digest: this.digest, formatVersion: this.formatVersion, byteLength: this.bytes.length, manifest: this.manifest, signature: this.signature };
  }
}

/** The format version this library writes, `major.minor`. */
export const ARTIFACT_FORMAT_VERSION = `${FORMAT_MAJOR}.${FORMAT_MINOR}`;
