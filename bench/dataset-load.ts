/**
 * Loading a 1,000,000-row x 20-column numeric CSV: mlops-kit's Dataset.fromCSV against
 * pandas.read_csv (bench/baselines/pandas_read_csv.py), papaparse and csv-parse.
 *
 *   node --import tsx bench/dataset-load.ts          # 1,000,000 rows
 *   BENCH_QUICK=1 node --import tsx bench/dataset-load.ts   # 100,000 rows
 *   BENCH_ROWS=250000 BENCH_RUNS=5 node --import tsx bench/dataset-load.ts
 *
 * The file is generated once (seeded) under bench/.data/. Every measurement runs in a
 * fresh child process, so each peak RSS (getrusage maxRSS) belongs to one load alone;
 * "load RSS" is the peak minus the process's RSS just before loading (runtime, imports).
 * Times are medians over BENCH_RUNS runs (default 3; 1 with BENCH_QUICK). "cpu s" is the
 * process's user+system CPU time for the load, steadier than wall time on a busy machine.
 * BENCH_ONLY=pandas,mlops runs only the loaders whose names contain those words.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/random';

const HERE = dirname(fileURLToPath(import.meta.url));
const COLS = 20;

interface Result {
  seconds: number;
  cpuSeconds: number;
  peakRssMB: number;
  beforeRssMB: number;
  rows: number;
  cols: number;
  check: number;
}

// ------------------------------------------------------------------ data

/** Seeded numbers in four styles: 4 decimals, integers, 6 decimals in [0,1), 2 decimals. */
async function generate(path: string, rows: number): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const rng = createRng(2024);
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  const header = Array.from({ length: COLS }, (_, j) => `f${j}`).join(',');
  let batch = `${header}\n`;
  for (let r = 0; r < rows; r++) {
    const cells = new Array<string>(COLS);
    for (let j = 0; j < COLS; j++) {
      switch (j % 4) {
        case 0:
          cells[j] = (rng.normal() * 100).toFixed(4);
          break;
        case 1:
          cells[j] = String(rng.int(100_000));
          break;
        case 2:
          cells[j] = rng.next().toFixed(6);
          break;
        default:
          cells[j] = (rng.normal() * 1000 + 500).toFixed(2);
      }
    }
    batch += `${cells.join(',')}\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      batch = '';
    }
  }
  out.end(batch);
  await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject));
  renameSync(tmp, path);
}

// ------------------------------------------------------------------ contenders (run in a child)

function rssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

type Outcome = Omit<Result, 'seconds' | 'cpuSeconds' | 'peakRssMB' | 'beforeRssMB'>;

/** Each contender imports what it needs (untimed, like pandas' import) and returns the timed load. */
const contenders: Record<string, () => Promise<(file: string) => Promise<Outcome>>> = {
  async 'mlops-kit Dataset.fromCSV'() {
    const { Dataset } = await import('../src/dataset/dataset');
    return async (file) => {
      const ds = await Dataset.fromCSV(file);
      const first = ds.columns[0] as { values: Float64Array };
      return { rows: ds.numRows, cols: ds.numColumns, check: first.values.reduce((a, b) => a + b, 0) };
    };
  },
  async 'papaparse -> typed columns'() {
    // The Dataset a library-based loader would build: papaparse tokenizes, and every cell
    // goes through the same inference and typed column builders as a string.
    const Papa = (await import('papaparse')).default;
    const { IssueLog } = await import('../src/dataset/builder');
    const { TableBuilder } = await import('../src/dataset/io/table-builder');
    const { Dataset } = await import('../src/dataset/dataset');
    return async (file) => {
      const log = new IssueLog('strict', 20, 'bench');
      const table = new TableBuilder({ declared: new Map(), parse: {}, sampleSize: 10_000, log });
      let slots: ReturnType<typeof table.add>[] | null = null;
      await new Promise<void>((resolve, reject) => {
        Papa.parse<string[]>(createReadStream(file), {
          skipEmptyLines: true,
          step(result) {
            const cells = result.data;
            if (slots === null) {
              slots = cells.map((n) => table.add(n));
              return;
            }
            const row = table.rows;
            for (let k = 0; k < slots.length; k++) slots[k].push(cells[k], row);
            table.endRow();
          },
          complete: () => resolve(),
          error: reject,
        });
      });
      const ds = new Dataset(table.finish(), { numRows: table.rows });
      const first = ds.columns[0] as { values: Float64Array };
      return { rows: ds.numRows, cols: ds.numColumns, check: first.values.reduce((a, b) => a + b, 0) };
    };
  },
  async 'papaparse -> row objects'() {
    const Papa = (await import('papaparse')).default;
    return async (file) => {
      const rows: Record<string, number>[] = [];
      await new Promise<void>((resolve, reject) => {
        Papa.parse<Record<string, number>>(createReadStream(file), {
          header: true,
          dynamicTyping: true,
          skipEmptyLines: true,
          step: (result) => void rows.push(result.data),
          complete: () => resolve(),
          error: reject,
        });
      });
      return { rows: rows.length, cols: Object.keys(rows[0]).length, check: rows.reduce((a, r) => a + r.f0, 0) };
    };
  },
  async 'csv-parse -> row objects'() {
    const { parse } = await import('csv-parse');
    return async (file) => {
      const rows: Record<string, number>[] = [];
      for await (const record of createReadStream(file).pipe(parse({ columns: true, cast: true }))) rows.push(record as Record<string, number>);
      return { rows: rows.length, cols: Object.keys(rows[0]).length, check: rows.reduce((a, r) => a + r.f0, 0) };
    };
  },
};

async function child(name: string, file: string): Promise<void> {
  const run = await contenders[name]();
  const before = rssMB();
  const start = performance.now();
  const cpu = process.cpuUsage();
  const r = await run(file);
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ ...r, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMB: rssMB(), beforeRssMB: before })}\n`);
}

// ------------------------------------------------------------------ driver

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runChild(cmd: string, args: string[]): Result {
  const out = execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop() as string) as Result;
}

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const rows = Number(process.env.BENCH_ROWS ?? (quick ? 100_000 : 1_000_000));
  const runs = Number(process.env.BENCH_RUNS ?? (quick ? 1 : 3));
  const only = process.env.BENCH_ONLY?.split(',');
  const file = join(HERE, '.data', `numeric-${rows}x${COLS}-seed2024.csv`);
  if (!existsSync(file)) {
    process.stdout.write(`generating ${file} ...\n`);
    await generate(file, rows);
  }
  const mb = statSync(file).size / 2 ** 20;
  process.stdout.write(`dataset-load: ${rows.toLocaleString('en')} rows x ${COLS} numeric columns, ${mb.toFixed(0)} MiB, median of ${runs} run(s), node ${process.version}\n`);

  const names = ['pandas.read_csv', ...Object.keys(contenders)].filter((n) => only === undefined || only.some((o) => n.includes(o)));
  const results = new Map<string, Result>();
  for (const name of names) {
    const samples: Result[] = [];
    for (let k = 0; k < runs; k++) {
      samples.push(
        name === 'pandas.read_csv'
          ? runChild('/usr/bin/python3', [join(HERE, 'baselines', 'pandas_read_csv.py'), file])
          : runChild(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name, file]),
      );
    }
    const r: Result = {
      ...samples[0],
      seconds: median(samples.map((s) => s.seconds)),
      cpuSeconds: median(samples.map((s) => s.cpuSeconds)),
      peakRssMB: median(samples.map((s) => s.peakRssMB)),
      beforeRssMB: median(samples.map((s) => s.beforeRssMB)),
    };
    if (r.rows !== rows || r.cols !== COLS) throw new Error(`${name} loaded ${r.rows} x ${r.cols}, expected ${rows} x ${COLS}`);
    results.set(name, r);
  }

  const pandas = results.get('pandas.read_csv');
  const papa = results.get('papaparse -> row objects');
  const checks = [...results.values()].map((r) => r.check);
  if (checks.some((c) => Math.abs(c - checks[0]) > 1e-6 * Math.max(1, Math.abs(checks[0])))) {
    process.stdout.write(`WARNING: column sums differ between loaders: ${checks.join(', ')}\n`);
  }
  const ratio = (a: number, b: number | undefined): string => (b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
  const header = ['loader', 'time s', 'vs pandas', 'vs papaparse', 'cpu s', 'cpu vs pandas', 'rows/s', 'peak RSS MB', 'load RSS MB', 'load RSS vs pandas', 'vs papaparse'];
  const lines = [...results].map(([name, r]) => {
    const load = r.peakRssMB - r.beforeRssMB;
    return [
      name,
      r.seconds.toFixed(2),
      ratio(r.seconds, pandas?.seconds),
      ratio(r.seconds, papa?.seconds),
      r.cpuSeconds.toFixed(2),
      ratio(r.cpuSeconds, pandas?.cpuSeconds),
      Math.round(rows / r.seconds).toLocaleString('en'),
      r.peakRssMB.toFixed(0),
      load.toFixed(0),
      ratio(load, pandas && pandas.peakRssMB - pandas.beforeRssMB),
      ratio(load, papa && papa.peakRssMB - papa.beforeRssMB),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`${fmt(header)}\n${fmt(widths.map((w) => '-'.repeat(w)))}\n${lines.map(fmt).join('\n')}\n`);
  process.stdout.write('Ratios below 1.00x mean mlops-kit is faster / uses less memory. "load RSS" = peak RSS minus RSS before loading.\n');
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv[at + 1], process.argv[at + 2]);
else await main();
