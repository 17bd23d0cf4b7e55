// Fails when the JavaScript the first page loads is over budget (issue #8: 150 kB gzipped).
// "First page" = the entry chunk of index.html and every chunk it imports statically, read from
// Vite's manifest; lazily imported routes (the project page and its chart) are not counted.
// Runs after `vite build` and in `typecheck` (so `pnpm lint` fails too); `--build-if-missing`
// builds first when there is no build to measure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** kB as Vite reports them (1 kB = 1000 bytes). `--budget-bytes=N` overrides it (the check's own test). */
const flag = process.argv.find((a) => a.startsWith('--budget-bytes='));
const BUDGET_BYTES = flag ? Number(flag.slice('--budget-bytes='.length)) : 150_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const manifestPath = join(dist, '.vite', 'manifest.json');

if (!existsSync(manifestPath) && process.argv.includes('--build-if-missing')) {
  const r = spawnSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync(manifestPath)) {
  console.error(`check-budget: ${manifestPath} is missing; run the dashboard build first`);
  process.exit(1);
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const entry = manifest['index.html'];
if (!entry) {
  console.error('check-budget: the manifest has no index.html entry');
  process.exit(1);
}

const seen = new Set();
function collect(key) {
  if (seen.has(key)) return;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) collect(imported);
}
collect('index.html');

let total = 0;
const rows = [];
for (const key of seen) {
  const file = manifest[key].file;
  if (!file.endsWith('.js')) continue;
  const gz = gzipSync(readFileSync(join(dist, file))).length;
  total += gz;
  rows.push(`  ${file.padEnd(40)} ${(gz / 1000).toFixed(1).padStart(7)} kB gz`);
}
console.log(`first-page JavaScript (budget ${BUDGET_BYTES / 1000} kB gzipped):\n${rows.join('\n')}`);
console.log(`  ${'total'.padEnd(40)} ${(total / 1000).toFixed(1).padStart(7)} kB gz`);
if (total > BUDGET_BYTES) {
  console.error(`check-budget: ${(total / 1000).toFixed(1)} kB is over the ${BUDGET_BYTES / 1000} kB budget`);
  process.exit(1);
}
