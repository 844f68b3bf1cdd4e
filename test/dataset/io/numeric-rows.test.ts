import { describe, expect, it } from 'vitest';
import { ColumnBuilder, IssueLog } from '../../../src/dataset/builder';
import type { NumberColumn } from '../../../src/dataset/column';
import { NumericRows } from '../../../src/dataset/io/numeric-rows';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A reader over `width` fields, loading those in `load` (default: all), with its builders. */
function setup(width: number, options: { load?: number[]; nullable?: boolean; float32?: boolean; maxFieldBytes?: number } = {}) {
  const load = options.load ?? Array.from({ length: width }, (_, f) => f);
  const log = new IssueLog('strict', 20, 'test');
  const builders = load.map((f) => new ColumnBuilder({ name: `c${f}`, type: 'number', nullable: options.nullable ?? true }, log, { float32: options.float32 }));
  const target = new Int32Array(width).fill(-1);
  load.forEach((f, k) => (target[f] = k));
  const counter = { rows: 0 };
  const reader = new NumericRows(builders, target, Uint8Array.from(load, () => (options.nullable === false ? 0 : 1)), 44, options.maxFieldBytes ?? 1 << 20, counter);
  const read = (text: string) => {
    const buf = bytes(text);
    const stop = reader.read(buf, 0, buf.lastIndexOf(10) + 1);
    return { stop, rows: reader.lastRows, rest: text.slice(stop) };
  };
  const columns = () => builders.map((b) => Array.from((b.finish() as NumberColumn).toArray()));
  return { read, columns, counter };
}

describe('NumericRows', () => {
  it('reads plain numeric lines straight into the columns, LF, CRLF and lone CR', () => {
    const { read, columns, counter } = setup(3);
    expect(read('1,2.5,-3\r\n4e2,+5,.5\n6,7,8\r9,10,11\n')).toEqual({ stop: 34, rows: 4, rest: '' });
    expect(counter.rows).toBe(4);
    expect(columns()).toEqual([
      [1, 400, 6, 9],
      [2.5, 5, 7, 10],
      [-3, 0.5, 8, 11],
    ]);
  });

  it('stores an empty cell as missing only where the column may hold one', () => {
    const a = setup(2);
    expect(a.read('1,\n,2\n').rows).toBe(2);
    expect(a.columns()).toEqual([
      [1, null],
      [null, 2],
    ]);
    const b = setup(2, { nullable: false });
    expect(b.read('1,2\n3,\n').rest).toBe('3,\n');
  });

  it('stops at the first line it cannot read, leaving that line to the general path', () => {
    const cases: [string, string][] = [
      ['1,2\n"3",4\n5,6\n', 'a quoted field'],
      ['1,2\n3,NA\n5,6\n', 'a missing-value token'],
      ['1,2\n3,x\n5,6\n', 'a bad cell'],
      ['1,2\n3, 4\n5,6\n', 'a space'],
      ['1,2\n3\n5,6\n', 'a short row'],
      ['1,2\n3,4,5\n5,6\n', 'a long row'],
      ['1,2\n\n5,6\n', 'an empty line'],
      ['1,2\n3,4e\n5,6\n', 'an incomplete exponent'],
      ['1,2\n3,1e400\n5,6\n', 'a number beyond the fast path'],
      ['1,2\n3,12345678901234567890\n5,6\n', 'too many digits'],
      ['1,2\n3,-\n5,6\n', 'a lone sign'],
    ];
    for (const [text, what] of cases) {
      const { read, columns } = setup(2);
      const r = read(text);
      expect(r.rows, what).toBe(1);
      expect(r.stop, what).toBe(4);
      expect(columns(), what).toEqual([[1], [2]]); // nothing of the stopped line is kept
    }
  });

  it('skips fields that are not loaded, whatever they hold, but not a quoted one', () => {
    const { read, columns } = setup(3, { load: [2, 0] });
    expect(read('1,any text,2\n3,,4\n5,"q",6\n').rows).toBe(2);
    expect(columns()).toEqual([
      [2, 4],
      [1, 3],
    ]);
  });

  it('leaves a field longer than maxFieldBytes to the general path (which reports it)', () => {
    const { read } = setup(2, { maxFieldBytes: 4 });
    expect(read('1,1234\n1,12345\n').rows).toBe(1);
  });

  it('writes float32 columns, and keeps each batch within the current block', () => {
    const { read, columns } = setup(1, { float32: true });
    const lines = Array.from({ length: 1000 }, (_, i) => `${i}.1`);
    let text = `${lines.join('\n')}\n`;
    let total = 0;
    while (text.length > 0) {
      const r = read(text);
      expect(r.rows).toBeGreaterThan(0);
      total += r.rows;
      text = r.rest;
    }
    expect(total).toBe(1000);
    expect(columns()[0]).toEqual(lines.map((t) => Math.fround(Number(t))));
  });

  it('turns itself off when most lines need the general path', () => {
    const { read } = setup(2);
    // One line in five has an NA: a quarter of the lines read, still worth it.
    for (let i = 0; i < 1100; i++) expect(read('1,2\n1,2\n1,2\n1,2\n3,NA\n').rows).toBe(4);
    expect(read('1,2\n').rows).toBe(1);
    for (let i = 0; i < 3000; i++) read('3,NA\n');
    expect(read('1,2\n').rows).toBe(0);
  });
});
