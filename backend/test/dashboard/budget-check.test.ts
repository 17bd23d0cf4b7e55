import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The first-page JavaScript budget check that `pnpm build` and `pnpm lint` run (issue #8: 150 kB
// gzipped). It reads the dashboard build, which `pnpm test` makes first.
const script = fileURLToPath(new URL('../../dashboard/scripts/check-budget.mjs', import.meta.url));
const manifest = fileURLToPath(new URL('../../dashboard/dist/.vite/manifest.json', import.meta.url));

function run(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
}

describe('dashboard JS budget check', () => {
  it('has a build to measure', () => {
    expect(existsSync(manifest)).toBe(true);
  });

  it('passes the real build at 150 kB and reports the entry chunk', () => {
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/assets\/index-[\w-]+\.js\s+[\d.]+ kB gz/);
    const total = Number(/total\s+([\d.]+) kB gz/.exec(r.stdout)?.[1]);
    expect(total).toBeGreaterThan(10);
    expect(total).toBeLessThanOrEqual(150);
  });

  it('fails when the first page is over budget', () => {
    const r = run('--budget-bytes=1000');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/over the 1 kB budget/);
  });
});
