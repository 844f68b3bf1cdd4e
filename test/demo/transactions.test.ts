// The synthetic fraud-transactions generator: reproducible, month by month, with the
// drift and the defects the lifecycle demo relies on.
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { isMlopsError } from '../../src/errors';
import { generateTransactions, transactionDrift, transactionsToCSV, TRANSACTION_FEATURES, TRANSACTION_TARGET, type TransactionOptions } from '../../src/demo/index';

const share = (rows: { is_fraud: boolean }[]): number => rows.filter((r) => r.is_fraud).length / rows.length;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('generateTransactions', () => {
  it('is reproducible from its seed, and a month does not depend on the range it is generated in', () => {
    expect(generateTransactions({ rows: 500, seed: 3 })).toEqual(generateTransactions({ rows: 500, seed: 3 }));
    expect(generateTransactions({ rows: 500, seed: 3 })).not.toEqual(generateTransactions({ rows: 500, seed: 4 }));
    const range = generateTransactions({ rows: 3000, month: 6, months: 3, seed: 1 });
    expect(range.slice(1000, 2000)).toEqual(generateTransactions({ rows: 1000, month: 7, seed: 1 }));
  });

  it('spreads rows over the months in time order, starting at `start`', () => {
    const rows = generateTransactions({ rows: 600, months: 3, start: '2023-05-01T00:00:00Z' });
    const times = rows.map((r) => Date.parse(r.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse('2023-05-01T00:00:00Z'));
    expect(times[599]).toBeLessThan(Date.parse('2023-05-01T00:00:00Z') + 90 * 86_400_000);
    expect(new Set(rows.map((r) => r.transaction_id)).size).toBe(600);
  });

  it('has about 30% fraud, and the fraud pattern changes from month 6', () => {
    const before = generateTransactions({ rows: 6000, month: 2 });
    const after = generateTransactions({ rows: 6000, month: 9 });
    expect(share(before)).toBeGreaterThan(0.27);
    expect(share(before)).toBeLessThan(0.34);
    expect(share(after)).toBeGreaterThan(0.27);
    const fraudAmount = (rows: typeof before) => mean(rows.filter((r) => r.is_fraud).map((r) => r.amount as number));
    expect(fraudAmount(before)).toBeGreaterThan(150); // account takeover: large purchases
    expect(fraudAmount(after)).toBeLessThan(40); // card testing: small purchases
    const digital = (rows: typeof before) => rows.filter((r) => r.is_fraud && r.merchant_category === 'digital_goods').length / rows.filter((r) => r.is_fraud).length;
    expect(digital(after)).toBeGreaterThan(0.5);
    expect(digital(before)).toBeLessThan(0.15);
  });

  it('drifts on the built-in schedule, or as told', () => {
    expect([4, 5, 6, 7, 8, 12].map(transactionDrift)).toEqual([0, 0, 1 / 3, 2 / 3, 1, 1]);
    const forced = generateTransactions({ rows: 4000, month: 0, drift: 1 });
    expect(mean(forced.filter((r) => r.is_fraud).map((r) => r.amount as number))).toBeLessThan(40);
  });

  it('adds collection defects only when asked', () => {
    const clean = generateTransactions({ rows: 5000 });
    expect(clean.every((r) => typeof r.amount === 'number' && r.amount > 0 && r.distance_km !== null)).toBe(true);
    const dirty = generateTransactions({ rows: 20_000, dirty: true });
    expect(dirty.length).toBeGreaterThan(20_000); // repeated deliveries
    expect(dirty.length - new Set(dirty.map((r) => r.transaction_id)).size).toBe(dirty.length - 20_000);
    expect(dirty.some((r) => r.amount === null)).toBe(true);
    expect(dirty.some((r) => typeof r.amount === 'number' && r.amount < 0)).toBe(true);
    expect(dirty.some((r) => typeof r.amount === 'string' && / EUR$/.test(r.amount))).toBe(true);
    expect(dirty.filter((r) => r.distance_km === null).length / dirty.length).toBeGreaterThan(0.02);
  });

  it('refuses bad options with INVALID_ARGUMENT', () => {
    const bad: TransactionOptions[] = [{ rows: -1 }, { rows: 1.5 }, { rows: 10, month: -1 }, { rows: 10, months: 0 }, { rows: 10, drift: 2 }, { rows: 10, start: 'someday' }];
    for (const o of bad) {
      let caught: unknown;
      try {
        generateTransactions(o);
      } catch (err) {
        caught = err;
      }
      expect(isMlopsError(caught, 'INVALID_ARGUMENT'), JSON.stringify(o)).toBe(true);
    }
  });
});

describe('transactionsToCSV', () => {
  it('writes CSV that Dataset.fromCSV reads back, quoting where needed', async () => {
    const rows = generateTransactions({ rows: 300, dirty: true, seed: 8 });
    const ds = await Dataset.fromCSV(transactionsToCSV(rows), { schema: { amount: 'number' }, mode: 'coerce' });
    expect(ds.numRows).toBe(rows.length);
    expect(ds.columnNames).toEqual(['transaction_id', 'timestamp', ...TRANSACTION_FEATURES, TRANSACTION_TARGET]);
    expect(ds.column('is_fraud').toArray()).toEqual(rows.map((r) => r.is_fraud));
    expect(transactionsToCSV([{ a: 'x,"y"', b: null }])).toBe('a,b\n"x,""y""",\n');
    expect(transactionsToCSV([])).toBe('');
  });
});
