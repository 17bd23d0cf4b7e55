import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createTenant } from '../ingest/ingest-fixture.js';
import { startTestApp } from '../support/app.js';
import { createPgDatabase } from '../support/sql-stores.js';
import { BackendProcess } from './support/backend-process.js';
import { recordFigures } from './support/figures.js';
import { closed, openSocket, write } from './support/raw-client.js';
import { SdkFleet } from './support/sdk-fleet.js';
import { FAULTS, timeoutFor } from './support/settings.js';
import { compareStored, readStoredRecords } from './support/stored-records.js';
import { sleep, waitFor } from './support/timing.js';

/*
 * Case 5 (issue #10): clients that misbehave on the wire. A client whose connection drops
 * mid-upload leaves nothing half-stored (no batch row, no object, none of its records); a
 * slowloris client's sockets are freed by the server's timeouts. Meanwhile well-behaved SDK
 * clients ingest as usual and every record of theirs is stored exactly once.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function ndjson(prefix: string, n: number): Buffer {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ level: 30, time: Date.now(), msg: `${prefix}-${i}` }),
  );
  return Buffer.from(`${lines.join('\n')}\n`);
}

function uploadHead(key: string, id: string, body: Buffer, chunked: boolean): string {
  const lines = [
    'POST /api/ingest HTTP/1.1',
    'Host: 127.0.0.1',
    `x-cloudsage-key: ${key}`,
    'content-type: application/x-ndjson',
    `idempotency-key: ${id}`,
    chunked ? 'content-encoding: gzip' : '',
    chunked ? 'transfer-encoding: chunked' : `content-length: ${body.length}`,
  ];
  return `${lines.filter(Boolean).join('\r\n')}\r\n\r\n`;
}

function chunk(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
}

/** The same upload as `dropMidUpload`, sent whole; answers the status. */
async function completeUpload(url: string, key: string, id: string, chunked: boolean): Promise<number> {
  const raw = ndjson(id, 400);
  const body = chunked ? gzipSync(raw) : raw;
  const socket = await openSocket(url);
  let answer = '';
  socket.on('data', (d: Buffer) => {
    answer += d.toString('latin1');
  });
  await write(socket, uploadHead(key, id, body, chunked));
  await write(socket, chunked ? Buffer.concat([chunk(body), Buffer.from('0\r\n\r\n')]) : body);
  await waitFor('an answer', () => /^HTTP\/1\.1 \d{3}/.test(answer), 30_000);
  socket.destroy();
  return Number(answer.slice(9, 12));
}

/** One upload cut off: headers, then `fraction` of the body, then a FIN or a RST. */
async function dropMidUpload(
  url: string,
  key: string,
  id: string,
  fraction: number,
  how: 'fin' | 'rst',
  chunked: boolean,
) {
  const raw = ndjson(id, 400);
  const body = chunked ? gzipSync(raw) : raw;
  const socket = await openSocket(url);
  await write(socket, uploadHead(key, id, body, chunked));
  const cut = body.subarray(0, Math.floor(body.length * fraction));
  if (cut.length > 0) await write(socket, chunked ? chunk(cut) : cut);
  // Let the server start on the body before the client vanishes.
  await sleep(50);
  if (how === 'rst') socket.resetAndDestroy();
  else socket.destroy();
}

describe.each(['sqlite', 'postgres'] as const)('connection dropped mid-upload, on %s', (store) => {
  it(
    'stores nothing of a cut upload, and every record of the other clients once',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cs-fault-drop-'));
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
      const fleet = new SdkFleet({ endpoint: backend.url, apiKey: tenant.key, clients: 2, perTick: 2 });
      cleanups.push(() => fleet.close());

      fleet.startLogging();
      const dropped: string[] = [];
      for (const chunked of [false, true]) {
        for (const how of ['fin', 'rst'] as const) {
          for (const fraction of [0, 0.5, 0.99]) {
            const id = `cut-${chunked ? 'gz' : 'plain'}-${how}-${fraction}`;
            dropped.push(id);
            await dropMidUpload(backend.url, tenant.key, id, fraction, how, chunked);
          }
        }
      }
      // Controls: the same raw uploads, not cut, are stored (so "nothing stored" above means something).
      const controls = [
        await completeUpload(backend.url, tenant.key, 'whole-plain', false),
        await completeUpload(backend.url, tenant.key, 'whole-gz', true),
      ];
      await sleep(500);
      const totals = await fleet.drain(60_000);
      expect(await backend.stop()).toBe(0);

      const stored = await readStoredRecords({ dataDir, databaseUrl }, tenant.projectId);
      const diff = compareStored(fleet.logged, stored);
      const halfStored = [...stored.counts.keys()].filter((id) => dropped.some((d) => id.startsWith(`${d}-`)));
      recordFigures({
        case: 'connection dropped mid-upload',
        store,
        acked: totals.sent,
        stored: diff.found,
        duplicates: diff.duplicated.length,
        lost: diff.lost.length,
        status503: fleet.wire.count(503),
        networkErrors: fleet.wire.networkErrors,
        recoveryMs: null,
        notes: `${dropped.length} uploads cut (FIN/RST, plain/gzip-chunked, 0-99 % sent): ${halfStored.length} records and ${stored.orphans.length} objects of them stored`,
      });

      expect(controls).toEqual([202, 202]);
      expect(stored.counts.get('whole-plain-399')).toBe(1);
      expect(stored.counts.get('whole-gz-399')).toBe(1);
      expect(halfStored).toEqual([]);
      expect(stored.orphans).toEqual([]);
      expect(stored.damaged).toEqual([]);
      expect(totals.failed).toBe(0);
      expect(totals.sent).toBe(fleet.logged.length);
      expect(diff.lost).toEqual([]);
      expect(diff.duplicated).toEqual([]);
      expect(diff.unknown.filter((id) => !id.startsWith('whole-'))).toEqual([]);
    },
    timeoutFor(),
  );
});

describe('slowloris', () => {
  it(
    'frees stalled sockets by timeout while other clients ingest as usual',
    async () => {
      const app = await startTestApp({ env: { CLOUDSAGE_INGEST_RATE_PER_MIN: '0', CLOUDSAGE_INGEST_WORKERS: '1' } });
      cleanups.push(() => app.close());
      // Production sets 60 s (connectionTimeout); the same mechanism, shortened so CI need not wait.
      app.app.server.timeout = FAULTS.idleTimeoutMs;
      const tenant = await createTenant(app.url, ['ingest']);
      const fleet = new SdkFleet({ endpoint: app.url, apiKey: tenant.key, clients: 2, perTick: 2 });
      cleanups.push(() => fleet.close());
      fleet.startLogging();
      await waitFor('ingest under way', () => fleet.wire.count(202) >= 3);

      const started = Date.now();
      const closeTimes: number[] = [];
      const stalls: Promise<void>[] = [];
      const ackedBefore = fleet.wire.count(202);
      for (let i = 0; i < 40; i++) {
        const socket = await openSocket(app.url);
        // Half of them stall inside the headers, half inside a body they promised.
        if (i % 2 === 0)
          await write(
            socket,
            `POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nx-cloudsage-key: ${tenant.key}\r\nX-Slow: `,
          );
        else {
          const head = `POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nx-cloudsage-key: ${tenant.key}\r\ncontent-type: application/x-ndjson\r\ncontent-length: 100000\r\n\r\n`;
          await write(socket, `${head}{"msg":"slow-${i}`);
        }
        stalls.push(closed(socket).then(() => void closeTimes.push(Date.now() - started)));
      }
      await waitFor(
        'the server to close every stalled socket',
        async () => closeTimes.length === stalls.length,
        60_000,
      );
      const ackedDuring = fleet.wire.count(202) - ackedBefore;
      const totals = await fleet.drain(60_000);

      const stored = await readStoredRecords(
        { dataDir: app.sql.dataDir, bucketDataDir: `${app.sql.dataDir}/bucket` },
        tenant.projectId,
      );
      const diff = compareStored(fleet.logged, stored);
      const slowest = Math.max(...closeTimes);
      recordFigures({
        case: 'slowloris (40 stalled sockets)',
        store: 'sqlite',
        acked: totals.sent,
        stored: diff.found,
        duplicates: diff.duplicated.length,
        lost: diff.lost.length,
        status503: fleet.wire.count(503),
        networkErrors: fleet.wire.networkErrors,
        recoveryMs: null,
        notes: `idle timeout ${FAULTS.idleTimeoutMs / 1000} s: all stalled sockets closed by ${(slowest / 1000).toFixed(1)} s; ${ackedDuring} SDK batches acked meanwhile`,
      });

      expect(closeTimes).toHaveLength(40);
      expect(ackedDuring).toBeGreaterThan(0);
      expect(stored.counts.has('slow-1')).toBe(false);
      expect(totals.failed).toBe(0);
      expect(totals.sent).toBe(fleet.logged.length);
      expect(diff.lost).toEqual([]);
      expect(diff.duplicated).toEqual([]);
    },
    timeoutFor(FAULTS.idleTimeoutMs),
  );
});
