import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call, createTenant } from '../ingest/ingest-fixture.js';
import { SERVER_JS, startChildBackend } from './child-backend.js';

describe('dist/server.js', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('refuses to start on a bad variable and names it', () => {
    const run = spawnSync(process.execPath, [SERVER_JS], {
      env: { PATH: process.env.PATH ?? '', PORT: 'not-a-port', CLOUDSAGE_MAX_BATCH_RECORDS: '-3' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/PORT/);
    expect(run.stdout + run.stderr).toMatch(/CLOUDSAGE_MAX_BATCH_RECORDS/);
  });

  it('keeps a generated JWT secret (mode 0600) across restarts, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cs-start-'));
    dirs.push(dataDir);
    const env = { CLOUDSAGE_DATA_DIR: dataDir, WORKER_URL: 'http://127.0.0.1:9' };
    let child = await startChildBackend(env);
    const tenant = await createTenant(child.url);
    expect(await child.stop()).toBe(0);
    const file = join(dataDir, 'jwt-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, 'utf8');
    expect(secret.trim().length).toBeGreaterThanOrEqual(32);

    child = await startChildBackend(env);
    try {
      // A token signed before the restart still verifies: the secret was read back, not remade.
      const me = await call(child.url, 'GET', '/api/auth/me', { headers: { authorization: `Bearer ${tenant.token}` } });
      expect(me.status).toBe(200);
      expect(readFileSync(file, 'utf8')).toBe(secret);
    } finally {
      expect(await child.stop()).toBe(0);
    }
  }, 60_000);
});
