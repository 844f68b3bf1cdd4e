import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

interface ExportEntry {
  source: string;
}

// The build entries are read from package.json's `exports` map (its `source`
// condition), so the two can never disagree. The CLI is the one extra entry.
const pkg = JSON.parse(readFileSync('./package.json', 'utf8')) as {
  exports: Record<string, ExportEntry | string>;
  peerDependencies: Record<string, string>;
};
const entry: Record<string, string> = { 'cli/main': 'src/cli/main.ts' };
for (const value of Object.values(pkg.exports)) {
  if (typeof value === 'string') continue;
  const src = value.source;
  entry[src.replace(/^\.\/src\//, '').replace(/\.ts$/, '')] = src;
}

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  treeshake: false,
  target: 'node20',
  platform: 'node',
  shims: true,
  external: Object.keys(pkg.peerDependencies),
});
