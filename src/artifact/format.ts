/**
 * Constants of the artifact file format (specified in docs/artifact-format.md).
 *
 * Layout, all integers little-endian:
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 8 | magic `89 4D 4C 4B 0D 0A 1A 0A` (`\x89MLK\r\n\x1a\n`) |
 * | 8 | 2 | major format version (uint16) |
 * | 10 | 2 | minor format version (uint16) |
 * | 12 | 4 | reserved, zero |
 * | 16 | 8 | header length H (uint64) |
 * | 24 | 8 | data length D (uint64) |
 * | 32 | H | header: UTF-8 JSON object |
 * | 32+H | P | zero padding up to the next multiple of 64: the data offset |
 * | data offset | D | tensor data |
 * | data offset + D | 32 | SHA-256 of every byte before it (the seal) |
 *
 * @module
 */
import type { TensorDType } from '../models/types';

/** The 8 magic bytes every artifact starts with. */
export const MAGIC = Uint8Array.of(0x89, 0x4d, 0x4c, 0x4b, 0x0d, 0x0a, 0x1a, 0x0a);
/** Major format version this library writes and reads. */
export const FORMAT_MAJOR = 1;
/** Minor format version this library writes (it reads any minor of its major). */
export const FORMAT_MINOR = 0;
/** Bytes before the header. */
export const PREAMBLE_BYTES = 32;
/** Bytes of the trailing SHA-256 seal. */
export const SEAL_BYTES = 32;
/** Alignment of the data section and of every tensor within it. */
export const ALIGNMENT = 64;
/** Default and largest accepted header size (16 MiB). */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
/** Largest number of tensors in one file. */
export const MAX_TENSORS = 65536;
/** Largest rank (number of dimensions) of one tensor. */
export const MAX_RANK = 8;
/** Deepest nesting of arrays and objects in a header (written and read). */
export const MAX_JSON_DEPTH = 200;
/** The `format` field of every header. */
export const FORMAT_ID = 'mlops-kit/artifact';

/** Bytes per element of each tensor dtype. */
export const DTYPE_BYTES: Readonly<Record<TensorDType, number>> = {
  float64: 8,
  float32: 4,
  int32: 4,
  uint32: 4,
  int16: 2,
  uint16: 2,
  int8: 1,
  uint8: 1,
};

/** Rounds `n` up to a multiple of {@link ALIGNMENT}. */
export function align(n: number): number {
  return Math.ceil(n / ALIGNMENT) * ALIGNMENT;
}
