// An independent writer of the artifact layout (docs/artifact-format.md), used to craft
// valid and hostile files byte by byte.
import { createHash } from 'node:crypto';

export const MAGIC = [0x89, 0x4d, 0x4c, 0x4b, 0x0d, 0x0a, 0x1a, 0x0a];

export interface Craft {
  major?: number;
  minor?: number;
  /** Header text (JSON or not). */
  header: string;
  /** Data section. */
  data?: Uint8Array;
  /** Overrides of the preamble's length fields. */
  headerLength?: bigint;
  dataLength?: bigint;
  /** Skip sealing (the last 32 bytes are zero). */
  noSeal?: boolean;
}

const align = (n: number): number => Math.ceil(n / 64) * 64;

export function craft(c: Craft): Uint8Array {
  const header = new TextEncoder().encode(c.header);
  const data = c.data ?? new Uint8Array(0);
  const dataOffset = align(32 + header.length);
  const out = new Uint8Array(dataOffset + data.length + 32);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint16(8, c.major ?? 1, true);
  dv.setUint16(10, c.minor ?? 0, true);
  dv.setBigUint64(16, c.headerLength ?? BigInt(header.length), true);
  dv.setBigUint64(24, c.dataLength ?? BigInt(data.length), true);
  out.set(header, 32);
  out.set(data, dataOffset);
  if (!c.noSeal) reseal(out);
  return out;
}

/** Recomputes the seal (last 32 bytes) in place. */
export function reseal(bytes: Uint8Array): Uint8Array {
  const end = bytes.length - 32;
  bytes.set(createHash('sha256').update(bytes.subarray(0, end)).digest(), end);
  return bytes;
}

/** Splits a file into its header object and data section. */
export function dissect(bytes: Uint8Array): { major: number; minor: number; header: Record<string, any>; data: Uint8Array } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = Number(dv.getBigUint64(16, true));
  const d = Number(dv.getBigUint64(24, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(32, 32 + h)));
  const off = align(32 + h);
  return { major: dv.getUint16(8, true), minor: dv.getUint16(10, true), header, data: bytes.slice(off, off + d) };
}

/** Rewrites a file after `edit` mutates its header (and optionally its version), resealed. */
export function rewrite(bytes: Uint8Array, edit: (header: Record<string, any>) => void, version?: { major?: number; minor?: number }): Uint8Array {
  const { major, minor, header, data } = dissect(bytes);
  edit(header);
  return craft({ header: JSON.stringify(header), data, major: version?.major ?? major, minor: version?.minor ?? minor });
}
