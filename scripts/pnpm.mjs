#!/usr/bin/env node
// Runs pnpm 9: the installed one when it is 9.x, otherwise through `npx pnpm@9`, so a machine with only
// Node and npm can use the root scripts. `node scripts/pnpm.mjs <args>` or `import { runPnpm }`.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Runs pnpm with `args` in the repository root, inheriting stdio; answers the exit status. */
export function runPnpm(args) {
  const installed = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  const useInstalled = installed.status === 0 && installed.stdout.startsWith('9.');
  const [cmd, pre] = useInstalled ? ['pnpm', []] : ['npx', ['--yes', 'pnpm@9']];
  const r = spawnSync(cmd, [...pre, ...args], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exit(runPnpm(process.argv.slice(2)));
}
