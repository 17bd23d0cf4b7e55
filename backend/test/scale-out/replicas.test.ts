import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startS3rver } from '../bucket/s3rver-server.js';
import { BackendProcess } from '../faults/support/backend-process.js';
import { readWindows } from '../faults/support/scoring-windows.js';
import { SdkFleet } from '../faults/support/sdk-fleet.js';
import { readStoredRecords } from '../faults/support/stored-records.js';
import { sleep, waitFor } from '../faults/support/timing.js';
import { WorkerProcess } from '../faults/support/worker-process.js';
import { createTenant } from '../ingest/ingest-fixture.js';
import { createPgDatabase } from '../support/sql-stores.js';

/*
 * The scale-out shape of docker-compose.yml without Docker: two backend processes and two worker
 * processes sharing one PostgreSQL database and one S3 bucket (s3rver). SDK clients ingest through
 * both backends at once; both dispatchers compete for the same outbox. Every record is stored once
 * and every window that holds records is scored exactly once.
 */

const WINDOW_MS = 1_000;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('two backends and two workers on one PostgreSQL and one bucket: every record stored once, every window scored once', async () => {
  const database = await createPgDatabase();
  cleanups.push(() => database.drop());
  const s3 = await startS3rver();
  cleanups.push(() => s3.stop());
  const workerKey = 'scale-out-worker-key-0123456789';
  const workers = [await WorkerProcess.start(workerKey), await WorkerProcess.start(workerKey)];
  for (const w of workers) cleanups.push(() => w.kill());
  const shared = {
    DATABASE_URL: database.url,
    BUCKET_URL: s3.bucketUrl,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    JWT_SECRET: 'scale-out-test-secret-0123456789abcdef',
    WORKER_API_KEY: workerKey,
    CLOUDSAGE_SCORE_WINDOW_MS: String(WINDOW_MS),
  };
  const backends: BackendProcess[] = [];
  for (const worker of workers) {
    const dataDir = mkdtempSync(join(tmpdir(), 'cs-replica-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const backend = await BackendProcess.start({ ...shared, CLOUDSAGE_DATA_DIR: dataDir, WORKER_URL: worker.url });
    cleanups.push(() => backend.kill());
    backends.push(backend);
  }

  // One account, made through the first replica, works through the second (same database, same secret).
  const tenant = await createTenant(backends[0]!.url, ['ingest']);
  const fleets = backends.map((b) => new SdkFleet({ endpoint: b.url, apiKey: tenant.key, clients: 2, perTick: 3 }));
  for (const f of fleets) cleanups.push(() => f.close());
  for (const f of fleets) f.startLogging();
  await sleep(5_000);
  const totals = await Promise.all(fleets.map((f) => f.drain(30_000)));
  const logged = fleets.flatMap((f) => f.logged);
  expect(totals.reduce((n, t) => n + t.sent, 0)).toBe(logged.length);
  expect(totals.every((t) => t.sent > 0)).toBe(true);

  const at = {
    dataDir: tmpdir(),
    databaseUrl: database.url,
    bucketUrl: s3.bucketUrl,
    bucketCredentials: s3.credentials,
  };
  // Both fleets number their records the same way (c0-0, c0-1, ...), so each id is expected as many
  // times as it was logged: once per fleet.
  const expected = new Map<string, number>();
  for (const id of logged) expected.set(id, (expected.get(id) ?? 0) + 1);
  const { counts } = await readStoredRecords(at, tenant.projectId);
  const wrong = [...new Set([...expected.keys(), ...counts.keys()])].filter(
    (id) => (counts.get(id) ?? 0) !== (expected.get(id) ?? 0),
  );
  expect(wrong).toEqual([]);
  expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(logged.length);

  // Wait until every window with records is scored, then check none is scored twice.
  let last: Awaited<ReturnType<typeof readWindows>> | undefined;
  await waitFor(
    'every window scored',
    async () => {
      const w = await readWindows(at, tenant.projectId, WINDOW_MS);
      last = w;
      return w.expected.length > 0 && w.expected.every((start) => w.scored.has(start)) && w.open === 0;
    },
    150_000,
  ).catch((err) => {
    throw new Error(
      `${err.message}: ${JSON.stringify({ ...last, scored: [...(last?.scored ?? [])] })}\n${backends.map((b) => b.output()).join('\n---\n')}`,
    );
  });
  const windows = await readWindows(at, tenant.projectId, WINDOW_MS);
  expect(windows.expected.length).toBeGreaterThanOrEqual(4);
  expect([...windows.scored.values()].every((n) => n === 1)).toBe(true);
  expect([...windows.scored.keys()].sort()).toEqual(windows.expected.map(Number).sort());
}, 240_000);
