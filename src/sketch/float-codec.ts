/**
 * Compact, exact JSON encoding of float64 arrays: little-endian IEEE-754 bytes in
 * base64. Every value (including `-0`, subnormals and the exact bits of each double)
 * round-trips, the text is about 40% shorter than decimal JSON numbers, and any
 * language can decode it.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { decodeBase64, encodeBase64, littleEndianBytes, readLittleEndian } from '../encoding/base64';

/** Base64 (standard alphabet, padded) of a float64 array's little-endian bytes. */
export function encodeFloat64(values: ArrayLike<number>): string {
  return encodeBase64(littleEndianBytes(values, 'float64'));
}

/**
 * Decodes {@link encodeFloat64} output. Throws `INVALID_ARGUMENT` naming `what` when the
 * text is not base64 of a whole number of doubles.
 */
export function decodeFloat64(text: unknown, what: string): Float64Array {
  const bytes = decodeBase64(text);
  if (bytes === undefined) {
    throw new MlopsError('INVALID_ARGUMENT', `${what} must be a base64 string of little-endian float64 values (standard alphabet, padded, length a multiple of 4).`);
  }
  if (bytes.byteLength % 8 !== 0) {
    throw new MlopsError('INVALID_ARGUMENT', `${what} decodes to ${bytes.byteLength} bytes, which is not a whole number of float64 values.`);
  }
  return readLittleEndian(bytes, 'float64');
}
