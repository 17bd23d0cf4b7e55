import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTenant } from '../ingest/ingest-fixture.js';
import { BackendProcess } from './support/backend-process.js';
import { CommittedIds } from './support/committed-ids.js';
import { recordFigures } from './support/figures.js';
import { INTEGRATIONS, type Integration, LoggingApp } from './support/logging-apps.js';
import { FAULTS, timeoutFor } from './support/settings.js';
import { compareStored, readStoredRecords } from './support/stored-records.js';
import { sleep, waitFor } from './support/timing.js';

/*
 * Issue #18: a backend outage is a non-event with the default settings, for every integration. Real
 * apps (child processes) log ~100 records a second each through @cloudsage/node, @cloudsage/pino,
 * @cloudsage/winston, @cloudsage/otel and `cloudsage ship` reading a pipe, with nothing set but the
 * endpoint and the key. The backend (SQLite) is stopped as a restart stops it, stays down for
 * FAULTS.backendOutageMs, and comes back on the same port; the apps log on, then end as apps end
 * (SIGTERM, or the end of the agent's input) and must exit 0 by themselves. Every record each app
 * logged is stored exactly once.
 */

// Logging with the backend up before the outage, and after the backlog is delivered before the end.
const LEAD_MS = 3_000;
const TAIL_MS = 3_000;
// A backlog gets its next try within 30 s of the backend's return: the client's backoff step is capped
// at 30 s (retry.maxDelayMs) and a spool is re-sent every 30 s (spool.retryIntervalMs). The apps log on
// at most twice that while waiting for it; then they end anyway, and what is missing counts as lost.
const DELIVERY_WAIT_MS = 60_000;
// An app's own ending flushes for at most 10 s (pino's wait for its worker, the adapters'
// shutdownTimeoutMs); one still running after this is hung.
const END_DEADLINE_MS = 30_000;
// ~100 records a second each: an app that logged less than half of that through the outage did not
// really log through it, and a clean result would prove nothing.
const MIN_RECORDS_PER_S = 50;

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Watched {
  projectId: string;
  /** The ids logged before the backend came back: each must arrive. */
  ids: string[];
}

/** Milliseconds from now until every watched id is committed, per entry; null past `DELIVERY_WAIT_MS`. */
async function timeToDeliver(committed: CommittedIds, watched: Watched[]): Promise<(number | null)[]> {
  const since = Date.now();
  const delivered: (number | null)[] = watched.map(() => null);
  // Index of the first id not seen yet: ids only ever arrive, so it only moves forward.
  const next = watched.map(() => 0);
  for (;;) {
    await committed.poll();
    watched.forEach((w, i) => {
      while (next[i]! < w.ids.length && committed.has(w.projectId, w.ids[next[i]!]!)) next[i]!++;
      if (delivered[i] === null && next[i] === w.ids.length) delivered[i] = Date.now() - since;
    });
    if (!delivered.includes(null) || Date.now() - since > DELIVERY_WAIT_MS) return delivered;
    await sleep(250);
  }
}

/** Waits until each app has a first batch committed: every pipeline works before the fault. */
async function firstDelivery(committed: CommittedIds, runs: { projectId: string; app: LoggingApp }[]): Promise<void> {
  const silent = () => runs.filter((r) => committed.count(r.projectId) === 0);
  try {
    await waitFor(
      'every app to deliver its first records with the backend up',
      async () => {
        await committed.poll();
        return silent().length === 0;
      },
      60_000,
    );
  } catch (err) {
    const quiet = silent();
    const names = quiet.map((r) => r.app.integration).join(', ');
    throw new Error(`${(err as Error).message}: nothing from ${names}\n${quiet.map((r) => r.app.output()).join('\n')}`);
  }
}

/** Ids as ranges of consecutive numbers, e.g. `pino-120..pino-349, pino-400`: which stretch went missing. */
function idRanges(ids: readonly string[], max = 6): string {
  const parsed = ids
    .map((id) => /^(.*)-(\d+)$/.exec(id))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ prefix: m[1]!, n: Number(m[2]) }))
    .sort((a, b) => a.prefix.localeCompare(b.prefix) || a.n - b.n);
  const ranges: string[] = [];
  for (let i = 0; i < parsed.length; ) {
    let j = i;
    while (
      j + 1 < parsed.length &&
      parsed[j + 1]!.prefix === parsed[i]!.prefix &&
      parsed[j + 1]!.n === parsed[j]!.n + 1
    )
      j++;
    const { prefix, n } = parsed[i]!;
    ranges.push(j === i ? `${prefix}-${n}` : `${prefix}-${n}..${prefix}-${parsed[j]!.n}`);
    i = j + 1;
  }
  return ranges.length > max ? `${ranges.slice(0, max).join(', ')} and ${ranges.length - max} more` : ranges.join(', ');
}

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
const outage = `${FAULTS.backendOutageMs / 1000} s`;

describe('backend outage, default client settings', () => {
  it(
    'every integration stores each record once, and every app exits 0 after its flush',
    async () => {
      const dataDir = tempDir('cs-fault-outage-');
      const stateDir = tempDir('cs-fault-outage-agent-');
      const backend = await BackendProcess.start({ CLOUDSAGE_DATA_DIR: dataDir, WORKER_URL: 'http://127.0.0.1:9' });
      cleanups.push(() => backend.kill());
      const committed = new CommittedIds(dataDir);
      cleanups.push(() => committed.close());
      const runs: { integration: Integration; projectId: string; app: LoggingApp }[] = [];
      for (const integration of INTEGRATIONS) {
        // A project each, so what each integration delivered is counted apart.
        const tenant = await createTenant(backend.url, ['ingest']);
        const app = LoggingApp.start(integration, {
          endpoint: backend.url,
          apiKey: tenant.key,
          prefix: integration,
          stateDir,
        });
        cleanups.push(() => app.kill());
        runs.push({ integration, projectId: tenant.projectId, app });
      }
      await firstDelivery(committed, runs);
      await sleep(LEAD_MS);

      const loggedAtStop = runs.map((r) => r.app.logged);
      expect(await backend.stop()).toBe(0);
      await sleep(FAULTS.backendOutageMs);
      const loggedAtRestart = runs.map((r) => r.app.logged);
      const backlog = runs.map((r) => ({ projectId: r.projectId, ids: r.app.ids() }));
      await backend.restart();
      const delivered = await timeToDeliver(committed, backlog);
      await sleep(TAIL_MS);
      const exits = await Promise.all(runs.map((r) => r.app.end(END_DEADLINE_MS)));
      expect(await backend.stop()).toBe(0);

      const minDuringOutage = Math.floor((MIN_RECORDS_PER_S * FAULTS.backendOutageMs) / 1000);
      const summary: Record<string, unknown> = {};
      const expected: Record<string, unknown> = {};
      for (const [i, run] of runs.entries()) {
        const stored = await readStoredRecords({ dataDir }, run.projectId);
        const diff = compareStored(run.app.ids(), stored);
        const during = loggedAtRestart[i]! - loggedAtStop[i]!;
        recordFigures({
          case: `backend outage ${outage}: ${run.integration}`,
          store: 'sqlite',
          acked: run.app.logged,
          stored: diff.found,
          duplicates: diff.duplicated.length,
          lost: diff.lost.length,
          // The apps' requests are not observed from here.
          status503: Number.NaN,
          networkErrors: Number.NaN,
          recoveryMs: delivered[i] ?? null,
          notes: `default options; acked = logged by the app (${during} during the outage); recovery = until all logged before the restart was committed; ${exits[i]}`,
        });
        summary[run.integration] = {
          loggedThroughOutage: during >= minDuringOutage,
          lost: diff.lost.length,
          duplicated: diff.duplicated.length,
          unknown: diff.unknown.length,
          damaged: stored.damaged,
          exit: exits[i],
        };
        expected[run.integration] = {
          loggedThroughOutage: true,
          lost: 0,
          duplicated: 0,
          unknown: 0,
          damaged: [],
          exit: 'exit 0',
        };
        console.log(
          `backend outage ${outage}, ${run.integration}: logged ${run.app.logged} (${during} during the outage), ` +
            `stored ${diff.found}, lost ${diff.lost.length} [${idRanges(diff.lost)}], duplicated ${diff.duplicated.length}, ` +
            `backlog delivered ${seconds(delivered[i] ?? null)} after the restart, ${exits[i]}`,
        );
      }
      expect(summary, runs.map((r) => r.app.output()).join('\n')).toEqual(expected);
    },
    timeoutFor(FAULTS.backendOutageMs, DELIVERY_WAIT_MS),
  );

  it(
    '@cloudsage/node with spoolDir, its app restarted during the outage: each record stored once',
    async () => {
      const dataDir = tempDir('cs-fault-outage-spool-');
      const spoolDir = tempDir('cs-fault-outage-spooldir-');
      const backend = await BackendProcess.start({ CLOUDSAGE_DATA_DIR: dataDir, WORKER_URL: 'http://127.0.0.1:9' });
      cleanups.push(() => backend.kill());
      const committed = new CommittedIds(dataDir);
      cleanups.push(() => committed.close());
      const tenant = await createTenant(backend.url, ['ingest']);
      const start = (prefix: string) => {
        const app = LoggingApp.start('node', {
          endpoint: backend.url,
          apiKey: tenant.key,
          prefix,
          env: { SPOOL_DIR: spoolDir },
        });
        cleanups.push(() => app.kill());
        return app;
      };

      const first = start('node-first');
      await firstDelivery(committed, [{ projectId: tenant.projectId, app: first }]);
      await sleep(LEAD_MS);
      expect(await backend.stop()).toBe(0);
      const stoppedAt = Date.now();
      // A deploy during the outage: the first instance ends (spooling what it could not send) and a
      // second one takes over the same spool directory. The first takes up to its exit flush (5 s) to
      // end, so the second starts during the outage only when it lasts ~10 s or more (CI: 15 s).
      await sleep(FAULTS.backendOutageMs / 3);
      const firstExit = await first.end(END_DEADLINE_MS);
      const segments = readdirSync(spoolDir).filter((f) => f.endsWith('.seg')).length;
      const second = start('node-second');
      await sleep(Math.max(0, stoppedAt + FAULTS.backendOutageMs - Date.now()));
      const secondBeforeRestart = second.logged;
      const backlog = [...first.ids(), ...second.ids()];
      await backend.restart();
      const [delivered] = await timeToDeliver(committed, [{ projectId: tenant.projectId, ids: backlog }]);
      await sleep(TAIL_MS);
      const secondExit = await second.end(END_DEADLINE_MS);
      expect(await backend.stop()).toBe(0);

      const stored = await readStoredRecords({ dataDir }, tenant.projectId);
      const logged = [...first.ids(), ...second.ids()];
      const diff = compareStored(logged, stored);
      recordFigures({
        case: `backend outage ${outage}: node + spoolDir, app restarted mid-outage`,
        store: 'sqlite',
        acked: logged.length,
        stored: diff.found,
        duplicates: diff.duplicated.length,
        lost: diff.lost.length,
        status503: Number.NaN,
        networkErrors: Number.NaN,
        recoveryMs: delivered ?? null,
        notes: `first app: ${first.logged} logged, ${segments} segment(s) spooled, ${firstExit}; second app: ${second.logged} logged (${secondBeforeRestart} before the restart), ${secondExit}`,
      });
      console.log(
        `backend outage ${outage}, node + spoolDir restarted mid-outage: logged ${logged.length}, stored ${diff.found}, ` +
          `lost ${diff.lost.length} [${idRanges(diff.lost)}], duplicated ${diff.duplicated.length}, ${segments} segment(s) spooled by the first app, ` +
          `backlog delivered ${seconds(delivered ?? null)} after the restart`,
      );

      expect(
        {
          firstExit,
          firstSpooled: segments > 0,
          secondLoggedDuringOutage: secondBeforeRestart > 0,
          secondExit,
          lost: diff.lost.length,
          duplicated: diff.duplicated.length,
          unknown: diff.unknown.length,
          damaged: stored.damaged,
        },
        `${first.output()}\n${second.output()}`,
      ).toEqual({
        firstExit: 'exit 0',
        firstSpooled: true,
        secondLoggedDuringOutage: true,
        secondExit: 'exit 0',
        lost: 0,
        duplicated: 0,
        unknown: 0,
        damaged: [],
      });
    },
    timeoutFor(FAULTS.backendOutageMs, DELIVERY_WAIT_MS),
  );
});
