/**
 * Runs every benchmark in bench/ one after the other, each in its own process, and prints
 * their tables. Each bench runs mlops-kit next to its named baseline and prints ratios.
 *
 *   npm run bench                        # every bench at full size (tens of minutes)
 *   BENCH_QUICK=1 npm run bench          # a short smoke run of every bench
 *   npm run bench -- gbdt logistic       # only these
 *
 * The artifact cold-start bench imports the built package: run `npx tsup` first.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ALL = ['dataset-load', 'profile', 'logistic', 'mlp', 'backends', 'gbdt', 'metrics', 'artifact', 'registry', 'drift-stats', 'monitor', 'serve'];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !ALL.includes(w));
if (unknown.length > 0) {
  console.error(`Unknown bench: ${unknown.join(', ')}. Available: ${ALL.join(', ')}.`);
  process.exit(2);
}
const names = wanted.length > 0 ? wanted : ALL;
const failed: string[] = [];
for (const name of names) {
  console.log(`\n=== bench/${name}.ts ${'='.repeat(Math.max(0, 60 - name.length))}`);
  const t0 = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(HERE, `${name}.ts`)], { stdio: 'inherit', env: process.env });
  console.log(`--- ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s, exit ${result.status}`);
  if (result.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
