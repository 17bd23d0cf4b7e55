import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTenant } from '../ingest/ingest-fixture.js';
import { createPgDatabase } from '../support/sql-stores.js';
import { BackendProcess } from './support/backend-process.js';
import { recordFigures } from './support/figures.js';
import { SdkFleet } from './support/sdk-fleet.js';
import { FAULTS, timeoutFor } from './support/settings.js';
import { compareStored, readStoredRecords } from './support/stored-records.js';
import { seeded, sleep } from './support/timing.js';

/*
 * Case 1 (issue #10): the backend SIGKILLed five times during a steady ingest from several
 * @cloudsage/node clients. The clients retry (same Idempotency-Key), the backend restarts on the
 * same port and data; in the end every record the clients logged is acknowledged and stored
 * exactly once.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function killDuringIngest(store: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-fault-kill-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = { CLOUDSAGE_DATA_DIR: dataDir, WORKER_URL: 'http://127.0.0.1:9' };
  let databaseUrl: string | undefined;
  if (store === 'postgres') {
    const database = await createPgDatabase();
    cleanups.push(() => database.drop());
    databaseUrl = database.url;
    env.DATABASE_URL = database.url;
    env.JWT_SECRET = 'faults-test-secret-0123456789abcdef0123';
  }
  const backend = await BackendProcess.start(env);
  cleanups.push(() => backend.kill());
  const tenant = await createTenant(backend.url, ['ingest']);
  const fleet = new SdkFleet({ endpoint: backend.url, apiKey: tenant.key, clients: FAULTS.clients });
  cleanups.push(() => fleet.close());

  const random = seeded(Number(process.env.FC_SEED ?? 20261125) + (store === 'postgres' ? 1 : 0));
  fleet.startLogging();
  let lastRestart = Date.now();
  for (let k = 0; k < FAULTS.kills; k++) {
    // Steady ingest for a random 0.3-1.5 s, then a kill at whatever moment that is.
    await sleep(300 + Math.floor(random() * 1_200));
    await backend.kill();
    await backend.restart();
    lastRestart = Date.now();
  }
  await sleep(500);
  const totals = await fleet.drain(120_000);
  expect(await backend.stop()).toBe(0);

  const stored = await readStoredRecords({ dataDir, databaseUrl }, tenant.projectId);
  const diff = compareStored(fleet.logged, stored);
  recordFigures({
    case: `backend SIGKILL x${FAULTS.kills}`,
    store,
    acked: totals.sent,
    stored: diff.found,
    duplicates: diff.duplicated.length,
    lost: diff.lost.length,
    status503: fleet.wire.count(503),
    networkErrors: fleet.wire.networkErrors,
    recoveryMs: fleet.wire.recoveryAfter(lastRestart),
    notes: `${FAULTS.clients} SDK clients, ${totals.retried} retries`,
  });

  expect(totals.failed).toBe(0);
  expect(totals.dropped).toBe(0);
  expect(totals.buffered).toBe(0);
  expect(totals.sent).toBe(fleet.logged.length);
  expect(stored.damaged).toEqual([]);
  expect(diff.lost).toEqual([]);
  expect(diff.duplicated).toEqual([]);
  expect(diff.unknown).toEqual([]);
  // The kills really cut requests off: the clients saw failures and retried through them.
  expect(fleet.wire.networkErrors).toBeGreaterThan(0);
}

describe('backend SIGKILLed during steady SDK ingest', () => {
  it(
    'on SQLite: every record the clients logged is stored exactly once',
    async () => {
      await killDuringIngest('sqlite');
    },
    timeoutFor(),
  );

  it(
    'on PostgreSQL: every record the clients logged is stored exactly once',
    async () => {
      await killDuringIngest('postgres');
    },
    timeoutFor(),
  );
});
