/**
 * Base64 (standard alphabet, padded) for the binary arrays that JSON documents carry:
 * report predictions, sketch values. Decoding is strict: any character outside the
 * alphabet, misplaced padding or a length that is not a multiple of 4 is refused, never
 * skipped.
 *
 * @module
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 of bytes. @internal */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The bytes of strict base64 text, or `undefined` when the text is not base64. @internal */
export function decodeBase64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const buf = Buffer.from(text, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Little-endian bytes of a float64 or int32 array. @internal */
export function littleEndianBytes(values: ArrayLike<number>, type: 'float64' | 'int32'): Uint8Array {
  const size = type === 'float64' ? 8 : 4;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (type === 'float64') view.setFloat64(i * 8, values[i], true);
    else view.setInt32(i * 4, values[i], true);
  }
  return bytes;
}

/** Reads little-endian float64 or int32 values into a Float64Array. @internal */
export function readLittleEndian(bytes: Uint8Array, type: 'float64' | 'int32'): Float64Array {
  const size = type === 'float64' ? 8 : 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(Math.floor(bytes.byteLength / size));
  for (let i = 0; i < out.length; i++) out[i] = type === 'float64' ? view.getFloat64(i * 8, true) : view.getInt32(i * 4, true);
  return out;
}
