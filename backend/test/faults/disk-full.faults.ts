import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTenant } from '../ingest/ingest-fixture.js';
import { createPgDatabase } from '../support/sql-stores.js';
import { BackendProcess } from './support/backend-process.js';
import { recordFigures } from './support/figures.js';
import { SdkFleet } from './support/sdk-fleet.js';
import { FAULTS, timeoutFor } from './support/settings.js';
import { SmallDisk } from './support/small-disk.js';
import { compareStored, readStoredRecords } from './support/stored-records.js';
import { sleep, waitFor } from './support/timing.js';

/*
 * Case 6 (issue #10): the disk of the data directory full. The data directory (SQLite file and
 * bucket directory; on PostgreSQL the bucket only) sits on a small tmpfs, which a filler file fills
 * to the last block during steady SDK ingest, for `outageMs`, and is then deleted. Meanwhile ingest
 * answers 503 with Retry-After; afterwards nothing is lost, doubled or damaged and SQLite's
 * integrity check passes.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function diskFull(store: 'sqlite' | 'postgres', disk: SmallDisk): Promise<void> {
  const dataDir = join(disk.dir, 'data');
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
  const fleet = new SdkFleet({ endpoint: backend.url, apiKey: tenant.key, clients: FAULTS.clients, perTick: 2 });
  cleanups.push(() => fleet.close());

  fleet.startLogging();
  await waitFor('ingest under way', () => fleet.wire.count(202) >= 5);
  const filled = disk.fill();
  await sleep(FAULTS.outageMs);
  const seenDuring = fleet.wire.count(503);
  disk.free();
  const backAt = Date.now();
  await sleep(500);
  const totals = await fleet.drain(120_000);
  expect(await backend.stop()).toBe(0);

  let integrity = 'n/a';
  if (store === 'sqlite') {
    const db = new Database(join(dataDir, 'cloudsage.db'), { readonly: true });
    integrity = String((db.pragma('integrity_check', { simple: true }) as string) ?? '');
    db.close();
  }
  const stored = await readStoredRecords({ dataDir, databaseUrl }, tenant.projectId);
  const diff = compareStored(fleet.logged, stored);
  const recoveryMs = fleet.wire.recoveryAfter(backAt);
  const other = [...fleet.wire.statuses].filter(([s]) => s !== 202 && s !== 503);
  recordFigures({
    case: 'data disk full (tmpfs)',
    store,
    acked: totals.sent,
    stored: diff.found,
    duplicates: diff.duplicated.length,
    lost: diff.lost.length,
    status503: fleet.wire.count(503),
    networkErrors: fleet.wire.networkErrors,
    recoveryMs,
    notes:
      `full for ${FAULTS.outageMs / 1000} s (filler ${(filled / 1048576).toFixed(1)} MiB); integrity ${integrity}; ` +
      `other statuses: ${other.length ? other.map(([s, n]) => `${s} x${n}`).join(', ') : 'none'}`,
  });

  expect(seenDuring).toBeGreaterThan(0);
  expect(fleet.wire.missingRetryAfter).toBe(0);
  expect(other, backend.output()).toEqual([]);
  expect(recoveryMs).not.toBeNull();
  if (store === 'sqlite') expect(integrity).toBe('ok');
  expect(totals.failed).toBe(0);
  expect(totals.sent).toBe(fleet.logged.length);
  expect(stored.damaged).toEqual([]);
  expect(diff.lost).toEqual([]);
  expect(diff.duplicated).toEqual([]);
  expect(diff.unknown).toEqual([]);
}

describe.each(['sqlite', 'postgres'] as const)('data disk full, on %s', (store) => {
  it(
    'answers 503 while the disk is full, and stores every record once when space returns',
    async (ctx) => {
      const disk = await SmallDisk.mount(16);
      if (!disk) {
        // Mounting needs root (CAP_SYS_ADMIN); the reason is printed so a skip is never silent.
        console.warn('disk-full case skipped: cannot mount a tmpfs here');
        ctx.skip();
        return;
      }
      cleanups.push(() => disk.dispose());
      await diskFull(store, disk);
    },
    timeoutFor(FAULTS.outageMs),
  );
});
