/**
 * The compute-backend registry: which backends exist, which one runs, and why.
 *
 * Built-in backends:
 * - `webgpu` (priority 30): @tensorflow/tfjs-backend-webgpu; in Node through the
 *   `webgpu` package (Dawn). `auto` takes it only on a hardware adapter.
 * - `cpu` (priority 10; alias `js`): the SDK's own typed-array kernels in plain
 *   TypeScript. Needs no optional package. Faster than @tensorflow/tfjs-backend-cpu for
 *   every model here (see docs/backends.md), so that package is not used.
 * - `wasm` (priority 5): @tensorflow/tfjs-backend-wasm with SIMD, binaries from disk.
 *   Below `cpu`, which always starts, so `auto` never picks it: `cpu` trains `mlp`
 *   faster, the linear models about as fast, and only large multi-output products
 *   (`softmax` on many rows) gain from wasm, which is then asked for by name.
 *
 * Custom backends join with {@link registerBackend}. Nothing is registered with tfjs
 * and no optional package is imported until a backend is asked for.
 *
 * @module
 */
import { resolve } from 'node:path';
import { MlopsError } from '../errors';
import type { BackendHandle } from './types';
import type { Matrix } from '../preprocess/pipeline';
import { JsDesignMatrix } from './js-matrix';
import { tfjsHandle } from './tf-matrix';
import { loadTfjs, type Tf } from './tfjs';
import type {
  BackendFactory,
  BackendFailure,
  BackendInfo,
  BackendKind,
  BackendSelection,
  JsBackendImpl,
  RegisterBackendOptions,
  StartedBackend,
  UseBackendOptions,
} from './types';

interface Definition {
  readonly name: string;
  readonly kind: BackendKind;
  readonly priority: number;
  readonly builtin: boolean;
  /** Starts the backend. `preferHardware`: a GPU backend should not settle for a software adapter. */
  start(options: UseBackendOptions, preferHardware: boolean): Promise<StartedBackend>;
  /** Throws when options given now contradict how the running backend was started. */
  reuse?(started: StartedBackend, options: UseBackendOptions): void;
}

/** The handle of the `cpu` backend. */
const CPU_HANDLE: BackendHandle = { name: 'cpu', kind: 'js', matrix: (X: Matrix) => new JsDesignMatrix(X) };

/**
 * Makes `name` the active tfjs backend. A factory that throws makes tfjs's setBackend
 * return false and only log the error, so the factory is wrapped to keep the error for
 * the report.
 */
async function activateTfjs(tf: Tf, name: string): Promise<void> {
  const engine = tf.engine();
  if (tf.getBackend() === name && engine.registry[name] !== undefined) return;
  let failure: unknown;
  const factory = tf.findBackendFactory(name);
  if (factory == null) throw new MlopsError('BACKEND_UNAVAILABLE', `tfjs has no backend registered as "${name}".`);
  if (engine.registry[name] === undefined) {
    const priority = engine.registryFactory[name]?.priority ?? 1;
    tf.removeBackend(name);
    tf.registerBackend(
      name,
      async () => {
        try {
          return await factory();
        } catch (err) {
          failure = err;
          throw err;
        }
      },
      priority,
    );
  }
  const previous = engine.registry[tf.getBackend()] === undefined ? undefined : tf.getBackend();
  const ok = await tf.setBackend(name);
  if (!ok) {
    if (previous !== undefined && previous !== name) await tf.setBackend(previous);
    const why = failure instanceof Error ? failure.message : failure === undefined ? 'setBackend returned false' : String(failure);
    throw new MlopsError('BACKEND_UNAVAILABLE', `tfjs could not initialise the "${name}" backend: ${why}`, { cause: failure });
  }
  await tf.ready();
}

async function startTfjs(name: string, feature: string, prepare: (tf: Tf) => Promise<Omit<StartedBackend, 'handle'>>): Promise<StartedBackend> {
  const tf = await loadTfjs(feature);
  const prepared = await prepare(tf);
  try {
    await activateTfjs(tf, name);
  } catch (err) {
    prepared.release?.();
    throw err;
  }
  return { ...prepared, handle: tfjsHandle(tf, name) };
}

const BUILTINS: readonly Definition[] = [
  {
    name: 'webgpu',
    kind: 'tfjs',
    priority: 30,
    builtin: true,
    start: (options, preferHardware) =>
      startTfjs('webgpu', 'The webgpu backend', async (tf) => {
        const { prepareWebGpu } = await import('./webgpu');
        return prepareWebGpu(tf, options.webgpu ?? {}, preferHardware);
      }),
    reuse: (started, options) => {
      const wanted = options.webgpu?.adapter;
      if ((wanted === 'hardware' && started.adapter?.software) || (wanted === 'software' && started.adapter?.software === false)) {
        throw new MlopsError('BACKEND_UNAVAILABLE', `webgpu already runs on ${started.adapter!.description}, not a ${wanted} adapter. Call disposeBackends() first to start it on another adapter.`);
      }
    },
  },
  {
    name: 'wasm',
    kind: 'tfjs',
    priority: 5,
    builtin: true,
    start: async (options) => {
      const { prepareWasm, wasmFeatures } = await import('./wasm');
      const started = await startTfjs('wasm', 'The wasm backend', (tf) => prepareWasm(tf, { wasmPath: options.wasmPath }));
      const tf = started.handle.tf as Tf;
      return { ...started, wasm: { directory: started.wasm!.directory, ...(await wasmFeatures(tf)) } };
    },
    reuse: (started, options) => {
      if (options.wasmPath !== undefined && resolve(options.wasmPath) !== started.wasm?.directory) {
        throw new MlopsError('INVALID_ARGUMENT', `The wasm backend already runs with the binaries from ${started.wasm?.directory}; wasmPath must be given before it first starts.`);
      }
    },
  },
  { name: 'cpu', kind: 'js', priority: 10, builtin: true, start: async () => ({ handle: CPU_HANDLE }) },
];

const ALIASES: Record<string, string> = { js: 'cpu' };

/** Backends registered by the application. */
const custom = new Map<string, Definition>();
/** Started (or starting) backends by name. */
const starting = new Map<string, Promise<StartedBackend>>();
/** What the last {@link useBackend} selected: the default for training. */
let current: { selection: BackendSelection; started: StartedBackend } | undefined;
/** The last `auto` selection made for a Trainer, reused so `auto` probes once. */
let lastAuto: { selection: BackendSelection; started: StartedBackend } | undefined;

function definitions(): Definition[] {
  return [...BUILTINS, ...custom.values()].sort((a, b) => b.priority - a.priority);
}

function findDefinition(name: string): Definition {
  const resolved = ALIASES[name] ?? name;
  const def = definitions().find((d) => d.name === resolved);
  if (def === undefined) {
    throw new MlopsError('BACKEND_NOT_FOUND', `There is no backend "${name}". Use 'auto' or one of: ${definitions().map((d) => `'${d.name}'`).join(', ')} (or register one with registerBackend).`, {
      details: { name, available: definitions().map((d) => d.name) },
    });
  }
  return def;
}

async function start(def: Definition, options: UseBackendOptions, preferHardware: boolean): Promise<StartedBackend> {
  let pending = starting.get(def.name);
  if (pending === undefined) {
    pending = def.start(options, preferHardware);
    starting.set(def.name, pending);
    pending.catch(() => starting.delete(def.name));
    return pending;
  }
  const started = await pending;
  def.reuse?.(started, options);
  // A tfjs backend started earlier may have been switched away from since.
  if (started.handle.kind === 'tfjs') await activateTfjs(started.handle.tf as Tf, def.name);
  return started;
}

function failureOf(name: string, err: unknown): BackendFailure {
  return err instanceof MlopsError ? { name, error: err.message, code: err.code } : { name, error: err instanceof Error ? err.message : String(err) };
}

async function select(requested: string, options: UseBackendOptions): Promise<{ selection: BackendSelection; started: StartedBackend }> {
  if (typeof requested !== 'string' || requested.length === 0) {
    throw new MlopsError('INVALID_ARGUMENT', `A backend name must be a non-empty string ('auto', 'cpu', 'wasm', 'webgpu' or a registered name), got ${String(requested)}.`);
  }
  const auto = requested === 'auto';
  const all = definitions();
  const first = auto ? undefined : findDefinition(requested);
  const fallback = options.fallback ?? auto;
  const order = first === undefined ? all : fallback ? [first, ...all.filter((d) => d !== first)] : [first];
  const fallbacks: BackendFailure[] = [];
  let onlyError: unknown;
  for (const def of order) {
    // Only an explicit request for a GPU backend settles for a software adapter.
    const preferHardware = def !== first;
    let started: StartedBackend;
    try {
      started = await start(def, options, preferHardware);
    } catch (err) {
      if (err instanceof MlopsError && err.code === 'INVALID_ARGUMENT') throw err; // the caller's mistake, not the backend's
      fallbacks.push(failureOf(def.name, err));
      onlyError = err;
      continue;
    }
    if (preferHardware && started.adapter?.software) {
      fallbacks.push({ name: def.name, error: `runs on a software adapter (${started.adapter.description}), slower than cpu; request '${def.name}' by name to use it anyway` });
      continue;
    }
    const skipped = fallbacks.map((f) => `${f.name} (${f.error})`).join('; ');
    let reason: string;
    if (def === first) reason = `'${def.name}' was requested and started.`;
    else if (first !== undefined) reason = `'${first.name}' was requested but could not start; skipped ${skipped}; '${def.name}' is the next available by priority.`;
    else if (fallbacks.length === 0) reason = `auto: '${def.name}' is the highest-priority backend available (priority ${def.priority}).`;
    else reason = `auto: skipped ${skipped}; '${def.name}' is the next available by priority (${def.priority}).`;
    const selection: BackendSelection = {
      name: def.name,
      kind: def.kind,
      requested,
      priority: def.priority,
      reason,
      fallbacks,
      ...(started.adapter === undefined ? {} : { adapter: started.adapter }),
      ...(started.wasm === undefined ? {} : { wasm: started.wasm }),
    };
    return { selection, started };
  }
  // One backend asked for, without fallback: its own error (DEPENDENCY_MISSING says what to install).
  if (order.length === 1 && onlyError instanceof MlopsError) {
    throw new MlopsError(onlyError.code, `${onlyError.message} (Use useBackend('auto') or { fallback: true } to fall back to another backend.)`, {
      details: { ...onlyError.details, requested },
      cause: onlyError.cause ?? onlyError,
    });
  }
  const list = fallbacks.map((f) => `${f.name}: ${f.error}`).join('\n  ');
  throw new MlopsError(
    'BACKEND_UNAVAILABLE',
    `The backend ${auto ? 'selection' : `"${requested}"`} could not start:\n  ${list}${auto ? '' : "\nUse useBackend('auto') or { fallback: true } to fall back to another backend."}`,
    { details: { requested, fallbacks } },
  );
}

/**
 * Chooses the compute backend for training in this process and starts it.
 *
 * `'auto'` tries every backend from the highest priority down and keeps the first that
 * starts: webgpu on a hardware GPU, then any registered backend ranked above cpu, then
 * cpu, which always starts (so `auto` never reaches wasm: ask for it by name). A name
 * starts that backend or throws why: `DEPENDENCY_MISSING` (with the `npm install` line),
 * `BACKEND_UNAVAILABLE`, `BACKEND_NOT_FOUND`; pass `{ fallback: true }` to fall back by
 * priority instead. The result says which backend
 * runs, why, and why the others were skipped. Trainers without a `backend` option use
 * the selected one; without any call they use `cpu`.
 *
 * @example
 * ```ts
 * import { useBackend } from 'mlops-kit';
 * const backend = await useBackend('auto');
 * console.log(`training on ${backend.name}: ${backend.reason}`);
 * for (const f of backend.fallbacks) console.log(`  skipped ${f.name}: ${f.error}`);
 * ```
 */
export async function useBackend(name: string = 'auto', options: UseBackendOptions = {}): Promise<BackendSelection> {
  const picked = await select(name, options);
  current = picked;
  return picked.selection;
}

/**
 * Adds a backend. `kind: 'tfjs'` (default): `factory` returns a tfjs KernelBackend and is
 * registered with tfjs-core under `name` when the backend is first asked for, so the
 * kernels registered for that name run. `kind: 'js'`: `factory` returns an object with
 * `matrix(X)` giving a {@link DesignMatrix} (the models that need more than matrix
 * products, such as mlp, train with the SDK's typed-array code on such a backend).
 *
 * When tfjs already has a backend of that name (some packages register theirs on
 * import), that one is used.
 *
 * @example
 * ```ts
 * import { registerBackend, useBackend } from 'mlops-kit';
 * // A tfjs KernelBackend whose kernels are registered under 'my-gpu':
 * registerBackend('my-gpu', async () => createMyKernelBackend(), { priority: 25 });
 * // Or the SDK's own contract: matrix products only.
 * registerBackend('blas', () => ({ matrix: (X) => new BlasDesignMatrix(X) }), { kind: 'js', priority: 15 });
 * await useBackend('auto'); // tries my-gpu after a hardware webgpu, then blas, then cpu
 * ```
 */
export function registerBackend(name: string, factory: BackendFactory, options: RegisterBackendOptions = {}): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(name)) {
    throw new MlopsError('INVALID_ARGUMENT', `registerBackend: the name must be letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}.`);
  }
  if (name === 'auto' || name in ALIASES || BUILTINS.some((d) => d.name === name)) {
    throw new MlopsError('INVALID_ARGUMENT', `registerBackend: "${name}" is a built-in name; choose another.`);
  }
  if (custom.has(name)) throw new MlopsError('INVALID_ARGUMENT', `registerBackend: a backend "${name}" is already registered.`);
  if (typeof factory !== 'function') throw new MlopsError('INVALID_ARGUMENT', 'registerBackend: factory must be a function.');
  const priority = options.priority ?? 0;
  if (typeof priority !== 'number' || !Number.isFinite(priority)) throw new MlopsError('INVALID_ARGUMENT', 'registerBackend: priority must be a finite number.');
  const kind = options.kind ?? 'tfjs';
  if (kind !== 'tfjs' && kind !== 'js') throw new MlopsError('INVALID_ARGUMENT', `registerBackend: kind must be 'tfjs' or 'js', got ${JSON.stringify(kind)}.`);
  const start =
    kind === 'js'
      ? async (): Promise<StartedBackend> => {
          const impl = (await factory()) as JsBackendImpl | undefined;
          if (impl === null || typeof impl !== 'object' || typeof impl.matrix !== 'function') {
            throw new MlopsError('BACKEND_UNAVAILABLE', `The factory of backend "${name}" must return an object with a matrix(X) method.`);
          }
          return { handle: { name, kind: 'js', matrix: (X: Matrix) => impl.matrix(X) } };
        }
      : () =>
          startTfjs(name, `The backend "${name}"`, async (tf) => {
            if (tf.findBackendFactory(name) == null) tf.registerBackend(name, factory as Parameters<Tf['registerBackend']>[1], priority);
            return {};
          });
  custom.set(name, { name, kind, priority, builtin: false, start });
}

/** The registered backends, highest priority first. */
export function listBackends(): BackendInfo[] {
  return definitions().map((d) => ({ name: d.name, kind: d.kind, priority: d.priority, builtin: d.builtin, started: starting.has(d.name) }));
}

/** What the last {@link useBackend} call selected, or undefined (training then uses `cpu`). */
export function currentBackend(): BackendSelection | undefined {
  return current?.selection;
}

/**
 * Releases what started backends hold (the WebGPU device and Dawn instance, which keep a
 * Node process alive) and forgets the selection; the next use starts afresh. Call it
 * before a process or test file ends when webgpu was used. Tensors still held on webgpu
 * are lost.
 */
export async function disposeBackends(): Promise<void> {
  const pending = [...starting.values()];
  starting.clear();
  current = undefined;
  lastAuto = undefined;
  const results = await Promise.allSettled(pending);
  for (const r of results) if (r.status === 'fulfilled') r.value.release?.();
}

/**
 * The handle a training run uses: `name` as the Trainer's `backend` option gives it
 * (`'auto'`: selected once and reused), or, when undefined, the backend the last
 * `useBackend` selected, else `cpu`.
 * @internal
 */
export async function backendHandleFor(name: string | undefined): Promise<BackendHandle> {
  if (name === undefined) {
    if (current === undefined) return CPU_HANDLE;
    const { handle } = current.started;
    if (handle.kind === 'tfjs') await activateTfjs(handle.tf as Tf, handle.name);
    return handle;
  }
  if (name === 'auto') {
    if (lastAuto !== undefined && starting.has(lastAuto.selection.name)) {
      const { handle } = lastAuto.started;
      if (handle.kind === 'tfjs') await activateTfjs(handle.tf as Tf, handle.name);
      return handle;
    }
    lastAuto = await select('auto', {});
    return lastAuto.started.handle;
  }
  return (await select(name, {})).started.handle;
}
