import { isMlopsError } from '../../../src/errors';

/** The MlopsError code `fn` throws, 'not-an-MlopsError' for another error, undefined when it returns. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isMlopsError(error) ? error.code : 'not-an-MlopsError';
  }
  return undefined;
}
