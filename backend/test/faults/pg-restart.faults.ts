import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTenant } from '../ingest/ingest-fixture.js';
import { BackendProcess } from './support/backend-process.js';
import { recordFigures } from './support/figures.js';
import { PgCluster } from './support/pg-cluster.js';
import { SdkFleet } from './support/sdk-fleet.js';
import { FAULTS, timeoutFor } from './support/settings.js';
import { compareStored, readStoredRecords } from './support/stored-records.js';
import { sleep, waitFor } from './support/timing.js';

/*
 * Case 4 (issue #10): PostgreSQL restarted mid-load. The suite's own cluster (never the shared
 * one) is stopped as by a crash (`pg_ctl stop -m immediate`) during steady SDK ingest, kept down
 * for `outageMs`, and started again. The backend answers 503 meanwhile, the clients retry, and
 * every record is stored exactly once when the database returns.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('PostgreSQL restarted mid-load', () => {
  it(
    'answers 503 while the database is down, and stores every record once when it returns',
    async () => {
      const cluster = await PgCluster.create();
      cleanups.push(() => cluster.dispose());
      const dataDir = mkdtempSync(join(tmpdir(), 'cs-fault-pg-data-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const backend = await BackendProcess.start({
        CLOUDSAGE_DATA_DIR: dataDir,
        DATABASE_URL: cluster.url,
        JWT_SECRET: 'faults-test-secret-0123456789abcdef0123',
        WORKER_URL: 'http://127.0.0.1:9',
      });
      cleanups.push(() => backend.kill());
      const tenant = await createTenant(backend.url, ['ingest']);
      const fleet = new SdkFleet({ endpoint: backend.url, apiKey: tenant.key, clients: FAULTS.clients, perTick: 2 });
      cleanups.push(() => fleet.close());

      fleet.startLogging();
      await waitFor('ingest under way', () => fleet.wire.count(202) >= 5);
      await cluster.stop('immediate');
      await sleep(FAULTS.outageMs);
      const seenDuring = fleet.wire.count(503);
      await cluster.start();
      const backAt = Date.now();
      await sleep(500);
      const totals = await fleet.drain(120_000);
      expect(await backend.stop()).toBe(0);

      const stored = await readStoredRecords({ dataDir, databaseUrl: cluster.url }, tenant.projectId);
      const diff = compareStored(fleet.logged, stored);
      const recoveryMs = fleet.wire.recoveryAfter(backAt);
      const other = [...fleet.wire.statuses].filter(([s]) => s !== 202 && s !== 503);
      recordFigures({
        case: 'PostgreSQL restarted (crash stop)',
        store: 'postgres',
        acked: totals.sent,
        stored: diff.found,
        duplicates: diff.duplicated.length,
        lost: diff.lost.length,
        status503: fleet.wire.count(503),
        networkErrors: fleet.wire.networkErrors,
        recoveryMs,
        notes:
          `outage ${FAULTS.outageMs / 1000} s; 503s without Retry-After: ${fleet.wire.missingRetryAfter}; ` +
          `other statuses: ${other.length ? other.map(([s, n]) => `${s} x${n}`).join(', ') : 'none'}`,
      });

      expect(seenDuring).toBeGreaterThan(0);
      expect(fleet.wire.missingRetryAfter).toBe(0);
      expect(other, backend.output()).toEqual([]);
      expect(recoveryMs).not.toBeNull();
      expect(totals.failed).toBe(0);
      expect(totals.sent).toBe(fleet.logged.length);
      expect(stored.damaged).toEqual([]);
      expect(diff.lost).toEqual([]);
      expect(diff.duplicated).toEqual([]);
      expect(diff.unknown).toEqual([]);
    },
    timeoutFor(FAULTS.outageMs),
  );
});
