import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { MlopsError } from '../../src/errors';
import { chunked, rejection, utf8 } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'mlops-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MB = 1 << 20;

/** A source that yields `total` bytes of `fill` (after `head`) in 64 KiB chunks and counts what was pulled. */
function counting(head: string, fill: number, total: number, tail = ''): { source: AsyncIterable<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  async function* gen(): AsyncGenerator<Uint8Array> {
    yield utf8(head);
    const chunk = new Uint8Array(64 * 1024).fill(fill);
    for (let sent = 0; sent < total; sent += chunk.length) {
      pulled += chunk.length;
      yield chunk;
    }
    yield utf8(tail);
  }
  return { source: gen(), pulled: () => pulled };
}

describe('empty input', () => {
  it('an empty CSV (or only a BOM, or only blank lines) is DATA_EMPTY', async () => {
    for (const src of [new Uint8Array(0), utf8('\uFEFF'), '\n\n\r\n']) {
      const err = await rejection(Dataset.fromCSV(src));
      expect(err.code).toBe('DATA_EMPTY');
      expect(err.message).toContain('is empty');
    }
    expect((await rejection(Dataset.fromCSV(new Uint8Array(0), { header: false }))).code).toBe('DATA_EMPTY');
  });

  it('a CSV with only a header is a dataset with 0 rows and those columns', async () => {
    const ds = await Dataset.fromCSV('a,b\n', { schema: { b: 'category' } });
    expect(ds.numRows).toBe(0);
    expect(ds.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['a:number', 'b:category']);
    const named = await Dataset.fromCSV(new Uint8Array(0), { header: ['x'] });
    expect(named.columnNames).toEqual(['x']);
  });

  it('NDJSON without an object line is DATA_EMPTY', async () => {
    expect((await rejection(Dataset.fromNDJSON(new Uint8Array(0)))).code).toBe('DATA_EMPTY');
    expect((await rejection(Dataset.fromNDJSON('\n  \n'))).code).toBe('DATA_EMPTY');
  });
});

describe('malformed CSV', () => {
  it('ragged rows name the row and the line', async () => {
    const long = await rejection(Dataset.fromCSV('a,b\n1,2\n"x\ny",2,3\n'));
    expect(long.code).toBe('CSV_RAGGED_ROW');
    expect(long.message).toContain('row 1 (line 3) has 3 fields but the header has 2');
    expect(long.details).toMatchObject({ row: 1, line: 3, fields: 3, expected: 2 });
    const short = await rejection(Dataset.fromCSV('a,b\n1,2\n3\n'));
    expect(short.message).toContain("raggedRows: 'pad'");
    // Padding never hides a long row.
    expect((await rejection(Dataset.fromCSV('a,b\n1,2,3\n', { raggedRows: 'pad' }))).code).toBe('CSV_RAGGED_ROW');
  });

  it('an unterminated quote at the end is CSV_PARSE with the line where it opened', async () => {
    const err = await rejection(Dataset.fromCSV('a,b\n1,2\n3,"abc\ndef\n'));
    expect(err.code).toBe('CSV_PARSE');
    expect(err.message).toContain('starts on line 3 is never closed');
  });

  it('text after a closing quote is CSV_PARSE', async () => {
    const err = await rejection(Dataset.fromCSV('a,b\n"x"y,2\n'));
    expect(err.code).toBe('CSV_PARSE');
    expect(err.message).toContain('line 2: unexpected "y" after the closing quote');
  });

  it('duplicate column names are DATA_DUPLICATE_COLUMN', async () => {
    const err = await rejection(Dataset.fromCSV('a,b,a\n1,2,3\n'));
    expect(err.code).toBe('DATA_DUPLICATE_COLUMN');
    expect(err.message).toContain('"a" appears twice in the header (columns 1 and 3)');
    expect((await rejection(Dataset.fromCSV('1,2\n', { header: ['x', 'x'] }))).code).toBe('DATA_DUPLICATE_COLUMN');
  });

  it('declared columns the data lacks are SCHEMA_MISMATCH; unknown `columns` are DATA_COLUMN_NOT_FOUND', async () => {
    const err = await rejection(Dataset.fromCSV('a,b\n1,2\n', { schema: { amount: 'number' } }));
    expect(err.code).toBe('SCHEMA_MISMATCH');
    expect(err.message).toContain('"amount"');
    expect(err.message).toContain('Columns in the data: "a", "b"');
    expect((await rejection(Dataset.fromCSV('a,b\n1,2\n', { schema: { b: 'number' }, columns: ['a'] }))).code).toBe('SCHEMA_MISMATCH');
    expect((await rejection(Dataset.fromCSV('a,b\n1,2\n', { columns: ['c'] }))).code).toBe('DATA_COLUMN_NOT_FOUND');
    expect((await rejection(Dataset.fromNDJSON('{"a":1}\n', { schema: { z: 'number' } }))).code).toBe('SCHEMA_MISMATCH');
    expect((await rejection(Dataset.fromNDJSON('{"a":1}\n', { columns: ['z'] }))).code).toBe('DATA_COLUMN_NOT_FOUND');
  });

  it('NaN and Infinity in numeric columns are DATA_NON_FINITE (NDJSON numbers too)', async () => {
    const err = await rejection(Dataset.fromCSV('x\n1\nInfinity\n', { schema: { x: 'number' } }));
    expect(err.code).toBe('DATA_NON_FINITE');
    expect(err.message).toContain('row 1 (line 3), column "x": "Infinity" is not a finite number');
    expect((await rejection(Dataset.fromNDJSON('{"x": 1}\n{"x": "NaN"}\n', { schema: { x: 'number' } }))).code).toBe('DATA_NON_FINITE');
  });
});

describe('encoding', () => {
  it('non-UTF-8 bytes are DATA_ENCODING with the byte offset, wherever they fall', async () => {
    const latin1 = Uint8Array.from([...utf8('name\nJos'), 0xe9, ...utf8('\n')]); // "José" in Latin-1
    const err = await rejection(Dataset.fromCSV(latin1));
    expect(err.code).toBe('DATA_ENCODING');
    expect(err.message).toContain('byte offset 8');
    expect(err.message).toContain('iconv');
    expect(err.details).toEqual({ offset: 8 });
    // Split across chunks, after a BOM, and a sequence cut off at the end.
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...latin1]);
    expect((await rejection(Dataset.fromCSV(Readable.from([bom.subarray(0, 2), bom.subarray(2, 10), bom.subarray(10)])))).details).toEqual({ offset: 11 });
    const cut = Uint8Array.from([...utf8('a\nx'), 0xc3]);
    expect((await rejection(Dataset.fromCSV(cut))).details).toEqual({ offset: 3 });
    expect((await rejection(Dataset.fromNDJSON(Uint8Array.from([...utf8('{"a":"'), 0xff, ...utf8('"}\n')])))).code).toBe('DATA_ENCODING');
  });
});

describe('a 10 MB single line', () => {
  it('loads correctly under the default limits', async () => {
    const big = 'x'.repeat(10 * MB);
    const ds = await Dataset.fromCSV(`id,blob\n1,${big}\n2,small\n`);
    expect(ds.numRows).toBe(2);
    expect((ds.column('blob').get(0) as string).length).toBe(10 * MB);
    const nd = await Dataset.fromNDJSON(`{"blob": "${big}"}\n`);
    expect((nd.column('blob').get(0) as string).length).toBe(10 * MB);
  });

  it('fails fast with DATA_TOO_LARGE above the configured limit, without reading the rest', async () => {
    const row = counting('a,b\n1,', 0x78, 10 * MB, '\n');
    const err = await rejection(Dataset.fromCSV(row.source, { maxRowBytes: MB }));
    expect(err.code).toBe('DATA_TOO_LARGE');
    expect(err.message).toContain('maxRowBytes');
    expect(row.pulled()).toBeLessThan(2 * MB);

    const field = counting('a\n', 0x78, 10 * MB);
    expect((await rejection(Dataset.fromCSV(field.source, { maxFieldBytes: MB }))).message).toContain('maxFieldBytes');
    expect(field.pulled()).toBeLessThan(2 * MB);

    const line = counting('{"a":"', 0x78, 10 * MB, '"}\n');
    expect((await rejection(Dataset.fromNDJSON(line.source, { maxLineBytes: MB }))).code).toBe('DATA_TOO_LARGE');
    expect(line.pulled()).toBeLessThan(2 * MB);
  });

  it('a line of delimiters stops at maxColumns instead of building millions of columns', async () => {
    const commas = counting('', 0x2c, 10 * MB, '\n');
    const err = await rejection(Dataset.fromCSV(commas.source));
    expect(err.code).toBe('DATA_TOO_LARGE');
    expect(err.message).toContain('more than 10000 fields');
  });

  it('an unclosed quote in a large file points at the line where the quote opened', async () => {
    const src = counting('a,b\n1,2\n3,"oops\n', 0x61, 4 * MB, '\n');
    const err = await rejection(Dataset.fromCSV(src.source, { maxFieldBytes: MB }));
    expect(err.code).toBe('DATA_TOO_LARGE');
    expect(err.message).toContain('inside a quoted field that opens on line 3');
  });
});

describe('sources and options', () => {
  it('a missing file, a directory, or a failing stream is DATA_SOURCE', async () => {
    const missing = await rejection(Dataset.fromCSV(join(dir, 'nope.csv')));
    expect(missing.code).toBe('DATA_SOURCE');
    expect(missing.message).toContain('does not exist');
    expect(missing.message).toContain('line break');
    expect((await rejection(Dataset.fromCSV(dir))).message).toContain('is a directory');
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    const err = await rejection(Dataset.fromNDJSON(failing));
    expect(err.code).toBe('DATA_SOURCE');
    expect(err.message).toContain('connection reset');
  });

  it('bad sources and options are INVALID_ARGUMENT before any byte is read', async () => {
    const path = join(dir, 'ok.csv');
    writeFileSync(path, 'a\n1\n');
    expect((await rejection(Dataset.fromCSV(new URL('https://example.com/x.csv')))).message).toContain('never fetches');
    expect((await rejection(Dataset.fromCSV(42 as never))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(Dataset.fromCSV(Readable.from([1, 2], { objectMode: true })))).code).toBe('INVALID_ARGUMENT');
    const locked = new Blob(['a\n1\n']).stream();
    locked.getReader();
    expect((await rejection(Dataset.fromCSV(locked))).message).toContain('locked');
    for (const options of [{ delimiter: '"' }, { delimiter: ',,' }, { delimiter: 9 }, { mode: 'lenient' }, { inferSampleSize: 0 }, { maxRowBytes: -1 }, { columns: [] }, { header: 'yes' }, { raggedRows: 'drop' }]) {
      expect((await rejection(Dataset.fromCSV(path, options as never))).code, JSON.stringify(options)).toBe('INVALID_ARGUMENT');
    }
  });

  it('NDJSON lines that are not JSON objects are NDJSON_PARSE with the line number', async () => {
    const notJson = await rejection(Dataset.fromNDJSON('{"a": 1}\n\n{"a": 2,}\n'));
    expect(notJson.code).toBe('NDJSON_PARSE');
    expect(notJson.message).toContain('line 3: not valid JSON');
    expect(notJson.details).toEqual({ line: 3 });
    for (const [line, what] of [
      ['[1, 2]', 'an array'],
      ['42', 'a number'],
      ['null', 'null'],
      ['"text"', 'a string'],
    ]) {
      const err = await rejection(Dataset.fromNDJSON(`{"a": 1}\n${line}\n`));
      expect(err.code).toBe('NDJSON_PARSE');
      expect(err.message).toContain(`line 2: ${what}, not an object`);
    }
  });

});

describe('arbitrary bytes', () => {
  // Bytes drawn mostly from CSV/JSON syntax, with invalid UTF-8 mixed in.
  const noisy = fc
    .array(fc.oneof(fc.constantFrom(...utf8(',;"\n\r{}[]:tfn01.-eE \\')), fc.integer({ min: 0, max: 255 })), { maxLength: 200 })
    .map((b) => Uint8Array.from(b));

  it('either load or fail with an MlopsError, whatever the chunking and options', async () => {
    await fc.assert(
      fc.asyncProperty(noisy, fc.integer({ min: 1, max: 9 }), fc.boolean(), async (bytes, size, coerce) => {
        const options = { mode: coerce ? ('coerce' as const) : ('strict' as const), inferSampleSize: 2, maxFieldBytes: 50, maxColumns: 20 };
        for (const load of [() => Dataset.fromCSV(chunked(bytes, size), options), () => Dataset.fromNDJSON(chunked(bytes, size), options)]) {
          try {
            await load();
          } catch (err) {
            expect(err).toBeInstanceOf(MlopsError);
          }
        }
      }),
      { numRuns: 500, seed: 5 },
    );
  });
});
