import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTenant } from '../ingest/ingest-fixture.js';
import { BackendProcess } from './support/backend-process.js';
import { recordFigures } from './support/figures.js';
import { RestartableS3 } from './support/s3-server.js';
import { SdkFleet } from './support/sdk-fleet.js';
import { FAULTS, timeoutFor } from './support/settings.js';
import { compareStored, readStoredRecords } from './support/stored-records.js';
import { sleep, waitFor } from './support/timing.js';

/*
 * Case 3 (issue #10): the bucket unavailable. The backend writes batches to a real S3 server
 * (s3rver), which is stopped for `outageMs` during steady SDK ingest and started again on the same
 * port and data. Meanwhile ingest answers a clear 503 with Retry-After (never a 500, never a 202
 * for a batch it could not store); the clients retry; nothing is lost or doubled when it returns.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('bucket (S3) unavailable', () => {
  it(
    'answers 503 with Retry-After while s3rver is down, and stores every record once when it returns',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cs-fault-bucket-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const s3 = await RestartableS3.start();
      cleanups.push(() => s3.dispose());
      const backend = await BackendProcess.start({
        CLOUDSAGE_DATA_DIR: dataDir,
        BUCKET_URL: s3.bucketUrl,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        WORKER_URL: 'http://127.0.0.1:9',
      });
      cleanups.push(() => backend.kill());
      const tenant = await createTenant(backend.url, ['ingest']);
      const fleet = new SdkFleet({ endpoint: backend.url, apiKey: tenant.key, clients: FAULTS.clients, perTick: 2 });
      cleanups.push(() => fleet.close());

      fleet.startLogging();
      await waitFor('ingest under way', () => fleet.wire.count(202) >= 5);
      await s3.down();
      await sleep(FAULTS.outageMs);
      const seenDuring = fleet.wire.count(503);
      await s3.up();
      const backAt = Date.now();
      await sleep(500);
      const totals = await fleet.drain(120_000);
      expect(await backend.stop()).toBe(0);

      const stored = await readStoredRecords(
        { dataDir, bucketUrl: s3.bucketUrl, bucketCredentials: s3.credentials },
        tenant.projectId,
      );
      const diff = compareStored(fleet.logged, stored);
      const recoveryMs = fleet.wire.recoveryAfter(backAt);
      recordFigures({
        case: 'bucket down (s3rver stopped)',
        store: 'sqlite + s3',
        acked: totals.sent,
        stored: diff.found,
        duplicates: diff.duplicated.length,
        lost: diff.lost.length,
        status503: fleet.wire.count(503),
        networkErrors: fleet.wire.networkErrors,
        recoveryMs,
        notes: `outage ${FAULTS.outageMs / 1000} s; 503s without Retry-After: ${fleet.wire.missingRetryAfter}; other statuses: ${otherStatuses(fleet)}`,
      });

      expect(seenDuring).toBeGreaterThan(0);
      expect(fleet.wire.missingRetryAfter).toBe(0);
      expect(otherStatuses(fleet)).toBe('none');
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

/** Statuses other than 202 and 503 the clients saw, e.g. "500 x3", or "none". */
function otherStatuses(fleet: SdkFleet): string {
  const other = [...fleet.wire.statuses].filter(([s]) => s !== 202 && s !== 503);
  return other.length === 0 ? 'none' : other.map(([s, n]) => `${s} x${n}`).join(', ');
}
