/**
 * The `webgpu` backend: @tensorflow/tfjs-backend-webgpu on a WebGPU adapter.
 *
 * Where `navigator.gpu` exists (a browser, Deno, or an application that set it up), it is
 * used as is. In Node the SDK creates it from the `webgpu` package (Dawn) when the
 * backend is requested, never on import:
 *
 * 1. Dawn's default backends (Vulkan on Linux, Metal on macOS, D3D12 on Windows), core
 *    feature level: the hardware GPU when there is one.
 * 2. Dawn's OpenGL ES backend in compatibility mode. On a machine without a GPU this is
 *    Mesa's llvmpipe, a software rasteriser (install `libegl1 libegl-mesa0 libgles2
 *    libgl1-mesa-dri`); `EGL_PLATFORM=surfaceless` is set for the process when unset so
 *    that EGL needs no display.
 *
 * A software adapter is accepted only when nothing better exists and the caller allows
 * it (`useBackend('auto')` does not: it is slower than wasm). tfjs's kernels are
 * registered under the name `webgpu`, so the SDK registers its factory under that name.
 *
 * Dawn keeps native threads alive while an instance is referenced: call
 * `disposeBackends()` (core entry) before a process or test file ends.
 *
 * @module
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { MlopsError } from '../errors';
import { importOptional } from '../optional';
import { type Tf, tfjsInstall } from './tfjs';
import type { GpuAdapterReport, StartedBackend, WebGpuOptions } from './types';

/** The slice of the WebGPU API used here (structural, so no DOM typings are needed). */
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuDeviceLike {
  destroy(): void;
}
interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  readonly isFallbackAdapter?: boolean;
  readonly limits: Record<string, number>;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<GpuDeviceLike>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string; featureLevel?: string }): Promise<GpuAdapterLike | null>;
}
interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface WebGpuModule {
  WebGPUBackend: new (device: GpuDeviceLike, adapterInfo?: GpuAdapterInfoLike) => unknown;
}

interface Found {
  gpu: GpuLike;
  adapter: GpuAdapterLike;
  report: GpuAdapterReport;
  /** Whether `gpu` came from Dawn (then it must be installed as navigator.gpu). */
  ownInstance: boolean;
}

/** The running webgpu backend, when the SDK started it. */
let running: { report: GpuAdapterReport; release: () => void } | undefined;

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software|microsoft basic render/i;

function describe(adapter: GpuAdapterLike, dawnBackend: GpuAdapterReport['dawnBackend'], featureLevel: GpuAdapterReport['featureLevel']): GpuAdapterReport {
  const info = adapter.info ?? {};
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const driver = info.description ?? '';
  const name = device || [vendor, architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  return {
    description: driver && driver !== name ? `${name} (${driver})` : name,
    vendor,
    architecture,
    device,
    software: info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE.test(`${vendor} ${architecture} ${device} ${driver}`),
    dawnBackend,
    featureLevel,
  };
}

function navigatorGpu(): GpuLike | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? undefined;
}

async function loadDawn(): Promise<DawnModule> {
  return importOptional<DawnModule>(() => import('webgpu'), { package: 'webgpu', feature: 'The webgpu backend in Node (Dawn)', probe: 'create', failedCode: 'BACKEND_UNAVAILABLE' });
}

/** Lets EGL run without a display (Mesa's OpenGL ES adapter on a headless machine). */
function ensureEglPlatform(): void {
  if (process.platform === 'linux' && process.env.EGL_PLATFORM === undefined) process.env.EGL_PLATFORM = 'surfaceless';
}

/**
 * Finds an adapter as the module documentation describes. `prefer`: `'hardware'`
 * rejects software adapters; `'software'` asks OpenGL ES only; `'auto'` takes hardware
 * first and software last.
 */
async function findAdapter(options: WebGpuOptions, prefer: 'auto' | 'hardware' | 'software'): Promise<Found> {
  const powerPreference = options.powerPreference ?? 'high-performance';
  const existing = navigatorGpu();
  if (existing !== undefined && running === undefined) {
    const adapter = await existing.requestAdapter({ powerPreference });
    if (adapter === null) throw new MlopsError('BACKEND_UNAVAILABLE', 'navigator.gpu.requestAdapter() returned no adapter.');
    const report = describe(adapter, 'navigator', 'core');
    if (report.software && prefer === 'hardware') throw new MlopsError('BACKEND_UNAVAILABLE', `The only WebGPU adapter is a software one (${report.description}).`, { details: { adapter: report } });
    return { gpu: existing, adapter, report, ownInstance: false };
  }
  const dawn = await loadDawn();
  const flags = options.dawnFlags ?? [];
  ensureEglPlatform();
  const attempts: Array<{ backend: GpuAdapterReport['dawnBackend']; flags: string[]; featureLevel: GpuAdapterReport['featureLevel'] }> = [];
  if (prefer !== 'software') attempts.push({ backend: 'default', flags, featureLevel: 'core' });
  attempts.push({ backend: 'opengles', flags: ['backend=opengles', ...flags], featureLevel: 'compatibility' });
  const notes: string[] = [];
  let softwareFallback: Found | undefined;
  for (const attempt of attempts) {
    let gpu: GpuLike;
    let adapter: GpuAdapterLike | null;
    try {
      gpu = dawn.create(attempt.flags);
      adapter = await gpu.requestAdapter(attempt.featureLevel === 'core' ? { powerPreference } : { powerPreference, featureLevel: 'compatibility' });
    } catch (err) {
      notes.push(`${attempt.backend}: ${(err as Error).message}`);
      continue;
    }
    if (adapter === null) {
      notes.push(attempt.backend === 'default' ? 'Dawn default backends (Vulkan/Metal/D3D12): no adapter' : 'OpenGL ES: no adapter (is Mesa installed?)');
      continue;
    }
    const report = describe(adapter, attempt.backend, attempt.featureLevel);
    if (!report.software || prefer === 'software') return { gpu, adapter, report, ownInstance: true };
    notes.push(`${attempt.backend}: software adapter ${report.description}`);
    if (prefer === 'auto') softwareFallback ??= { gpu, adapter, report, ownInstance: true };
  }
  if (softwareFallback !== undefined) return softwareFallback;
  throw new MlopsError(
    'BACKEND_UNAVAILABLE',
    `No ${prefer === 'hardware' ? 'hardware ' : ''}WebGPU adapter (${notes.join('; ')}).${
      prefer === 'hardware' ? " Ask for useBackend('webgpu') to accept a software adapter." : ' For the software adapter install Mesa: apt-get install libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri.'
    }`,
    { details: { attempts: notes } },
  );
}

/**
 * Lists the WebGPU adapters this machine offers, hardware first, without starting the
 * backend (a diagnostic: "what would `webgpu` run on here?").
 *
 * @example
 * ```ts
 * import { listWebGpuAdapters } from 'mlops-kit/backend/webgpu';
 * for (const a of await listWebGpuAdapters()) console.log(a.description, a.software ? '(software)' : '');
 * ```
 */
export async function listWebGpuAdapters(options: Pick<WebGpuOptions, 'dawnFlags' | 'powerPreference'> = {}): Promise<GpuAdapterReport[]> {
  const out: GpuAdapterReport[] = [];
  for (const prefer of ['hardware', 'software'] as const) {
    try {
      out.push((await findAdapter(options, prefer)).report);
    } catch (err) {
      if ((err as MlopsError).code === 'DEPENDENCY_MISSING') throw err;
    }
  }
  return out;
}

/** Installs `gpu` as `navigator.gpu` (tfjs's WebGPU backend looks for it) and returns the undo. */
function installNavigatorGpu(gpu: GpuLike, globals: Record<string, unknown>): () => void {
  const g = globalThis as Record<string, unknown>;
  const added: string[] = [];
  for (const [key, value] of Object.entries(globals)) {
    if (key in g) continue;
    Object.defineProperty(g, key, { value, configurable: true, writable: true, enumerable: false });
    added.push(key);
  }
  // Node 21+ defines `navigator` as a getter on globalThis; Node 20 has none.
  const nav = g.navigator as Record<string, unknown> | undefined;
  let undoNavigator: () => void;
  if (nav === undefined || nav === null) {
    Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true, writable: true, enumerable: false });
    undoNavigator = () => delete g.navigator;
  } else {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true, enumerable: false });
    undoNavigator = () => delete nav.gpu;
  }
  return () => {
    undoNavigator();
    for (const key of added) delete g[key];
  };
}

/**
 * Prepares the webgpu backend: finds an adapter, creates the device, and registers the
 * tfjs factory under `webgpu`. The registry then activates it.
 * @internal
 */
export async function prepareWebGpu(tf: Tf, options: WebGpuOptions, requireHardware: boolean): Promise<Omit<StartedBackend, 'handle'>> {
  if (running !== undefined) {
    if (tf.engine().registry.webgpu !== undefined) {
      if (requireHardware && running.report.software) {
        throw new MlopsError('BACKEND_UNAVAILABLE', `webgpu runs on a software adapter (${running.report.description}), which is slower than wasm.`, { details: { adapter: running.report } });
      }
      return { adapter: running.report, release: running.release };
    }
    running.release(); // prepared earlier but never started: start afresh
  }
  const wg = await importOptional<WebGpuModule>(() => import('@tensorflow/tfjs-backend-webgpu'), {
    package: '@tensorflow/tfjs-backend-webgpu',
    feature: 'The webgpu backend',
    probe: 'WebGPUBackend',
    install: tfjsInstall('@tensorflow/tfjs-backend-webgpu'),
    failedCode: 'BACKEND_UNAVAILABLE',
  });
  const found = await findAdapter(options, requireHardware ? 'hardware' : (options.adapter ?? 'auto'));
  const limits = found.adapter.limits;
  // The limits tfjs asks for when it creates its own device (tfjs-backend-webgpu base.ts).
  const device = await found.adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  const uninstall = found.ownInstance ? installNavigatorGpu(found.gpu, (await loadDawn()).globals) : () => {};
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new wg.WebGPUBackend(device, found.adapter.info) as KernelBackend, 30);
  const release = (): void => {
    if (running?.release !== release) return;
    running = undefined;
    if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
    device.destroy();
    uninstall();
  };
  running = { report: found.report, release };
  return { adapter: found.report, release };
}
