/**
 * Loading an optional peer dependency on first use. Nothing here runs at import time:
 * the packages are imported inside functions, so the core entry's static import graph
 * never contains them.
 *
 * @module
 */
import { type ErrorCode, MlopsError } from './errors';

/** How {@link importOptional} reports what it loads. @internal */
export interface OptionalImport {
  /** The package specifier, as passed to `import()`. */
  package: string;
  /** What needs it, for messages ("The sqlite store", "mlops-kit/dataset/arrow"). */
  feature: string;
  /** An export the module must have; found on the module or on its `default` (CommonJS interop). */
  probe?: string;
  /** Packages to `npm install` when it is missing (default: the package). */
  install?: readonly string[];
  /** Code when the package is installed but fails to load (default `DEPENDENCY_MISSING`). */
  failedCode?: ErrorCode;
}

function isModuleNotFound(err: unknown, specifier: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (e === null || typeof e !== 'object') return false;
  if (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'MODULE_NOT_FOUND') return false;
  // Only when the missing module is the one asked for, not something it imports.
  return typeof e.message === 'string' && e.message.includes(specifier);
}

/**
 * Imports an optional package through `load` (a literal `() => import('pkg')`, so that
 * bundlers see the specifier). A package that is not installed becomes
 * `DEPENDENCY_MISSING` with the `npm install` line; one that is installed but fails to
 * load (a native module built for another Node version, say) becomes `failedCode` with
 * the underlying reason. A CommonJS package comes back as its `module.exports`.
 * @internal
 */
export async function importOptional<T>(load: () => Promise<unknown>, spec: OptionalImport): Promise<T> {
  const install = spec.install ?? [spec.package];
  let mod: Record<string, unknown>;
  try {
    mod = (await load()) as Record<string, unknown>;
  } catch (err) {
    if (isModuleNotFound(err, spec.package)) {
      throw new MlopsError('DEPENDENCY_MISSING', `${spec.feature} needs the package "${spec.package}", which is not installed. Install it: npm install ${install.join(' ')}`, {
        details: { package: spec.package, install },
        cause: err,
      });
    }
    throw new MlopsError(
      spec.failedCode ?? 'DEPENDENCY_MISSING',
      `${spec.feature}: the package "${spec.package}" is installed but failed to load: ${(err as Error)?.message ?? String(err)}. Reinstall it (npm rebuild ${spec.package}, or npm install ${install.join(' ')}).`,
      { details: { package: spec.package }, cause: err },
    );
  }
  const def = mod.default as Record<string, unknown> | undefined;
  if (spec.probe === undefined) return (def !== null && (typeof def === 'object' || typeof def === 'function') ? def : mod) as T;
  if (spec.probe in mod) return mod as T;
  if (def !== null && (typeof def === 'object' || typeof def === 'function') && spec.probe in def) return def as T;
  throw new MlopsError(spec.failedCode ?? 'DEPENDENCY_MISSING', `${spec.feature}: "${spec.package}" loaded but has no export "${spec.probe}"; is the installed version supported?`, {
    details: { package: spec.package },
  });
}
