/**
 * Loading tfjs-core on demand (through the SDK's optional-import helper), and the
 * install lines of the tfjs packages.
 *
 * @module
 */
import { importOptional } from '../optional';

/** The tfjs-core module. Type only: erased at build time. @internal */
export type Tf = typeof import('@tensorflow/tfjs-core');

/** The tfjs version the SDK is built and tested against. */
const TFJS_VERSION = '4.22.0';

let tfPromise: Promise<Tf> | undefined;

/** Loads tfjs-core once. @internal */
export function loadTfjs(feature: string): Promise<Tf> {
  tfPromise ??= importOptional<Tf>(() => import('@tensorflow/tfjs-core'), {
    package: '@tensorflow/tfjs-core',
    feature,
    probe: 'setBackend',
    install: [`@tensorflow/tfjs-core@${TFJS_VERSION}`],
    failedCode: 'BACKEND_UNAVAILABLE',
  }).catch(
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
