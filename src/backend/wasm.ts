/**
 * The `wasm` backend: @tensorflow/tfjs-backend-wasm with its `.wasm` files located on
 * disk, never fetched.
 *
 * The files are found from the installed package (`require.resolve` of
 * `@tensorflow/tfjs-backend-wasm/package.json`, first next to this module, then from the
 * working directory, which covers a bundled copy of the SDK), or in the folder given as
 * `wasmPath`. SIMD is used when the runtime supports it (Node 20 does); tfjs turns
 * threads off in Node.
 *
 * `useBackend('wasm')` loads this module on demand; import it directly only for
 * {@link locateWasmFiles} (for example, to copy the files into a container image).
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { MlopsError } from '../errors';
import { importOptional } from '../optional';
import { type Tf, tfjsInstall } from './tfjs';
import type { StartedBackend } from './types';

/** The binaries the Node build of tfjs-backend-wasm loads (threads are off in Node). */
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/** Where the wasm backend's binaries are. */
export interface WasmFiles {
  /** Folder holding the files (absolute). */
  directory: string;
  /** Absolute path of each binary, by file name. */
  files: Record<string, string>;
  /** Version of the package they came from (`undefined` for a `wasmPath` folder). */
  version?: string;
  /** How they were found: `'wasmPath'`, `'module'` (next to the SDK) or `'cwd'`. */
  source: 'wasmPath' | 'module' | 'cwd';
}

/** Options of {@link locateWasmFiles}. */
export interface LocateWasmOptions {
  /** A folder holding the `.wasm` files; default: the installed package. */
  wasmPath?: string;
}

function filesIn(directory: string): Record<string, string> | undefined {
  const files: Record<string, string> = {};
  for (const name of WASM_FILES) {
    const p = join(directory, name);
    if (!existsSync(p)) return undefined;
    files[name] = p;
  }
  return files;
}

function moduleUrl(): string | undefined {
  try {
    return import.meta.url || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds the `.wasm` files of @tensorflow/tfjs-backend-wasm without loading tfjs.
 * Throws `BACKEND_UNAVAILABLE` naming the places looked at when they are not found.
 *
 * @example
 * ```ts
 * import { locateWasmFiles } from 'mlops-kit/backend/wasm';
 * const { directory, files } = locateWasmFiles();
 * // e.g. COPY these into the image and pass { wasmPath } to useBackend('wasm', ...)
 * ```
 */
export function locateWasmFiles(options: LocateWasmOptions = {}): WasmFiles {
  if (options.wasmPath !== undefined) {
    if (typeof options.wasmPath !== 'string' || options.wasmPath.length === 0) {
      throw new MlopsError('INVALID_ARGUMENT', 'wasmPath must be the path of a folder holding the tfjs .wasm files.');
    }
    const directory = resolve(options.wasmPath);
    const isDir = existsSync(directory) && statSync(directory).isDirectory();
    const files = isDir ? filesIn(directory) : undefined;
    if (files === undefined) {
      throw new MlopsError(
        'BACKEND_UNAVAILABLE',
        `wasmPath "${directory}" ${isDir ? 'does not hold' : 'is not a folder holding'} ${WASM_FILES.join(' and ')}. Copy them there from node_modules/@tensorflow/tfjs-backend-wasm/dist/, or leave wasmPath unset to use the installed package.`,
        { details: { wasmPath: directory, needed: [...WASM_FILES] } },
      );
    }
    return { directory, files, source: 'wasmPath' };
  }
  const tried: string[] = [];
  const bases: Array<[WasmFiles['source'], string | undefined]> = [
    ['module', moduleUrl()],
    ['cwd', join(process.cwd(), 'package.json')],
  ];
  for (const [source, base] of bases) {
    if (base === undefined) continue;
    let pkgJson: string;
    try {
      pkgJson = createRequire(base).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    } catch {
      tried.push(`${source === 'cwd' ? process.cwd() : base} (package not resolvable)`);
      continue;
    }
    const directory = join(dirname(pkgJson), 'dist');
    const files = filesIn(directory);
    if (files === undefined) {
      tried.push(`${directory} (files missing)`);
      continue;
    }
    const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version;
    return { directory, files, version, source };
  }
  throw new MlopsError(
    'BACKEND_UNAVAILABLE',
    `The tfjs wasm binaries were not found (looked in: ${tried.join('; ')}). Install the package (npm install ${tfjsInstall('@tensorflow/tfjs-backend-wasm').join(' ')}) or pass { wasmPath } pointing at a folder with ${WASM_FILES.join(' and ')}.`,
    { details: { tried } },
  );
}

interface WasmModule {
  setWasmPaths(prefix: string): void;
  version_wasm: string;
}

/**
 * Prepares the wasm backend: imports the package (which registers its tfjs factory)
 * and points it at the located binaries. The registry then activates it.
 * @internal
 */
export async function prepareWasm(tf: Tf, options: LocateWasmOptions): Promise<Omit<StartedBackend, 'handle'>> {
  const wasm = await importOptional<WasmModule>(() => import('@tensorflow/tfjs-backend-wasm'), {
    package: '@tensorflow/tfjs-backend-wasm',
    feature: 'The wasm backend',
    probe: 'setWasmPaths',
    install: tfjsInstall('@tensorflow/tfjs-backend-wasm'),
    failedCode: 'BACKEND_UNAVAILABLE',
  });
  const located = locateWasmFiles(options);
  if (located.version !== undefined && located.version !== wasm.version_wasm) {
    throw new MlopsError(
      'BACKEND_UNAVAILABLE',
      `The wasm binaries found in ${located.directory} are version ${located.version}, but the loaded @tensorflow/tfjs-backend-wasm is ${wasm.version_wasm}. Pass { wasmPath } pointing at the ${wasm.version_wasm} binaries.`,
    );
  }
  if (tf.engine().registry.wasm !== undefined) {
    // Already initialised (by an earlier call, or by the application itself): tfjs cannot
    // load other binaries into a running backend.
    if (options.wasmPath !== undefined && located.directory !== loadedFrom) {
      throw new MlopsError('INVALID_ARGUMENT', `The wasm backend already runs${loadedFrom === undefined ? '' : ` with the binaries from ${loadedFrom}`}; wasmPath must be given before it first starts.`);
    }
  } else {
    wasm.setWasmPaths(located.directory.endsWith(sep) ? located.directory : located.directory + sep);
    loadedFrom = located.directory;
  }
  return { wasm: { directory: loadedFrom ?? located.directory, simd: false, threads: false } };
}

/** The folder the running wasm backend loaded its binaries from. */
let loadedFrom: string | undefined;

/** Reads the SIMD/threads flags tfjs settled on, once the backend runs. @internal */
export async function wasmFeatures(tf: Tf): Promise<{ simd: boolean; threads: boolean }> {
  const env = tf.env();
  return { simd: Boolean(await env.getAsync('WASM_HAS_SIMD_SUPPORT')), threads: Boolean(await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) };
}
