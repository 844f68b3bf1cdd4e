/**
 * The byte container of an artifact: preamble, JSON header, aligned tensor data, seal.
 * See {@link ./format} for the layout. Reading never trusts a length or an offset: every
 * one is checked against the real size before anything is allocated or sliced.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { NamedTensor, TensorData, TensorDType } from '../models/types';
import { canonicalJSON } from './canonical-json';
import { sha256Bytes } from './digest';
import {
  align,
  DTYPE_BYTES,
  FORMAT_ID,
  FORMAT_MAJOR,
  FORMAT_MINOR,
  MAGIC,
  MAX_HEADER_BYTES,
  MAX_JSON_DEPTH,
  MAX_RANK,
  MAX_TENSORS,
  PREAMBLE_BYTES,
  SEAL_BYTES,
} from './format';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const CTORS: Record<TensorDType, { new (buffer: ArrayBuffer): TensorData; new (length: number): TensorData }> = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
};

/** One entry of the header's tensor table. */
export interface TensorEntry {
  /** Unique name. */
  name: string;
  /** Element type. */
  dtype: TensorDType;
  /** Dimensions, row-major; their product times the element size is `byteLength`. */
  shape: number[];
  /** Byte offset from the start of the data section; a multiple of the element size. */
  offset: number;
  /** Bytes the tensor occupies. */
  byteLength: number;
}

/** What {@link readContainer} returns. */
export interface ContainerContents {
  /** Format version found in the file. */
  major: number;
  /** Minor format version found in the file. */
  minor: number;
  /** The parsed header object (its `tensors` table already checked). */
  header: Record<string, unknown>;
  /** The tensors, copied out of the file into fresh, aligned arrays. */
  tensors: NamedTensor[];
}

/** Options of {@link readContainer}. */
export interface ReadContainerOptions {
  /** Largest header accepted, at most {@link MAX_HEADER_BYTES}. */
  maxHeaderBytes?: number;
  /** Receives a message when the file has a newer minor version than this library. */
  onWarning?: (message: string) => void;
}

function corrupt(message: string, details?: Record<string, unknown>): MlopsError {
  return new MlopsError('ARTIFACT_CORRUPT', `${message} The file is damaged or not an mlops-kit artifact; fetch it again or re-create it.`, { details });
}

function isDType(value: unknown): value is TensorDType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, value);
}

function tensorBytes(t: NamedTensor): Uint8Array {
  const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const size = DTYPE_BYTES[t.dtype];
  if (LITTLE_ENDIAN || size === 1) return src;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += size) for (let j = 0; j < size; j++) out[i + j] = src[i + size - 1 - j];
  return out;
}

function checkTensor(t: NamedTensor): number {
  if (typeof t !== 'object' || t === null || typeof t.name !== 'string' || t.name.length === 0) {
    throw new MlopsError('INVALID_ARGUMENT', 'Every model tensor needs a non-empty string name.');
  }
  if (!isDType(t.dtype) || !(t.data instanceof CTORS[t.dtype])) {
    throw new MlopsError('INVALID_ARGUMENT', `Tensor "${t.name}": dtype ${JSON.stringify(t.dtype)} does not match its data (${t.data?.constructor?.name}).`);
  }
  if (!Array.isArray(t.shape) || t.shape.length > MAX_RANK || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new MlopsError('INVALID_ARGUMENT', `Tensor "${t.name}": shape must be at most ${MAX_RANK} non-negative integers.`);
  }
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) {
    throw new MlopsError('INVALID_ARGUMENT', `Tensor "${t.name}": shape [${t.shape.join(', ')}] holds ${count} values but its data has ${t.data.length}.`);
  }
  return t.data.byteLength;
}

/**
 * Writes a complete artifact file. `header` must not contain `tensors` (the table is
 * computed here) and is serialised as canonical JSON, so equal inputs give equal bytes.
 */
export function writeContainer(header: Record<string, unknown>, tensors: readonly NamedTensor[]): Uint8Array {
  if (tensors.length > MAX_TENSORS) throw new MlopsError('INVALID_ARGUMENT', `An artifact holds at most ${MAX_TENSORS} tensors; this model has ${tensors.length}.`);
  const names = new Set<string>();
  const table: TensorEntry[] = [];
  let dataLength = 0;
  for (const t of tensors) {
    const byteLength = checkTensor(t);
    if (names.has(t.name)) throw new MlopsError('INVALID_ARGUMENT', `Two model tensors are named "${t.name}"; names must be unique.`);
    names.add(t.name);
    const offset = align(dataLength);
    table.push({ name: t.name, dtype: t.dtype, shape: [...t.shape], offset, byteLength });
    dataLength = offset + byteLength;
  }
  const headerBytes = new TextEncoder().encode(canonicalJSON({ ...header, format: FORMAT_ID, tensors: table }, 'error', 'The artifact header'));
  if (headerBytes.length > MAX_HEADER_BYTES) {
    throw new MlopsError('ARTIFACT_TOO_LARGE', `The artifact header would be ${headerBytes.length} bytes, over the ${MAX_HEADER_BYTES}-byte limit. Keep bulky data out of the manifest: large metadata, or an evaluation report with per-row predictions (evaluate with keepPredictions: false).`, {
      details: { headerBytes: headerBytes.length, limit: MAX_HEADER_BYTES },
    });
  }
  const dataOffset = align(PREAMBLE_BYTES + headerBytes.length);
  const total = dataOffset + dataLength + SEAL_BYTES;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint16(8, FORMAT_MAJOR, true);
  dv.setUint16(10, FORMAT_MINOR, true);
  dv.setBigUint64(16, BigInt(headerBytes.length), true);
  dv.setBigUint64(24, BigInt(dataLength), true);
  out.set(headerBytes, PREAMBLE_BYTES);
  tensors.forEach((t, i) => out.set(tensorBytes(t), dataOffset + table[i].offset));
  out.set(sha256Bytes(out.subarray(0, total - SEAL_BYTES)), total - SEAL_BYTES);
  return out;
}

function readU64(dv: DataView, at: number): number {
  const lo = dv.getUint32(at, true);
  const hi = dv.getUint32(at + 4, true);
  // Exact below 2^53; anything larger is clamped to a value that fails every bound check.
  return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + lo;
}

/** Checks magic, major version and sizes; returns the layout. Allocates nothing. */
function readPreamble(bytes: Uint8Array, options: ReadContainerOptions): { major: number; minor: number; headerLength: number; dataOffset: number; dataLength: number } {
  const maxHeader = options.maxHeaderBytes ?? MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(maxHeader) || maxHeader < 1 || maxHeader > MAX_HEADER_BYTES) {
    throw new MlopsError('INVALID_ARGUMENT', `maxHeaderBytes must be an integer from 1 to ${MAX_HEADER_BYTES}, got ${String(maxHeader)}.`);
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      const hint = bytes[0] === 0x08 ? ' It may be an ONNX model: wrap those with importONNX from mlops-kit/runtime/onnx.' : '';
      throw corrupt(`Wrong magic bytes: this is not an mlops-kit artifact (${bytes.length} bytes).${hint}`, { length: bytes.length });
    }
  }
  if (bytes.length < PREAMBLE_BYTES + SEAL_BYTES) throw corrupt(`The file is truncated: ${bytes.length} bytes is shorter than the smallest artifact.`, { length: bytes.length });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = dv.getUint16(8, true);
  const minor = dv.getUint16(10, true);
  if (major !== FORMAT_MAJOR) {
    throw new MlopsError(
      'ARTIFACT_UNSUPPORTED_VERSION',
      major > FORMAT_MAJOR
        ? `The artifact uses format version ${major}.${minor}, newer than this library reads (${FORMAT_MAJOR}.x). Upgrade mlops-kit to load it.`
        : `The artifact uses format version ${major}.${minor}, which this library does not read (it reads ${FORMAT_MAJOR}.x). Re-create the artifact from its model.`,
      { details: { major, minor, supported: FORMAT_MAJOR } },
    );
  }
  const headerLength = readU64(dv, 16);
  const dataLength = readU64(dv, 24);
  if (headerLength > maxHeader) {
    throw new MlopsError('ARTIFACT_TOO_LARGE', `The artifact header claims ${headerLength} bytes, over the ${maxHeader}-byte limit. The file is corrupt or was not written by mlops-kit.`, {
      details: { headerLength, limit: maxHeader },
    });
  }
  if (headerLength < 2) throw corrupt(`The header length (${headerLength}) is too small for a JSON object.`);
  const dataOffset = align(PREAMBLE_BYTES + headerLength);
  const expected = dataOffset + dataLength + SEAL_BYTES;
  if (dataLength > bytes.length || expected > bytes.length) {
    throw corrupt(`The file is truncated: its preamble announces ${expected > Number.MAX_SAFE_INTEGER / 2 ? 'more than 2^52' : expected} bytes but it has ${bytes.length}.`, {
      length: bytes.length,
      expected,
    });
  }
  if (expected < bytes.length) {
    throw corrupt(`The file has ${bytes.length - expected} unexpected trailing byte(s) after the seal.`, { length: bytes.length, expected });
  }
  return { major, minor, headerLength, dataOffset, dataLength };
}

function checkSeal(bytes: Uint8Array): void {
  const end = bytes.length - SEAL_BYTES;
  const actual = sha256Bytes(bytes.subarray(0, end));
  for (let i = 0; i < SEAL_BYTES; i++) {
    if (actual[i] !== bytes[end + i]) {
      throw new MlopsError(
        'ARTIFACT_INTEGRITY',
        'The artifact failed its integrity check: its content does not match the SHA-256 seal written with it, so some byte changed after it was written. Fetch it again from the registry or re-create it.',
      );
    }
  }
}

function parseHeader(bytes: Uint8Array, headerLength: number): Record<string, unknown> {
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength));
  } catch (cause) {
    throw new MlopsError('ARTIFACT_CORRUPT', 'The artifact header is not valid UTF-8.', { cause });
  }
  try {
    header = JSON.parse(text);
  } catch (cause) {
    throw new MlopsError('ARTIFACT_CORRUPT', `The artifact header is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw corrupt(`The artifact header must be a JSON object, got ${header === null ? 'null' : Array.isArray(header) ? 'an array' : typeof header}.`);
  }
  // Bounded nesting, checked without recursion, so no later walk can exhaust the stack.
  const stack: Array<[unknown, number]> = [[header, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) throw corrupt(`The artifact header nests deeper than ${MAX_JSON_DEPTH} levels.`);
    for (const child of Object.values(v as object)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  const h = header as Record<string, unknown>;
  if (h.format !== FORMAT_ID) throw corrupt(`The header's "format" is ${JSON.stringify(h.format)}, expected "${FORMAT_ID}".`);
  return h;
}

/** Validates the tensor table against the data section; returns the checked entries. */
function checkTable(raw: unknown, dataLength: number): TensorEntry[] {
  if (!Array.isArray(raw)) throw corrupt('The header has no "tensors" table (an array).');
  if (raw.length > MAX_TENSORS) throw corrupt(`The tensor table lists ${raw.length} tensors, more than the ${MAX_TENSORS} allowed.`);
  const names = new Set<string>();
  const entries: TensorEntry[] = [];
  raw.forEach((e: unknown, i) => {
    const bad = (why: string): never => {
      throw corrupt(`Tensor table entry ${i}: ${why}.`, { tensor: i });
    };
    if (typeof e !== 'object' || e === null || Array.isArray(e)) bad('not an object');
    const { name, dtype, shape, offset, byteLength } = e as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0 || name.length > 1024) bad('"name" must be a non-empty string');
    if (names.has(name as string)) bad(`duplicated name ${JSON.stringify(name)}`);
    names.add(name as string);
    if (!isDType(dtype)) bad(`unknown dtype ${JSON.stringify(dtype)}`);
    const size = DTYPE_BYTES[dtype as TensorDType];
    if (!Array.isArray(shape) || shape.length > MAX_RANK) bad(`"shape" must be an array of at most ${MAX_RANK} dimensions`);
    let count = 1;
    for (const d of shape as unknown[]) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) bad(`dimension ${JSON.stringify(d)} is not a non-negative integer`);
      if (d !== 0 && count > Number.MAX_SAFE_INTEGER / (d as number) / size) bad(`shape [${(shape as number[]).join(', ')}] is too large (its size overflows)`);
      count *= d as number;
    }
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) bad('"offset" must be a non-negative integer');
    if (typeof byteLength !== 'number' || !Number.isSafeInteger(byteLength) || byteLength < 0) bad('"byteLength" must be a non-negative integer');
    if (byteLength !== count * size) bad(`"byteLength" ${byteLength} does not match shape [${(shape as number[]).join(', ')}] of ${dtype} (${count * size} bytes)`);
    if ((offset as number) % size !== 0) bad(`offset ${offset} is not aligned to its ${size}-byte elements`);
    if ((offset as number) > dataLength || (byteLength as number) > dataLength - (offset as number)) {
      bad(`bytes [${offset}, ${(offset as number) + (byteLength as number)}) lie outside the ${dataLength}-byte data section`);
    }
    entries.push({ name: name as string, dtype: dtype as TensorDType, shape: [...(shape as number[])], offset: offset as number, byteLength: byteLength as number });
  });
  const sorted = entries.filter((e) => e.byteLength > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i].offset < prev.offset + prev.byteLength) throw corrupt(`Tensors "${prev.name}" and "${sorted[i].name}" overlap in the data section.`);
  }
  return entries;
}

function copyTensor(bytes: Uint8Array, at: number, e: TensorEntry): NamedTensor {
  const buf = new ArrayBuffer(e.byteLength);
  const dst = new Uint8Array(buf);
  dst.set(bytes.subarray(at, at + e.byteLength));
  const size = DTYPE_BYTES[e.dtype];
  if (!LITTLE_ENDIAN && size > 1) {
    for (let i = 0; i < dst.length; i += size) dst.subarray(i, i + size).reverse();
  }
  return { name: e.name, dtype: e.dtype, shape: e.shape, data: new CTORS[e.dtype](buf) };
}

/**
 * Reads and checks a complete artifact file: magic, version, sizes, the seal, the header
 * JSON and the tensor table. Throws `ARTIFACT_CORRUPT`, `ARTIFACT_INTEGRITY`,
 * `ARTIFACT_TOO_LARGE` or `ARTIFACT_UNSUPPORTED_VERSION`; allocates only after every
 * bound is checked, and never more than the file's size.
 */
export function readContainer(bytes: Uint8Array, options: ReadContainerOptions = {}): ContainerContents {
  if (!(bytes instanceof Uint8Array)) throw new MlopsError('INVALID_ARGUMENT', `An artifact is read from a Uint8Array (or Buffer), got ${bytes === null ? 'null' : typeof bytes}.`);
  const { major, minor, headerLength, dataOffset, dataLength } = readPreamble(bytes, options);
  checkSeal(bytes);
  for (let i = PREAMBLE_BYTES + headerLength; i < dataOffset; i++) if (bytes[i] !== 0) throw corrupt('The padding after the header is not zero.');
  const header = parseHeader(bytes, headerLength);
  const table = checkTable(header.tensors, dataLength);
  const tensors = table.map((e) => copyTensor(bytes, dataOffset + e.offset, e));
  // Only a file that passed every check earns the warning; a damaged one gets just its error.
  if (minor > FORMAT_MINOR) {
    const message = `The artifact uses format version ${major}.${minor}, newer than this library writes (${FORMAT_MAJOR}.${FORMAT_MINOR}); it loads, but fields added since are ignored. Upgrade mlops-kit to use them.`;
    if (options.onWarning !== undefined) options.onWarning(message);
    else process.emitWarning(message, { code: 'MLOPS_ARTIFACT_MINOR_VERSION' });
  }
  return { major, minor, header, tensors };
}
