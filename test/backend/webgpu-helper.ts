/**
 * Starts the webgpu backend for tests. In CI (CI=true) it must start (on Mesa's software
 * OpenGL ES adapter when there is no GPU) and a failure fails the test file; elsewhere a
 * machine without the adapter skips the webgpu cases with a loud warning.
 */
import { useBackend } from '../../src/backend/index';
import type { BackendSelection } from '../../src/backend/types';

let probe: Promise<BackendSelection | undefined> | undefined;

export function startWebGpu(): Promise<BackendSelection | undefined> {
  probe ??= useBackend('webgpu').catch((err: Error) => {
    if (process.env.CI) throw err;
    console.warn(
      `\n*** webgpu tests SKIPPED on this machine: ${err.message}\n*** They run in CI (CI=true) on Mesa's software adapter: apt-get install libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri\n`,
    );
    return undefined;
  });
  return probe;
}
