/**
 * Loading an optional peer dependency on first use.
 *
 * @module
 */
import { MlopsError } from '../../errors';

/**
 * Runs `load` (a literal `() => import('pkg')`, so bundlers see the specifier) and turns
 * "package not installed" into `DEPENDENCY_MISSING` naming what to install.
 * @internal
 */
export async function loadOptional<T>(load: () => Promise<T>, pkg: string, feature: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(String((err as Error)?.message))) {
      throw new MlopsError('DEPENDENCY_MISSING', `${feature} needs the package "${pkg}", which is not installed. Install it: npm install ${pkg}`, {
        details: { package: pkg },
        cause: err,
      });
    }
    throw err;
  }
}
