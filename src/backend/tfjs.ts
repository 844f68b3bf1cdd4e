/**
 * Loading tfjs-core and other optional packages on demand. Nothing here runs at import
 * time: the packages are imported inside functions, so the core entry's static import
 * graph never contains them.
 *
 * @module
 */
import { MlopsError } from '../errors';

/** The tfjs-core module. Type only: erased at build time. @internal */
export type Tf = typeof import('@tensorflow/tfjs-core');

/** The tfjs version the SDK is built and tested against. */
const TFJS_VERSION = '4.22.0';

function isModuleNotFound(err: unknown, specifier: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (e === null || typeof e !== 'object') return false;
  if (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'MODULE_NOT_FOUND') return false;
  // Only when the missing module is the one asked for, not something it imports.
  return typeof e.message === 'string' && e.message.includes(specifier);
}

/**
 * Imports an optional package through `load` (a literal `() => import('pkg')`, so that
 * bundlers see it). A missing package becomes `DEPENDENCY_MISSING` naming the packages to
 * install for `feature`; any other failure `BACKEND_UNAVAILABLE`. A CommonJS package is
 * returned as its `module.exports`; `probe` names an export it must have.
 * @internal
 */
export async function importOptional<T>(load: () => Promise<unknown>, specifier: string, feature: string, probe: string, install: string[] = [specifier]): Promise<T> {
  let mod: Record<string, unknown>;
  try {
    mod = (await load()) as Record<string, unknown>;
  } catch (err) {
    if (isModuleNotFound(err, specifier)) {
      throw new MlopsError('DEPENDENCY_MISSING', `${feature} needs the package "${specifier}", which is not installed. Install it: npm install ${install.join(' ')}`, {
        details: { package: specifier, install },
        cause: err,
      });
    }
    throw new MlopsError('BACKEND_UNAVAILABLE', `${feature}: importing "${specifier}" failed: ${(err as Error).message}`, { cause: err });
  }
  // A CommonJS package imported from ESM (or through a bundler's interop) may carry its
  // exports on `default` only: `probe` names an export that must be there.
  if (probe in mod) return mod as T;
  const def = mod.default as Record<string, unknown> | undefined;
  if (def !== null && typeof def === 'object' && probe in def) return def as T;
  throw new MlopsError('BACKEND_UNAVAILABLE', `${feature}: "${specifier}" loaded but has no export "${probe}"; is the installed version supported?`);
}

let tfPromise: Promise<Tf> | undefined;

/** Loads tfjs-core once. @internal */
export function loadTfjs(feature: string): Promise<Tf> {
  tfPromise ??= importOptional<Tf>(() => import('@tensorflow/tfjs-core'), '@tensorflow/tfjs-core', feature, 'setBackend', [`@tensorflow/tfjs-core@${TFJS_VERSION}`]).catch(
    (err: unknown) => {
      tfPromise = undefined;
      throw err;
    },
  );
  return tfPromise;
}

/** The install line for a tfjs backend package at the supported version. @internal */
export function tfjsInstall(pkg: string): string[] {
  return [`@tensorflow/tfjs-core@${TFJS_VERSION}`, `${pkg}@${TFJS_VERSION}`];
}
