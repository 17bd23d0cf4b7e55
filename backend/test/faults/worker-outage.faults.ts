import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTenant } from '../ingest/ingest-fixture.js';
import { createPgDatabase } from '../support/sql-stores.js';
import { BackendProcess } from './support/backend-process.js';
import { recordFigures } from './support/figures.js';
import { readWindows, type WindowState } from './support/scoring-windows.js';
import { SdkFleet } from './support/sdk-fleet.js';
import { FAULTS, timeoutFor } from './support/settings.js';
import { compareStored, readStoredRecords } from './support/stored-records.js';
import { sleep, waitFor } from './support/timing.js';
import { WorkerProcess } from './support/worker-process.js';

/*
 * Case 2 (issue #10): the scoring worker down for a while, then slow. The real worker process
 * and the real backend (its own dispatcher, 1 s windows) under steady SDK ingest. The worker is
 * SIGKILLed for `workerDownMs`, restarted, then paused (SIGSTOP) for stretches of
 * `workerSlowMs`, so calls hang and answer late. In the end every window that holds records has
 * exactly one risk_history row: no window lost, none scored twice.
 */

const WINDOW_MS = 1_000;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function workerDownThenSlow(store: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-fault-worker-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const worker = await WorkerProcess.start('faults-worker-key-0123456789');
  cleanups.push(() => worker.kill());
  const env: Record<string, string> = {
    CLOUDSAGE_DATA_DIR: dataDir,
    WORKER_URL: worker.url,
    WORKER_API_KEY: worker.apiKey,
    CLOUDSAGE_SCORE_WINDOW_MS: String(WINDOW_MS),
  };
  let databaseUrl: string | undefined;
  if (store === 'postgres') {
    const database = await createPgDatabase();
    cleanups.push(() => database.drop());
    databaseUrl = database.url;
    env.DATABASE_URL = database.url;
    env.JWT_SECRET = 'faults-test-secret-0123456789abcdef0123';
  }
  const at = { dataDir, databaseUrl };
  const backend = await BackendProcess.start(env);
  cleanups.push(() => backend.kill());
  const tenant = await createTenant(backend.url, ['ingest']);
  const fleet = new SdkFleet({ endpoint: backend.url, apiKey: tenant.key, clients: 2, perTick: 2 });
  cleanups.push(() => fleet.close());
  const windows = () => readWindows(at, tenant.projectId, WINDOW_MS);

  fleet.startLogging();
  // Scoring works before the fault.
  await waitFor('a first scored window', async () => (await windows()).scored.size > 0, 60_000);

  await worker.kill();
  const downAt = Date.now();
  let sawUnreachable = false;
  // Down for `workerDownMs`, and at least until the dispatcher has met the refused worker.
  while (Date.now() - downAt < FAULTS.workerDownMs || (!sawUnreachable && Date.now() - downAt < 60_000)) {
    const state = await windows();
    sawUnreachable ||= state.errors.some((e) => e.includes('unreachable'));
    await sleep(250);
  }
  await worker.restart();

  // Slow: twice, the worker answers nothing while the dispatcher waits on it for `workerSlowMs`
  // (the pause starts once a job is claimed, which may first sit out the backoff of the outage).
  let hangs = 0;
  for (let i = 0; i < 2; i++) {
    worker.pause();
    await waitFor('a job waiting on the paused worker', async () => (await windows()).running > 0, 90_000);
    hangs++;
    await sleep(FAULTS.workerSlowMs);
    worker.resume();
    await sleep(500);
  }
  const healthyAt = Date.now();

  const totals = await fleet.drain(60_000);
  // Every window with data gets scored once its grace has passed and the backoff has run out.
  let state: WindowState = await windows();
  await waitFor(
    'every window scored',
    async () => {
      state = await windows();
      return state.open === 0 && state.expected.every((w) => state.scored.has(w));
    },
    // Below the dispatcher's two-minute lease: a job left running by a failed hand-back fails here.
    90_000,
  );
  expect(await backend.stop()).toBe(0);

  const stored = await readStoredRecords(at, tenant.projectId);
  const diff = compareStored(fleet.logged, stored);
  const lostWindows = state.expected.filter((w) => !state.scored.has(w));
  const doubleScored = [...state.scored].filter(([, n]) => n > 1).map(([w]) => w);
  recordFigures({
    case: 'worker down, then slow',
    store,
    acked: totals.sent,
    stored: diff.found,
    duplicates: diff.duplicated.length,
    lost: diff.lost.length,
    status503: fleet.wire.count(503),
    networkErrors: fleet.wire.networkErrors,
    recoveryMs: null,
    notes:
      `down ${FAULTS.workerDownMs / 1000} s + 2 x ${FAULTS.workerSlowMs / 1000} s paused; ` +
      `${state.expected.length} windows, ${state.scored.size} scored, ${lostWindows.length} lost, ` +
      `${doubleScored.length} twice; all scored ${((Date.now() - healthyAt) / 1000).toFixed(1)} s after`,
  });

  // The faults were felt: the dispatcher met a refused worker and a hanging one.
  expect(sawUnreachable).toBe(true);
  expect(hangs).toBe(2);
  expect(lostWindows).toEqual([]);
  expect(doubleScored).toEqual([]);
  expect(state.expected.length).toBeGreaterThan(Math.floor(FAULTS.workerDownMs / WINDOW_MS));
  // Ingest never depended on the worker.
  expect(totals.failed).toBe(0);
  expect(diff.lost).toEqual([]);
  expect(diff.duplicated).toEqual([]);
}

describe('worker down, then slow', () => {
  it(
    'on SQLite: every window with records is scored exactly once',
    async () => {
      await workerDownThenSlow('sqlite');
    },
    timeoutFor(FAULTS.workerDownMs, FAULTS.workerSlowMs * 2),
  );

  it(
    'on PostgreSQL: every window with records is scored exactly once',
    async () => {
      await workerDownThenSlow('postgres');
    },
    timeoutFor(FAULTS.workerDownMs, FAULTS.workerSlowMs * 2),
  );
});
