/**
 * UTF-8 for the streaming loaders: chunk-by-chunk validation that reports the byte
 * offset of the first invalid byte, byte-order-mark removal, and fast decoding of
 * short fields.
 *
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { MlopsError } from '../../errors';

let decoder: TextDecoder | undefined;

/**
 * Index of the first byte in `bytes[start, end)` that is not part of a well-formed UTF-8
 * sequence (overlong forms, surrogates and code points above U+10FFFF are ill-formed),
 * or -1. A sequence cut short by `end` counts as invalid at its lead byte.
 * @internal
 */
export function findInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= end) return i;
    const second = bytes[i + 1];
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Length of the tail of `bytes` that is an incomplete (so far valid-looking) sequence. */
function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

function encodingError(label: string, offset: number, bytes: Uint8Array, index: number): MlopsError {
  const shown = Array.from(bytes.subarray(index, Math.min(bytes.length, index + 4)), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new MlopsError(
    'DATA_ENCODING',
    `${label} is not valid UTF-8: byte offset ${offset} (bytes ${shown || 'end of input'}). Convert the file to UTF-8 first, e.g. \`iconv -f latin1 -t utf-8 in.csv > out.csv\`.`,
    { details: { offset } },
  );
}

/**
 * Validates a byte stream as UTF-8 and drops a leading byte-order mark. Yields the input
 * cut at character boundaries (a sequence split across chunks is carried into the next
 * chunk); throws `DATA_ENCODING` with the absolute byte offset of the first bad byte.
 * @internal
 */
export async function* utf8Chunks(chunks: AsyncIterable<Uint8Array>, label: string): AsyncGenerator<Uint8Array> {
  let offset = 0; // absolute source offset of the next byte to validate
  let pending: Uint8Array | null = null; // carried bytes: an incomplete sequence, or the first < 3 bytes
  let bomChecked = false;
  for await (const raw of chunks) {
    if (raw.length === 0) continue;
    let chunk = raw;
    if (pending !== null) {
      chunk = new Uint8Array(pending.length + raw.length);
      chunk.set(pending);
      chunk.set(raw, pending.length);
      pending = null;
    }
    if (!bomChecked) {
      if (chunk.length < 3) {
        pending = chunk.slice();
        continue;
      }
      bomChecked = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
        offset = 3;
      }
    }
    const cut = chunk.length - incompleteTail(chunk);
    const body = chunk.subarray(0, cut);
    if (!isUtf8(body)) {
      const bad = findInvalidUtf8(body);
      throw encodingError(label, offset + bad, body, bad);
    }
    if (cut < chunk.length) pending = chunk.slice(cut);
    offset += cut;
    if (body.length > 0) yield body;
  }
  if (pending === null) return;
  // Either the whole source is shorter than a byte-order mark, or it ends inside a sequence.
  const bad = bomChecked ? 0 : findInvalidUtf8(pending);
  if (bad >= 0) throw encodingError(label, offset + bad, pending, bad);
  yield pending;
}

/**
 * Decodes `bytes[start, end)` (known to be valid UTF-8). Short ASCII fields, the common
 * case, skip the TextDecoder call.
 * @internal
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 16) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (bytes[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  decoder ??= new TextDecoder('utf-8');
  return decoder.decode(bytes.subarray(start, end));
}
