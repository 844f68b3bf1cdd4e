/**
 * Public types of the compute-backend registry.
 *
 * @module
 */
import type { Matrix } from '../preprocess/pipeline';

/**
 * A design matrix held by a compute backend: the training features uploaded once, with
 * the two products every linear model's gradient needs. Results come back as float64.
 */
export interface DesignMatrix {
  /** Rows of X. */
  readonly rows: number;
  /** Columns of X. */
  readonly cols: number;
  /** `X · W` where `W` is `cols x k` row-major; returns `rows x k` row-major. */
  mul(W: Float64Array, k: number): Promise<Float64Array>;
  /** `Xᵀ · R` where `R` is `rows x k` row-major; returns `cols x k` row-major. */
  mulT(R: Float64Array, k: number): Promise<Float64Array>;
  /** Frees backend memory (tensors). Safe to call twice. */
  dispose(): void;
}

/** A compute backend as a family sees it. Created by the backend module. */
export interface BackendHandle {
  /** Name of the backend that actually runs (`cpu`, `wasm`, `webgpu`, `js`, ...). */
  readonly name: string;
  /** `'tfjs'` when `tf` is set; `'js'` for the SDK's own typed-array kernels. */
  readonly kind: 'tfjs' | 'js';
  /** The tfjs-core module, when kind is `'tfjs'`. */
  readonly tf?: unknown;
  /** Uploads a feature matrix for repeated products. */
  matrix(X: Matrix): DesignMatrix;
}


/**
 * How a backend computes: `'tfjs'` runs tensor operations through tfjs-core (wasm,
 * webgpu, any tfjs backend you register); `'js'` runs the SDK's own typed-array kernels
 * (the `cpu` backend, or a custom handle).
 */
export type BackendKind = 'tfjs' | 'js';

/** A backend that was tried and could not start, with the reason. */
export interface BackendFailure {
  /** Backend name. */
  name: string;
  /** Why it was skipped, in words (the error message, or why `auto` passed it over). */
  error: string;
  /** The MlopsError code when there is one (`DEPENDENCY_MISSING`, `BACKEND_UNAVAILABLE`, ...). */
  code?: string;
}

/** The GPU adapter the `webgpu` backend runs on, as reported by WebGPU. */
export interface GpuAdapterReport {
  /** One human-readable line: device and driver, e.g. `"llvmpipe (OpenGL ES 3.2 Mesa 22.3.6)"`. */
  description: string;
  /** GPU vendor, when the driver reports it (`nvidia`, `amd`, `intel`, `apple`, ...). */
  vendor: string;
  /** GPU architecture, when reported. */
  architecture: string;
  /** Device name, when reported. */
  device: string;
  /**
   * True for a CPU rasteriser posing as a GPU (Mesa llvmpipe/lavapipe, SwiftShader):
   * correct, but slower than the `wasm` backend.
   */
  software: boolean;
  /** How Dawn reached it: `'default'` (Vulkan, Metal or D3D12) or `'opengles'`. */
  dawnBackend: 'default' | 'opengles' | 'navigator';
  /** WebGPU feature level requested: `'core'`, or `'compatibility'` for OpenGL ES. */
  featureLevel: 'core' | 'compatibility';
}

/** What {@link useBackend} selected and why. */
export interface BackendSelection {
  /** The backend that runs (`cpu`, `wasm`, `webgpu`, or a registered name). */
  name: string;
  /** How it computes. */
  kind: BackendKind;
  /** What was asked for (`auto`, or a name). */
  requested: string;
  /** Its priority in the registry (higher is tried first by `auto`). */
  priority: number;
  /** Why this backend runs, in one sentence (for logs). */
  reason: string;
  /** Backends tried before it that could not start, in the order tried. Empty when the first one started. */
  fallbacks: BackendFailure[];
  /** `webgpu` only: the adapter in use. */
  adapter?: GpuAdapterReport;
  /** `wasm` only: where the `.wasm` files were loaded from and whether SIMD is used. */
  wasm?: { directory: string; simd: boolean; threads: boolean };
}

/** Options of the `webgpu` backend. */
export interface WebGpuOptions {
  /**
   * Which adapter to accept: `'auto'` (default) tries the hardware GPU first (Dawn's
   * default: Vulkan, Metal or D3D12) and falls back to Mesa's software OpenGL ES adapter;
   * `'hardware'` refuses a software adapter; `'software'` goes straight to OpenGL ES.
   * `useBackend('auto')` always asks for `'hardware'`: a software adapter is slower than wasm.
   */
  adapter?: 'auto' | 'hardware' | 'software';
  /** Extra Dawn instance flags, e.g. `['enable-dawn-features=allow_unsafe_apis']`. */
  dawnFlags?: string[];
  /** Adapter power preference (default `'high-performance'`). */
  powerPreference?: 'high-performance' | 'low-power';
}

/** Options of {@link useBackend}. */
export interface UseBackendOptions {
  /**
   * When the named backend cannot start, try the others by priority instead of throwing.
   * Default: `true` for `'auto'`, `false` for a name (an explicit choice fails loudly).
   */
  fallback?: boolean;
  /**
   * `wasm`: a folder holding `tfjs-backend-wasm.wasm` and `tfjs-backend-wasm-simd.wasm`
   * (default: located in the installed `@tensorflow/tfjs-backend-wasm` package). Must be
   * set before the wasm backend first starts.
   */
  wasmPath?: string;
  /** `webgpu` options. */
  webgpu?: WebGpuOptions;
}

/** What a `kind: 'js'` factory returns: the products every linear model needs. */
export interface JsBackendImpl {
  /** Wraps a feature matrix for repeated `X·W` and `Xᵀ·R` products. */
  matrix(X: Matrix): DesignMatrix;
}

/**
 * Creates a custom backend. For `kind: 'tfjs'` (default) it returns a tfjs
 * `KernelBackend` (it is registered with tfjs-core under the same name, so the kernels
 * registered for that name run); for `kind: 'js'` it returns a {@link JsBackendImpl}.
 * It may be async; a thrown error makes `useBackend` skip the backend with that reason.
 */
export type BackendFactory = () => unknown;

/** Options of {@link registerBackend}. */
export interface RegisterBackendOptions {
  /**
   * Order in which `useBackend('auto')` tries backends, highest first. Built-ins:
   * webgpu 30 (hardware adapters only), cpu 10 (always starts, so `auto` stops there),
   * wasm 5. Default 0.
   */
  priority?: number;
  /** `'tfjs'` (default): the factory returns a tfjs KernelBackend. `'js'`: a {@link JsBackendImpl}. */
  kind?: BackendKind;
}

/** One entry of {@link listBackends}. */
export interface BackendInfo {
  /** Name. */
  name: string;
  /** How it computes. */
  kind: BackendKind;
  /** Priority for `auto`. */
  priority: number;
  /** Shipped with the SDK (`cpu`, `wasm`, `webgpu`) or registered by the application. */
  builtin: boolean;
  /** Whether it has been started in this process. */
  started: boolean;
}

/** A started backend: the handle families use and what to report about it. @internal */
export interface StartedBackend {
  handle: BackendHandle;
  adapter?: GpuAdapterReport;
  wasm?: BackendSelection['wasm'];
  /** Frees what the backend holds (GPU device, Dawn instance). */
  release?: () => void;
}
