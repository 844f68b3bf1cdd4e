/**
 * A seeded generator of synthetic card transactions with fraud labels, whose fraud
 * pattern changes over time. It drives the lifecycle demo (`npm start`), the examples
 * and the tests, and is small enough to read in one sitting.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { createRng, type Rng, type Seed } from '../random';

/** One synthetic transaction, as a collector (a queue consumer, a database export) would hand it over. */
export type Transaction = {
  /** Unique id, `tx-<month>-<n>`; a dirty batch repeats a few ids. */
  transaction_id: string;
  /** When it happened (ISO-8601, UTC). */
  timestamp: string;
  /** Amount in euros; a dirty batch has a few missing (`null`), negative (refunds) or unreadable (`"12.50 EUR"`) values. */
  amount: number | string | null;
  /** Local hour of day, 0 to 23. */
  hour: number;
  /** Merchant category: `grocery`, `fuel`, `restaurants`, `fashion`, `electronics`, `travel` or `digital_goods`. */
  merchant_category: string;
  /** Whether the card was physically present (chip or contactless). */
  card_present: boolean;
  /** Distance from the cardholder's home, km; `null` when the location is unknown. */
  distance_km: number | null;
  /** Age of the account, days. */
  account_age_days: number;
  /** Transactions on the same card in the previous 24 hours. */
  txn_last_24h: number;
  /** The label: true when the transaction was confirmed as fraud (a chargeback). */
  is_fraud: boolean;
};

/** Options of {@link generateTransactions}. */
export interface TransactionOptions {
  /** Number of transactions. */
  rows: number;
  /** Seed (default 42). The same options always give the same transactions. */
  seed?: Seed;
  /** First month generated, counted from `start` (default 0). */
  month?: number;
  /** Consecutive months covered, rows spread evenly (default 1). */
  months?: number;
  /** Start of month 0 (default `2024-01-01T00:00:00Z`). */
  start?: Date | string;
  /**
   * How far the fraud pattern has moved, 0 (the original pattern) to 1 (the new one).
   * Default: the built-in schedule {@link transactionDrift}, by month.
   */
  drift?: number;
  /**
   * Add collection defects to clean up: about 1% of amounts missing, negative (refunds)
   * or written with a currency (`"12.50 EUR"`), 3% of distances missing, and 0.5% of
   * transactions delivered twice (default false).
   */
  dirty?: boolean;
}

/** The feature columns of a {@link Transaction}: what a model may use. */
export const TRANSACTION_FEATURES: readonly string[] = Object.freeze([
  'amount',
  'hour',
  'merchant_category',
  'card_present',
  'distance_km',
  'account_age_days',
  'txn_last_24h',
]);

/** The label column of a {@link Transaction}. */
export const TRANSACTION_TARGET = 'is_fraud';

const CATEGORIES = ['grocery', 'fuel', 'restaurants', 'fashion', 'electronics', 'travel', 'digital_goods'] as const;
/** Category weights of genuine purchases, and of the two fraud patterns. */
const GENUINE_MIX = [0.3, 0.14, 0.18, 0.14, 0.1, 0.08, 0.06];
const OLD_FRAUD_MIX = [0.04, 0.04, 0.04, 0.1, 0.38, 0.36, 0.04];
const NEW_FRAUD_MIX = [0.06, 0.06, 0.06, 0.08, 0.08, 0.06, 0.6];
/** Share of fraud among the transactions. High on purpose: accuracy then means something. */
const FRAUD_RATE = 0.3;
/** Labels recorded wrongly (unreported fraud, disputed genuine purchases). */
const LABEL_NOISE = 0.035;
const MONTH_MS = 30 * 24 * 3600 * 1000;
const DEFAULT_START = Date.UTC(2024, 0, 1);

/**
 * The built-in drift schedule: no change through month 5, then the new fraud pattern
 * takes over linearly over months 6 to 8 (drift 1/3, 2/3, 1), and stays.
 */
export function transactionDrift(month: number): number {
  return Math.min(1, Math.max(0, (month - 5) / 3));
}

function pick(rng: Rng, weights: readonly number[]): number {
  let u = rng.next();
  for (let i = 0; i < weights.length - 1; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

function poisson(rng: Rng, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

const exponential = (rng: Rng, mean: number): number => -Math.log(1 - rng.next()) * mean;
const logNormal = (rng: Rng, median: number, sigma: number): number => median * Math.exp(sigma * rng.normal());
const round2 = (v: number): number => Math.round(v * 100) / 100;
const round1 = (v: number): number => Math.round(v * 10) / 10;
const hourOf = (v: number): number => ((Math.round(v) % 24) + 24) % 24;

/** Features of one transaction given its kind. */
function features(rng: Rng, kind: 'genuine' | 'old-fraud' | 'new-fraud'): Omit<Transaction, 'transaction_id' | 'timestamp' | 'is_fraud'> {
  switch (kind) {
    case 'genuine':
      return {
        amount: round2(logNormal(rng, 38, 0.9)),
        hour: hourOf(14 + 4 * rng.normal()),
        merchant_category: CATEGORIES[pick(rng, GENUINE_MIX)],
        card_present: rng.next() < 0.7,
        distance_km: round1(exponential(rng, 12)),
        account_age_days: Math.round(30 + exponential(rng, 1100)),
        txn_last_24h: poisson(rng, 2),
      };
    case 'old-fraud':
      // Account takeover: large online purchases at night, far from home, on new accounts.
      return {
        amount: round2(logNormal(rng, 260, 0.8)),
        hour: rng.next() < 0.75 ? hourOf(2 + 1.8 * rng.normal()) : hourOf(14 + 5 * rng.normal()),
        merchant_category: CATEGORIES[pick(rng, OLD_FRAUD_MIX)],
        card_present: rng.next() < 0.12,
        distance_km: round1(rng.next() < 0.8 ? 150 + exponential(rng, 900) : exponential(rng, 12)),
        account_age_days: Math.round(exponential(rng, rng.next() < 0.7 ? 60 : 900)),
        txn_last_24h: poisson(rng, 2),
      };
    case 'new-fraud':
      // Card testing: bursts of small daytime digital purchases on established accounts.
      return {
        amount: round2(logNormal(rng, 9, 0.6)),
        hour: hourOf(13 + 4 * rng.normal()),
        merchant_category: CATEGORIES[pick(rng, NEW_FRAUD_MIX)],
        card_present: rng.next() < 0.15,
        distance_km: round1(exponential(rng, 15)),
        account_age_days: Math.round(30 + exponential(rng, 1100)),
        txn_last_24h: 4 + poisson(rng, 6),
      };
  }
}

/**
 * Generates synthetic card transactions with fraud labels, seeded and reproducible.
 *
 * About 30% of transactions are fraud (far more than in real life, so that accuracy is a
 * meaningful figure). Until month 5 fraud is account takeover: large amounts at night,
 * far from home, on new accounts, mostly electronics and travel. From month 6 the
 * fraudsters switch to card testing: bursts of small daytime digital purchases on
 * established accounts, which a model trained on the old pattern takes for genuine
 * traffic. The inputs drift as a result, and a model's accuracy falls from about 95% to
 * about 70% once the new pattern has taken over (month 8 onwards).
 *
 * @example
 * ```ts
 * import { Dataset, generateTransactions, TRANSACTION_FEATURES } from 'mlops-kit';
 * const history = Dataset.fromRows(generateTransactions({ rows: 20_000, months: 6 }));
 * const later = Dataset.fromRows(generateTransactions({ rows: 5_000, month: 8 })); // drifted
 * ```
 */
export function generateTransactions(options: TransactionOptions): Transaction[] {
  const { rows, month = 0, months = 1, drift, dirty = false } = options ?? ({} as TransactionOptions);
  if (!Number.isSafeInteger(rows) || rows < 0) throw new MlopsError('INVALID_ARGUMENT', `generateTransactions: rows must be a non-negative integer, got ${String(rows)}.`);
  if (!Number.isSafeInteger(month) || month < 0) throw new MlopsError('INVALID_ARGUMENT', `generateTransactions: month must be a non-negative integer, got ${String(month)}.`);
  if (!Number.isSafeInteger(months) || months < 1) throw new MlopsError('INVALID_ARGUMENT', `generateTransactions: months must be a positive integer, got ${String(months)}.`);
  if (drift !== undefined && !(drift >= 0 && drift <= 1)) throw new MlopsError('INVALID_ARGUMENT', `generateTransactions: drift must be a number from 0 to 1, got ${String(drift)}.`);
  const start = options.start === undefined ? DEFAULT_START : new Date(options.start).getTime();
  if (!Number.isFinite(start)) throw new MlopsError('INVALID_ARGUMENT', `generateTransactions: start must be a Date or an ISO date, got ${JSON.stringify(options.start)}.`);

  const out: Transaction[] = [];
  for (let m = month; m < month + months; m++) {
    // One stream per month: a month's transactions do not depend on the months before it.
    const rng = createRng(options.seed ?? 42).fork(`month-${m}`);
    const first = Math.floor(((m - month) * rows) / months);
    const count = Math.floor(((m - month + 1) * rows) / months) - first;
    const share = drift ?? transactionDrift(m);
    const times = Array.from({ length: count }, () => start + (m + rng.next()) * MONTH_MS).sort((a, b) => a - b);
    for (let i = 0; i < count; i++) {
      const fraud = rng.next() < FRAUD_RATE;
      const kind = !fraud ? 'genuine' : rng.next() < share ? 'new-fraud' : 'old-fraud';
      const tx: Transaction = {
        transaction_id: `tx-${m}-${i}`,
        timestamp: new Date(Math.floor(times[i])).toISOString(),
        ...features(rng, kind),
        is_fraud: rng.next() < LABEL_NOISE ? !fraud : fraud,
      };
      if (dirty) addDefects(rng, tx, out);
      out.push(tx);
    }
  }
  return out;
}

/** Collection defects: missing, text and negative amounts, unknown locations, repeated deliveries. */
function addDefects(rng: Rng, tx: Transaction, out: Transaction[]): void {
  const u = rng.next();
  if (u < 0.004) tx.amount = null;
  else if (u < 0.007) tx.amount = -Math.abs(tx.amount as number);
  else if (u < 0.01) tx.amount = `${(tx.amount as number).toFixed(2)} EUR`;
  if (rng.next() < 0.03) tx.distance_km = null;
  if (out.length > 0 && rng.next() < 0.005) out.push({ ...out[out.length - 1] });
}

/**
 * Writes transactions (or any flat rows with the same keys) as CSV text with a header
 * line; `null` becomes an empty cell; text with commas, quotes or line breaks is quoted.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('train.csv', transactionsToCSV(generateTransactions({ rows: 10_000, months: 6 })));
 * ```
 */
export function transactionsToCSV(rows: readonly object[]): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]);
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [keys.join(',')];
  for (const row of rows) lines.push(keys.map((k) => cell((row as Record<string, unknown>)[k])).join(','));
  return `${lines.join('\n')}\n`;
}
