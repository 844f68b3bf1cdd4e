import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { CategoryColumn, NumberColumn } from '../../src/dataset/column';
import { Dataset } from '../../src/dataset/dataset';
import { createRng } from '../../src/random';
import { chunked, rejection, utf8 } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'mlops-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Dataset.fromCSV: RFC 4180 text', () => {
  it('reads quoted fields with doubled quotes, delimiters and line breaks inside, CRLF and LF', async () => {
    const text = 'id,note,amount\r\n1,"say ""hi"", then\r\nleave",2.5\n2,plain,3\r\n3,"",4\n';
    const ds = await Dataset.fromCSV(text);
    expect(ds.columnNames).toEqual(['id', 'note', 'amount']);
    expect(ds.column('note').toArray()).toEqual(['say "hi", then\r\nleave', 'plain', null]);
    expect(ds.column('amount').toArray()).toEqual([2.5, 3, 4]);
  });

  it('drops a UTF-8 byte-order mark, skips blank lines, and needs no final newline', async () => {
    const ds = await Dataset.fromCSV(utf8('\uFEFFa,b\n\n1,x\r\n\r\n2,y'));
    expect(ds.columnNames).toEqual(['a', 'b']);
    expect(ds.toRows()).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
  });

  it('takes a custom delimiter: tab, semicolon, pipe', async () => {
    for (const d of ['\t', ';', '|']) {
      const ds = await Dataset.fromCSV(`a${d}b\n1${d}"x${d}y"\n`, { delimiter: d });
      expect(ds.toRows()).toEqual([{ a: 1, b: `x${d}y` }]);
    }
    // With ';' as delimiter a comma is just a character (European decimals stay text).
    const eu = await Dataset.fromCSV('a;b\n1,5;2\n', { delimiter: ';' });
    expect(eu.column('a').type).toBe('category');
  });

  it('header: false names columns column_1..; an array of names makes the first row data', async () => {
    const noHeader = await Dataset.fromCSV('1,2\n3,4\n', { header: false });
    expect(noHeader.columnNames).toEqual(['column_1', 'column_2']);
    expect(noHeader.numRows).toBe(2);
    const named = await Dataset.fromCSV('1,2\n3,4\n', { header: ['x', 'y'] });
    expect(named.toRows()).toEqual([
      { x: 1, y: 2 },
      { x: 3, y: 4 },
    ]);
    const blankName = await Dataset.fromCSV(',b\n1,2\n');
    expect(blankName.columnNames).toEqual(['column_1', 'b']);
  });

  it('loads only the columns asked for, in that order, without parsing the others', async () => {
    const ds = await Dataset.fromCSV('a,b,c\n1,oops,x\n2,bad,y\n', { columns: ['c', 'a'], schema: { a: 'number' } });
    expect(ds.columnNames).toEqual(['c', 'a']);
    expect(ds.toRows()).toEqual([
      { c: 'x', a: 1 },
      { c: 'y', a: 2 },
    ]);
  });

  it("raggedRows: 'pad' fills short rows with missing cells", async () => {
    const ds = await Dataset.fromCSV('a,b,c\n1,2,3\n4\n5,6\n', { raggedRows: 'pad' });
    // The same whether the short rows fall in the inference sample or after it.
    const late = await Dataset.fromCSV('a,b,c\n1,2,3\n4\n5,6\n', { raggedRows: 'pad', inferSampleSize: 1 });
    expect(late.toRows()).toEqual(ds.toRows());
    expect(ds.toRows()).toEqual([
      { a: 1, b: 2, c: 3 },
      { a: 4, b: null, c: null },
      { a: 5, b: 6, c: null },
    ]);
  });
});

describe('Dataset.fromCSV: types', () => {
  it('infers number, boolean, date and category; default missing tokens are missing', async () => {
    const ds = await Dataset.fromCSV('n,b,d,c\n1.5,true,2024-01-02,DE\nNA,FALSE,,US\n-3e2,True,2024-01-03T04:05:06Z,null\n');
    expect(ds.schema.fields.map((f) => f.type)).toEqual(['number', 'boolean', 'date', 'category']);
    expect(ds.toRows()).toEqual([
      { n: 1.5, b: true, d: new Date('2024-01-02T00:00:00Z'), c: 'DE' },
      { n: null, b: false, d: null, c: 'US' },
      { n: -300, b: true, d: new Date('2024-01-03T04:05:06Z'), c: null },
    ]);
  });

  it('parses numbers exactly like Number(), including forms the byte fast path hands over', async () => {
    const texts = ['0', '-0', '+7', '.5', '5.', '1e5', '1E-5', '-2.5e+3', '123456789012345678', '0.1', '3.141592653589793238', '1e300', '4.9e-324', ' 12 ', '00012.50'];
    const ds = await Dataset.fromCSV(`x\n${texts.join('\n')}\n`, { schema: { x: 'number' } });
    const values = (ds.column('x') as NumberColumn).values;
    texts.forEach((t, i) => expect(Object.is(values[i], Number(t.trim())), t).toBe(true));
  });

  it('honours custom missing values, even one that looks like a number', async () => {
    const ds = await Dataset.fromCSV('a,b\n-999,x\n5,?\n', { missingValues: ['-999', '?'] });
    expect(ds.toRows()).toEqual([
      { a: null, b: 'x' },
      { a: 5, b: null },
    ]);
  });

  it('enforces a declared schema with a per-cell report giving row and line', async () => {
    const text = 'id,amount\n1,10\n2,"multi\nline"\n3,abc\n4,40\n';
    const err = await rejection(Dataset.fromCSV(text, { schema: { amount: 'number' } }));
    expect(err.code).toBe('SCHEMA_VIOLATION');
    expect(err.message).toContain('row 1 (line 3), column "amount": "multi\\nline" is not a number');
    expect(err.message).toContain('row 2 (line 5), column "amount": "abc" is not a number');
    expect(err.details?.issues).toHaveLength(2);
  });

  it('coerce mode stores bad cells as missing and lists them in loadIssues', async () => {
    const ds = await Dataset.fromCSV('amount\n10\nabc\n30\n', { schema: { amount: 'number' }, mode: 'coerce' });
    expect(ds.column('amount').toArray()).toEqual([10, null, 30]);
    expect(ds.loadIssues).toEqual([{ row: 1, line: 3, column: 'amount', value: '"abc"', reason: 'is not a number', code: 'DATA_INVALID_VALUE' }]);
  });

  it('coerce mode counts every bad cell in loadIssueCount, and keeps the first 10,000 in loadIssues', async () => {
    const ds = await Dataset.fromCSV(`amount\n${'x\n1\n'.repeat(12_000)}`, { schema: { amount: 'number' }, mode: 'coerce' });
    expect(ds.numRows).toBe(24_000);
    expect(ds.loadIssueCount).toBe(12_000);
    expect(ds.loadIssues).toHaveLength(10_000);
    expect(ds.loadIssues.at(-1)).toMatchObject({ row: 19_998 });
    expect(Dataset.fromRows([{ a: 'x' }, { a: 1 }], { schema: { a: 'number' }, mode: 'coerce' }).loadIssueCount).toBe(1);
  });

  it('fixes inferred types after inferSampleSize rows; a later misfit says how to fix it', async () => {
    const text = `code\n${Array.from({ length: 30 }, (_, i) => i).join('\n')}\nA7\n`;
    const err = await rejection(Dataset.fromCSV(text, { inferSampleSize: 10 }));
    expect(err.code).toBe('SCHEMA_VIOLATION');
    expect(err.message).toContain('row 30 (line 32), column "code": "A7" is not a number');
    expect(err.message).toContain('inferred');
    expect(err.message).toContain('inferSampleSize');
    expect(err.message).toContain(`{ schema: { "code": 'category' } }`);
    const coerced = await Dataset.fromCSV(text, { inferSampleSize: 10, mode: 'coerce' });
    expect(coerced.column('code').missingCount()).toBe(1);
    const wider = await Dataset.fromCSV(text, { inferSampleSize: 100 });
    expect(wider.column('code').type).toBe('category');
    const declared = await Dataset.fromCSV(text, { inferSampleSize: 10, schema: { code: 'category' } });
    expect((declared.column('code') as CategoryColumn).get(30)).toBe('A7');
  });

  it("rejects NaN and Infinity in numeric columns unless nonFinite: 'missing'", async () => {
    const text = 'x\n1\nNaN\n-Infinity\ninf\n';
    const err = await rejection(Dataset.fromCSV(text, { schema: { x: 'number' } }));
    expect(err.code).toBe('DATA_NON_FINITE');
    expect(err.message).toContain("nonFinite: 'missing'");
    const ds = await Dataset.fromCSV(text, { schema: { x: 'number' }, nonFinite: 'missing' });
    expect(ds.column('x').toArray()).toEqual([1, null, null, null]);
  });

  it('float32: true stores numbers in Float32Array', async () => {
    const ds = await Dataset.fromCSV('x\n0.1\n2\n', { float32: true });
    expect((ds.column('x') as NumberColumn).values).toEqual(new Float32Array([0.1, 2]));
  });

  it('float32: true refuses a number too large for float32 instead of storing Infinity', async () => {
    // 1e39 takes the byte fast path; 3.4e38 still fits (it rounds to the largest float32).
    await expect(Dataset.fromCSV('x\n1e39\n3.4e38\n', { float32: true })).rejects.toMatchObject({
      code: 'SCHEMA_VIOLATION',
      message: expect.stringContaining('too large for a float32 column'),
    });
    const ds = await Dataset.fromCSV('x\n1e39\n-3.4e38\n', { float32: true, mode: 'coerce' });
    expect(ds.column('x').toArray()).toEqual([null, Math.fround(-3.4e38)]);
    expect(ds.loadIssues.map((i) => [i.row, i.code])).toEqual([[0, 'DATA_INVALID_VALUE']]);
    expect(Dataset.fromRows([{ x: 1e39 }, { x: 1 }], { float32: true, mode: 'coerce' }).column('x').toArray()).toEqual([null, 1]);
  });

  it('gives the same fingerprint as Dataset.fromRows of the same table', async () => {
    const csv = await Dataset.fromCSV('amount,country,fraud,at\n12.5,DE,false,2024-01-01\n,US,true,\n830,DE,,2024-02-01T10:00:00Z\n');
    const rows = Dataset.fromRows([
      { amount: 12.5, country: 'DE', fraud: false, at: new Date('2024-01-01T00:00:00Z') },
      { amount: null, country: 'US', fraud: true, at: null },
      { amount: 830, country: 'DE', fraud: null, at: new Date('2024-02-01T10:00:00Z') },
    ]);
    expect(await csv.fingerprint()).toBe(await rows.fingerprint());
  });
});

describe('Dataset.fromCSV: streaming and sources', () => {
  const tricky = utf8(
    '\uFEFFname,city,amount,flag\r\n"Zoë ""Z""","Zürich,\nCH",1.25,true\r\nÅsa,Malmö,-2e3,false\n"",東京,NA,\n' +
      Array.from({ length: 40 }, (_, i) => `r${i},"q${i}""x",${i * 0.5},${i % 2 === 0}`).join('\r\n'),
  );

  it('gives the same result for 1-byte, 7-byte and whole-input chunks', async () => {
    const whole = await Dataset.fromCSV(tricky, { inferSampleSize: 5 });
    const expected = await whole.fingerprint();
    for (const size of [1, 2, 3, 7, 64]) {
      const ds = await Dataset.fromCSV(chunked(tricky, size), { inferSampleSize: 5 });
      expect(await ds.fingerprint(), `chunks of ${size}`).toBe(expected);
      expect(ds.toRows()).toEqual(whole.toRows());
    }
    // Line numbers in reports do not depend on chunking either (CRLF split across chunks).
    const coerce = { inferSampleSize: 5, mode: 'coerce' as const, schema: { city: 'number' as const } };
    const issues = (await Dataset.fromCSV(tricky, coerce)).loadIssues;
    expect(issues.slice(0, 3).map((i) => i.line)).toEqual([2, 4, 5]);
    for (const size of [1, 7]) expect((await Dataset.fromCSV(chunked(tricky, size), coerce)).loadIssues).toEqual(issues);
    expect(whole.row(0)).toEqual({ name: 'Zoë "Z"', city: 'Zürich,\nCH', amount: 1.25, flag: true });
    expect(whole.row(2)).toEqual({ name: null, city: '東京', amount: null, flag: null });
  });

  it('reads every kind of source', async () => {
    const text = 'a,b\n1,x\n2,y\n';
    const path = join(dir, 'small.csv');
    writeFileSync(path, text);
    const sources = [
      text,
      path,
      pathToFileURL(path),
      utf8(text),
      Buffer.from(text),
      new Blob([text]).stream(),
      Readable.from([Buffer.from('a,b\n1,'), Buffer.from('x\n2,y\n')]),
      Readable.from(['a,b\n1,x\n', '2,y\n']),
      chunked(utf8(text), 3),
    ];
    for (const source of sources) {
      const ds = await Dataset.fromCSV(source);
      expect(ds.toRows()).toEqual([
        { a: 1, b: 'x' },
        { a: 2, b: 'y' },
      ]);
    }
  });

  it('loads a file past the inference sample with every value equal to Number(text)', async () => {
    const rng = createRng(7);
    const lines = ['a,b,c'];
    const expected: number[][] = [[], [], []];
    for (let r = 0; r < 25_000; r++) {
      const cells = [(rng.normal() * 1e4).toFixed(5), String(rng.int(1e9) - 5e8), (rng.next() * 1e-3).toExponential(12)];
      cells.forEach((c, k) => expected[k].push(Number(c)));
      lines.push(cells.join(','));
    }
    const path = join(dir, 'big.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const fromFile = await Dataset.fromCSV(path);
    const fromStream = await Dataset.fromCSV(Readable.from([Buffer.from(`${lines.join('\n')}\n`)]));
    for (const ds of [fromFile, fromStream]) {
      expect(ds.numRows).toBe(25_000);
      ['a', 'b', 'c'].forEach((name, k) => expect(Array.from((ds.column(name) as NumberColumn).values)).toEqual(expected[k]));
    }
  });

  it('stops with ABORTED when the signal fires, even while a stream is stalled', async () => {
    const before = new AbortController();
    before.abort();
    expect((await rejection(Dataset.fromCSV('a\n1\n', { signal: before.signal }))).code).toBe('ABORTED');

    let released = false;
    async function* stalled(): AsyncGenerator<Uint8Array> {
      try {
        yield utf8('a\n1\n');
        await new Promise(() => undefined);
      } finally {
        released = true;
      }
    }
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const err = await rejection(Dataset.fromCSV(stalled(), { signal: controller.signal }));
    expect(err.code).toBe('ABORTED');
    expect(released).toBe(false); // a stalled generator cannot be closed; the load still returns
  });
});

describe('Dataset.fromCSV: all-numeric tables (bulk path)', () => {
  // Once the sample has fixed every column as a number, plain lines are read in bulk;
  // anything unusual goes through the general path. Both must give Number(text).
  const numberCell = fc.oneof(
    fc.integer({ min: -1e9, max: 1e9 }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }).map(String),
    fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 12 })).map(([v, d]) => v.toExponential(d)),
    fc.tuple(fc.integer({ min: -99_999, max: 99_999 }), fc.integer({ min: 0, max: 6 })).map(([v, d]) => (v / 100).toFixed(d)),
    fc.constantFrom('0', '-0', '+7', '.5', '5.', '-.25', '00012.50', '1e22', '1e23', '9007199254740993', '12345678901234567890', '4.9e-324', '1E+3'),
  );
  const cell = fc.oneof({ weight: 12, arbitrary: numberCell }, { weight: 1, arbitrary: fc.constantFrom('', 'NA', '"1.5"', ' 2 ') });

  it('reads every cell as Number(text) or missing, for any chunking and sample size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 40 })),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(1, 7, 64, 1 << 20),
        async (rows, newline, finalNewline, sampleSize, chunkSize) => {
          const width = rows[0].length;
          // A row of empty cells in a one-column table is an empty line, which is skipped.
          const kept = width === 1 ? rows.filter((r) => r[0] !== '') : rows;
          const names = Array.from({ length: width }, (_, k) => `c${k}`);
          const text = `${names.join(',')}${newline}${rows.map((r) => r.join(',')).join(newline)}${finalNewline ? newline : ''}`;
          const schema = Object.fromEntries(names.map((n) => [n, 'number' as const]));
          // (A rounded toExponential can overflow to Infinity: stored as missing here.)
          const ds = await Dataset.fromCSV(chunked(utf8(text), chunkSize), { schema, inferSampleSize: sampleSize, nonFinite: 'missing' });
          expect(ds.numRows).toBe(kept.length);
          names.forEach((n, k) => {
            const col = ds.column(n) as NumberColumn;
            kept.forEach((r, i) => {
              const t = r[k].replaceAll('"', '').trim();
              const expected = t === '' || t === 'NA' || !Number.isFinite(Number(t)) ? null : Number(t);
              const got = col.get(i);
              expect(Object.is(got, expected), `${JSON.stringify(r[k])} in ${JSON.stringify(text)}`).toBe(true);
            });
          });
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  const table = (rows: number, cell: (r: number, k: number) => string, width = 3): string =>
    `${Array.from({ length: width }, (_, k) => `c${k}`).join(',')}\n${Array.from({ length: rows }, (_, r) => Array.from({ length: width }, (_, k) => cell(r, k)).join(',')).join('\n')}\n`;

  it('reports a bad cell, a ragged row and a non-nullable empty cell after bulk rows with the right row and line', async () => {
    const plain = (r: number, k: number): string => `${r}.${k}`;
    const bad = table(3000, (r, k) => (r === 2500 && k === 1 ? 'oops' : plain(r, k)));
    const err = await rejection(Dataset.fromCSV(bad, { inferSampleSize: 10 }));
    expect(err.code).toBe('SCHEMA_VIOLATION');
    expect(err.message).toContain('row 2500 (line 2502), column "c1": "oops" is not a number');

    const ragged = table(3000, plain).replace('\n2000.0,2000.1,2000.2\n', '\n2000.0,2000.1\n');
    const raggedErr = await rejection(Dataset.fromCSV(ragged, { inferSampleSize: 10 }));
    expect(raggedErr.code).toBe('CSV_RAGGED_ROW');
    expect(raggedErr.details).toMatchObject({ row: 2000, line: 2002, fields: 2 });
    const padded = await Dataset.fromCSV(ragged, { inferSampleSize: 10, raggedRows: 'pad' });
    expect(padded.row(2000)).toEqual({ c0: 2000, c1: 2000.1, c2: null });
    expect(padded.row(2999)).toEqual({ c0: 2999, c1: 2999.1, c2: 2999.2 });

    const empty = table(3000, (r, k) => (r === 1234 && k === 2 ? '' : plain(r, k)));
    const nullErr = await rejection(Dataset.fromCSV(empty, { schema: { c2: { type: 'number', nullable: false } }, inferSampleSize: 10 }));
    expect(nullErr.message).toContain('row 1234 (line 1236), column "c2"');
    const nullable = await Dataset.fromCSV(empty, { inferSampleSize: 10 });
    expect(nullable.column('c2').missingCount()).toBe(1);
    expect(nullable.column('c1').missingCount()).toBe(0);
    expect(nullable.row(1234)).toEqual({ c0: 1234, c1: 1234.1, c2: null });

    const long = table(3000, (r, k) => (r === 2999 && k === 0 ? '1'.repeat(40) : plain(r, k)));
    const longErr = await rejection(Dataset.fromCSV(long, { inferSampleSize: 10, maxFieldBytes: 32 }));
    expect(longErr.code).toBe('DATA_TOO_LARGE');
  });

  it('counts lines across blank lines, CRLF and quoted cells between bulk rows', async () => {
    const lines = ['a,b'];
    for (let r = 0; r < 2000; r++) {
      lines.push(r % 97 === 0 ? `"${r}",${r}` : `${r},${r}`);
      if (r % 301 === 0) lines.push('');
    }
    lines.push('x,1');
    const text = `${lines.join('\r\n')}\r\n`;
    const err = await rejection(Dataset.fromCSV(text, { inferSampleSize: 5 }));
    expect(err.message).toContain(`row 2000 (line ${lines.length}), column "a": "x" is not a number`);
    const ds = await Dataset.fromCSV(text, { inferSampleSize: 5, mode: 'coerce' });
    expect(Array.from((ds.column('b') as NumberColumn).values.subarray(0, 2000))).toEqual(Array.from({ length: 2000 }, (_, r) => r));
    expect(Array.from((ds.column('a') as NumberColumn).values.subarray(0, 2000))).toEqual(Array.from({ length: 2000 }, (_, r) => r));
  });

  it('loads a subset of columns, skipping text and quotes in the others', async () => {
    const text = table(3000, (r, k) => (k === 1 ? (r % 3 === 0 ? `"t,${r}"` : `text ${r}`) : `${r * (k + 1)}`));
    const ds = await Dataset.fromCSV(text, { columns: ['c2', 'c0'], inferSampleSize: 10 });
    expect(ds.columnNames).toEqual(['c2', 'c0']);
    expect(Array.from((ds.column('c2') as NumberColumn).values)).toEqual(Array.from({ length: 3000 }, (_, r) => r * 3));
    expect(Array.from((ds.column('c0') as NumberColumn).values)).toEqual(Array.from({ length: 3000 }, (_, r) => r));
  });

  it('never reads a delimiter that can be part of a number as one', async () => {
    for (const d of ['.', 'e', '-', '+', '0']) {
      const rows = Array.from({ length: 50 }, (_, r) => [`${r + 1}`, `${r + 2}`, `${r + 3}`].join(d === '0' ? '0' : d));
      if (d === '0') continue; // a digit delimiter splits every number: only checked for being accepted
      const ds = await Dataset.fromCSV(`a${d}b${d}c\n${rows.join('\n')}\n`, { delimiter: d, inferSampleSize: 2 });
      expect(ds.row(49), `delimiter ${d}`).toEqual({ a: 50, b: 51, c: 52 });
    }
  });

  it('reads a file of several chunks exactly, and closes it cleanly when a late cell fails', async () => {
    const rng = createRng(11);
    const rows = 60_000;
    const expected: number[][] = [[], [], [], []];
    const lines = ['w,x,y,z'];
    for (let r = 0; r < rows; r++) {
      const cells = [(rng.normal() * 100).toFixed(4), String(rng.int(100_000)), rng.next().toFixed(6), String(rng.normal() * 1e-3)];
      cells.forEach((c, k) => expected[k].push(Number(c)));
      lines.push(cells.join(','));
    }
    const path = join(dir, 'chunks.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const ds = await Dataset.fromCSV(path);
    expect(ds.numRows).toBe(rows);
    ['w', 'x', 'y', 'z'].forEach((n, k) => expect(Array.from((ds.column(n) as NumberColumn).values), n).toEqual(expected[k]));
    for (const size of [4093, 65_536]) {
      const fromChunks = await Dataset.fromCSV(chunked(utf8(`${lines.join('\n')}\n`), size));
      expect(await fromChunks.fingerprint()).toBe(await ds.fingerprint());
    }
    const f32 = await Dataset.fromCSV(path, { float32: true });
    expect(Array.from((f32.column('w') as NumberColumn).values)).toEqual(expected[0].map(Math.fround));

    lines[rows - 5] = lines[rows - 5].replace(/^[^,]+/, 'bad');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const err = await rejection(Dataset.fromCSV(path));
    expect(err.message).toContain(`row ${rows - 6} (line ${rows - 4}), column "w": "bad" is not a number`);
  });
});

describe('Dataset.fromCSV agrees with papaparse (property)', () => {
  const cell = fc.stringMatching(/^[a-z0-9 ,;"\n\r\u00e9\u6771]{0,6}$/);
  it('cell by cell, for quoted fields, embedded delimiters and line breaks, CRLF, any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 4 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 })),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }),
        fc.integer({ min: 1, max: 13 }),
        async (rows, delimiter, newline, finalNewline, quoteAnyway, chunkSize) => {
          let q = 0;
          const encode = (v: string): string => {
            const must = v.includes(delimiter) || v.includes('"') || v.includes('\n') || v.includes('\r');
            return must || quoteAnyway[q++ % 32] ? `"${v.replaceAll('"', '""')}"` : v;
          };
          const text = rows.map((r) => r.map(encode).join(delimiter)).join(newline) + (finalNewline ? newline : '');
          const papa = Papa.parse<string[]>(text, { delimiter, newline: newline as '\n' | '\r\n', skipEmptyLines: true });
          expect(papa.errors).toEqual([]);
          const width = rows[0].length;
          const schema = Object.fromEntries(Array.from({ length: width }, (_, k) => [`column_${k + 1}`, 'category' as const]));
          const ds = await Dataset.fromCSV(chunked(utf8(text), chunkSize), { header: false, delimiter, schema, missingValues: [] });
          const ours = ds.toRows().map((r) => Object.values(r));
          expect(ours).toEqual(papa.data);
          expect(ours).toEqual(rows);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
