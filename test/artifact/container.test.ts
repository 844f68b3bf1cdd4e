import { describe, expect, it } from 'vitest';
import { readContainer, writeContainer } from '../../src/artifact/container';
import { createRng } from '../../src/random';
import { MlopsError } from '../../src/errors';
import type { NamedTensor } from '../../src/models/types';
import { craft, MAGIC, reseal } from './craft';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof MlopsError)) throw err;
    return err.code;
  }
  return 'OK';
}

const tensors: NamedTensor[] = [
  { name: 'w', dtype: 'float64', shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, -0.5]) },
  { name: 'b', dtype: 'float32', shape: [3], data: Float32Array.from([0.25, NaN, -Infinity]) },
  { name: 'idx', dtype: 'int32', shape: [1, 2], data: Int32Array.from([-1, 2 ** 31 - 1]) },
  { name: 'u8', dtype: 'uint8', shape: [5], data: Uint8Array.from([1, 2, 3, 4, 255]) },
  { name: 'empty', dtype: 'int16', shape: [0, 4], data: new Int16Array(0) },
  { name: 'i8', dtype: 'int8', shape: [1], data: Int8Array.from([-128]) },
  { name: 'u16', dtype: 'uint16', shape: [2], data: Uint16Array.from([65535, 0]) },
  { name: 'u32', dtype: 'uint32', shape: [1], data: Uint32Array.from([4294967295]) },
];

/** A header with a tensor table, for hand-crafted files. */
function header(table: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ format: 'mlops-kit/artifact', tensors: table, ...extra });
}

describe('container layout', () => {
  it('round-trips every dtype bit for bit, aligned, with the documented preamble', () => {
    const bytes = writeContainer({ hello: 'world' }, tensors);
    expect(Array.from(bytes.subarray(0, 8))).toEqual(MAGIC);
    const dv = new DataView(bytes.buffer);
    expect(dv.getUint16(8, true)).toBe(1);
    expect(dv.getUint16(10, true)).toBe(0);
    expect(dv.getUint32(12, true)).toBe(0);
    const h = Number(dv.getBigUint64(16, true));
    const d = Number(dv.getBigUint64(24, true));
    expect(bytes.length).toBe(Math.ceil((32 + h) / 64) * 64 + d + 32);
    const { header: parsed, tensors: back } = readContainer(bytes);
    expect(parsed.hello).toBe('world');
    expect(back.map((t) => [t.name, t.dtype, t.shape])).toEqual(tensors.map((t) => [t.name, t.dtype, t.shape]));
    back.forEach((t, i) => {
      expect(t.data.constructor).toBe(tensors[i].data.constructor);
      expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(Buffer.from(tensors[i].data.buffer, tensors[i].data.byteOffset, tensors[i].data.byteLength))).toBe(true);
    });
    for (const e of parsed.tensors as Array<{ offset: number }>) expect(e.offset % 64).toBe(0);
  });

  it('writes canonical JSON: key order does not change the bytes', () => {
    const a = writeContainer({ b: 1, a: { y: 2, x: [1, { d: 1, c: 2 }] } }, []);
    const b = writeContainer({ a: { x: [1, { c: 2, d: 1 }], y: 2 }, b: 1 }, []);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('refuses to write tensors that are not what they claim', () => {
    expect(code(() => writeContainer({}, [{ name: 'a', dtype: 'float32', shape: [2], data: new Float64Array(2) }]))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeContainer({}, [{ name: 'a', dtype: 'float64', shape: [3], data: new Float64Array(2) }]))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeContainer({}, [tensors[0], tensors[0]]))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeContainer({ bad: NaN }, []))).toBe('INVALID_ARGUMENT');
  });
});

describe('hostile and damaged files: each a coded error, fast, no large allocation', () => {
  const good = writeContainer({ x: 1 }, tensors);
  const f64 = (n: number, offset = 0) => ({ name: 'w', dtype: 'float64', shape: [n], offset, byteLength: n * 8 });

  const cases: Array<[string, () => Uint8Array, string]> = [
    ['empty input', () => new Uint8Array(0), 'ARTIFACT_CORRUPT'],
    ['wrong magic', () => Uint8Array.from([0x50, 0x4b, 3, 4, ...good.subarray(4)]), 'ARTIFACT_CORRUPT'],
    ['an ONNX file', () => Uint8Array.from([0x08, 0x08, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74]), 'ARTIFACT_CORRUPT'],
    ['magic only', () => Uint8Array.from(MAGIC), 'ARTIFACT_CORRUPT'],
    ['truncated by one byte', () => good.subarray(0, good.length - 1), 'ARTIFACT_CORRUPT'],
    ['truncated to half', () => good.subarray(0, good.length >> 1), 'ARTIFACT_CORRUPT'],
    ['a trailing byte', () => Uint8Array.from([...good, 0]), 'ARTIFACT_CORRUPT'],
    ['a flipped bit in the data', () => Uint8Array.from(good, (b, i) => (i === good.length - 40 ? b ^ 1 : b)), 'ARTIFACT_INTEGRITY'],
    ['a flipped bit in the header', () => Uint8Array.from(good, (b, i) => (i === 40 ? b ^ 4 : b)), 'ARTIFACT_INTEGRITY'],
    ['a flipped bit in the seal', () => Uint8Array.from(good, (b, i) => (i === good.length - 1 ? b ^ 1 : b)), 'ARTIFACT_INTEGRITY'],
    ['unknown major version', () => craft({ header: header([]), major: 2 }), 'ARTIFACT_UNSUPPORTED_VERSION'],
    ['major version 0', () => craft({ header: header([]), major: 0 }), 'ARTIFACT_UNSUPPORTED_VERSION'],
    ['a header claiming 10 GB', () => craft({ header: header([]), headerLength: 10n * 1024n ** 3n }), 'ARTIFACT_TOO_LARGE'],
    ['a header claiming 2^64-1 bytes', () => craft({ header: header([]), headerLength: 2n ** 64n - 1n }), 'ARTIFACT_TOO_LARGE'],
    ['a data section claiming 2^64-1 bytes', () => craft({ header: header([]), dataLength: 2n ** 64n - 1n }), 'ARTIFACT_CORRUPT'],
    ['a data section claiming 10 GB', () => craft({ header: header([]), dataLength: 10n * 1024n ** 3n }), 'ARTIFACT_CORRUPT'],
    ['a header longer than the file', () => craft({ header: header([]), headerLength: 5000n }), 'ARTIFACT_CORRUPT'],
    ['a header length of 0', () => craft({ header: '', headerLength: 0n }), 'ARTIFACT_CORRUPT'],
    ['a header that is not JSON', () => craft({ header: '{"format": "mlops-kit/artifact", tensors: [' }), 'ARTIFACT_CORRUPT'],
    ['a header that is not UTF-8', () => craft({ header: '\uFFFD\uFFFD' }).map((b, i) => (i === 32 ? 0xff : b)), 'ARTIFACT_INTEGRITY'],
    ['a header that is an array', () => craft({ header: '[1,2,3]' }), 'ARTIFACT_CORRUPT'],
    ['a header that is a string', () => craft({ header: '"abc"' }), 'ARTIFACT_CORRUPT'],
    ['a header that is null', () => craft({ header: 'null' }), 'ARTIFACT_CORRUPT'],
    ['a header of another format', () => craft({ header: JSON.stringify({ format: 'other', tensors: [] }) }), 'ARTIFACT_CORRUPT'],
    ['no tensor table', () => craft({ header: JSON.stringify({ format: 'mlops-kit/artifact' }) }), 'ARTIFACT_CORRUPT'],
    ['a tensor table that is an object', () => craft({ header: header({ w: 1 }) }), 'ARTIFACT_CORRUPT'],
    ['an offset past the end', () => craft({ header: header([f64(2, 64)]), data: new Uint8Array(16) }), 'ARTIFACT_CORRUPT'],
    ['a tensor running past the end', () => craft({ header: header([f64(4, 0)]), data: new Uint8Array(16) }), 'ARTIFACT_CORRUPT'],
    ['a huge offset', () => craft({ header: header([f64(1, 2 ** 53 - 8)]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['a negative offset', () => craft({ header: header([f64(1, -8)]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['a fractional offset', () => craft({ header: header([f64(1, 0.5)]), data: new Uint8Array(16) }), 'ARTIFACT_CORRUPT'],
    ['a misaligned offset', () => craft({ header: header([f64(1, 4)]), data: new Uint8Array(16) }), 'ARTIFACT_CORRUPT'],
    [
      'a shape whose product overflows',
      () => craft({ header: header([{ name: 'w', dtype: 'float64', shape: [2 ** 30, 2 ** 30, 2 ** 30], offset: 0, byteLength: 8 }]), data: new Uint8Array(8) }),
      'ARTIFACT_CORRUPT',
    ],
    [
      'a shape whose product wraps to the byte length',
      () => craft({ header: header([{ name: 'w', dtype: 'uint8', shape: [2 ** 32, 2 ** 32, 2 ** 32, 0.5], offset: 0, byteLength: 8 }]), data: new Uint8Array(8) }),
      'ARTIFACT_CORRUPT',
    ],
    ['a negative dimension', () => craft({ header: header([{ ...f64(1), shape: [-1, -1] }]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['a fractional dimension', () => craft({ header: header([{ ...f64(1), shape: [0.5, 2] }]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['a dimension that is a string', () => craft({ header: header([{ ...f64(1), shape: ['1'] }]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['too many dimensions', () => craft({ header: header([{ ...f64(1), shape: Array(9).fill(1) }]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['a byte length that disagrees with the shape', () => craft({ header: header([{ ...f64(2), byteLength: 8 }]), data: new Uint8Array(16) }), 'ARTIFACT_CORRUPT'],
    ['an unknown dtype', () => craft({ header: header([{ ...f64(1), dtype: 'complex128' }]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['a dtype named after an Object method', () => craft({ header: header([{ ...f64(1), dtype: 'constructor' }]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['a dtype named __proto__', () => craft({ header: header([{ ...f64(1), dtype: '__proto__' }]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['duplicated tensor names', () => craft({ header: header([f64(1, 0), f64(1, 64)]), data: new Uint8Array(72) }), 'ARTIFACT_CORRUPT'],
    ['overlapping tensors', () => craft({ header: header([f64(2, 0), { ...f64(2, 8), name: 'v' }]), data: new Uint8Array(24) }), 'ARTIFACT_CORRUPT'],
    ['a tensor entry that is null', () => craft({ header: header([null]) }), 'ARTIFACT_CORRUPT'],
    ['a tensor without a name', () => craft({ header: header([{ ...f64(1), name: '' }]), data: new Uint8Array(8) }), 'ARTIFACT_CORRUPT'],
    ['70,000 tensor entries', () => craft({ header: header(Array.from({ length: 70000 }, (_, i) => ({ ...f64(0), name: `t${i}` }))) }), 'ARTIFACT_CORRUPT'],
    ['a header nested 100,000 levels deep', () => craft({ header: `{"format":"mlops-kit/artifact","tensors":[],"x":${'['.repeat(100000)}${']'.repeat(100000)}}` }), 'ARTIFACT_CORRUPT'],
    ['a header nested 201 levels deep', () => craft({ header: `{"format":"mlops-kit/artifact","tensors":[],"x":${'['.repeat(200)}${']'.repeat(200)}}` }), 'ARTIFACT_CORRUPT'],
    ['non-zero padding', () => craft({ header: header([]) }).map((b, i) => (i === 32 + header([]).length ? 1 : b)), 'ARTIFACT_INTEGRITY'],
  ];

  for (const [name, make, expected] of cases) {
    it(name, () => {
      const bytes = make();
      const before = process.memoryUsage().arrayBuffers;
      const t0 = performance.now();
      expect(code(() => readContainer(bytes))).toBe(expected);
      expect(performance.now() - t0).toBeLessThan(500);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    });
  }

  it('random bytes never load', () => {
    const rng = createRng(9);
    for (let i = 0; i < 200; i++) {
      const n = rng.int(2000);
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      if (i % 2 === 0 && n >= 8) bytes.set(MAGIC, 0);
      expect(['ARTIFACT_CORRUPT', 'ARTIFACT_INTEGRITY', 'ARTIFACT_TOO_LARGE', 'ARTIFACT_UNSUPPORTED_VERSION']).toContain(code(() => readContainer(bytes)));
    }
  });

  it('a sealed file with non-zero padding is refused as corrupt', () => {
    const h = header([]);
    const bytes = craft({ header: h });
    bytes[32 + h.length] = 1;
    expect(code(() => readContainer(reseal(bytes)))).toBe('ARTIFACT_CORRUPT');
  });

  it('lets a caller lower the header limit, not raise it', () => {
    expect(code(() => readContainer(good, { maxHeaderBytes: 16 }))).toBe('ARTIFACT_TOO_LARGE');
    expect(code(() => readContainer(good, { maxHeaderBytes: 2 ** 30 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => readContainer('x' as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
  });
});
