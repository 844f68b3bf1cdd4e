/**
 * Runtimes: how an artifact whose model is not a built-in family (an imported ONNX
 * model, say) is executed. A runtime is opted into by an explicit call, never on import:
 * pass it to `ModelArtifact.fromBytes(bytes, { runtimes: [rt] })`, or register it once
 * for the process with {@link registerRuntime}.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { ClassLabel, NamedTensor, Task } from '../models/types';
import type { ArtifactManifest } from './manifest';
import type { ArtifactSignature, InputColumns } from './signature';

/** The header's model description: a model state without its tensors. */
export interface ModelDescription {
  /** A built-in family (`logistic`, `gbdt`, ...) or a runtime's type (`onnx`). */
  type: string;
  /** What the model predicts. */
  task: Task;
  /** Width of the feature matrix (built-in families; `0` for runtimes reading raw columns). */
  numFeatures: number;
  /** Class labels in output order (classification). */
  classes?: ClassLabel[];
  /** Family- or runtime-specific JSON. */
  params: Record<string, unknown>;
}

/** A loaded runtime model. */
export interface RuntimeSession {
  /**
   * Predicts validated raw columns. Returns `rows * width` values: the value
   * (regression), the probability of `classes[1]` (binary), or one probability per class
   * (multiclass), row by row.
   */
  run(input: InputColumns): Promise<Float64Array>;
  /** The model as ONNX bytes, when the runtime can give them. */
  exportONNX?(): Uint8Array;
  /** Frees native resources. */
  close?(): Promise<void>;
}

/** What a runtime receives to load a model. */
export interface RuntimeLoadContext {
  /** The model description from the header. */
  model: ModelDescription;
  /** The tensors stored with it. */
  tensors: readonly NamedTensor[];
  /** The declared signature. */
  signature: ArtifactSignature;
  /** The manifest. */
  manifest: ArtifactManifest;
}

/** Executes artifacts of one model type. */
export interface ArtifactRuntime {
  /** The `model.type` it serves (`onnx`). */
  readonly type: string;
  /** Builds a session; throws an MlopsError when the stored model is unusable. */
  load(context: RuntimeLoadContext): Promise<RuntimeSession>;
}

const registered = new Map<string, ArtifactRuntime>();

function checkRuntime(runtime: unknown): ArtifactRuntime {
  const r = runtime as ArtifactRuntime;
  if (typeof r !== 'object' || r === null || typeof r.type !== 'string' || typeof r.load !== 'function') {
    throw new MlopsError('INVALID_ARGUMENT', 'A runtime is an object with a `type` string and a `load(context)` function, e.g. onnxRuntime() from mlops-kit/runtime/onnx.');
  }
  return r;
}

/**
 * Registers a runtime for every later `ModelArtifact.fromBytes` in this process (the
 * registry and the prediction handler load through it). Replaces a runtime of the same
 * type.
 *
 * @example
 * ```ts
 * import { registerRuntime } from 'mlops-kit';
 * import { onnxRuntime } from 'mlops-kit/runtime/onnx';
 * registerRuntime(onnxRuntime());
 * ```
 */
export function registerRuntime(runtime: ArtifactRuntime): void {
  const r = checkRuntime(runtime);
  registered.set(r.type, r);
}

/** Removes a registered runtime; returns whether one was registered. */
export function unregisterRuntime(type: string): boolean {
  return registered.delete(type);
}

/** The runtime for `type`: from `given` first, then the registered ones. @internal */
export function findRuntime(type: string, given: readonly ArtifactRuntime[] | undefined): ArtifactRuntime | undefined {
  for (const r of given ?? []) if (checkRuntime(r).type === type) return r;
  return registered.get(type);
}
