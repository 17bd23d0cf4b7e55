/**
 * The whole stack in one process: the real worker app (worker/dist/app.js, built by `pnpm build`) on a
 * free port, the real backend (startTestApp) and a Dispatcher between them, fed through @cloudsage/node.
 * One clock drives the backend and the dispatcher, so a minute of service life takes no wall time:
 * each step logs a minute of traffic, flushes, moves the clock past the window and runs the dispatcher
 * until it has nothing due.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CloudSage } from '@cloudsage/node';
import type { RiskPoint } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/services/dispatch/dispatcher.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 12, 9, 0, 0);
const WORKER_KEY = 'scenario-worker-key-0123456789';
const here = dirname(fileURLToPath(import.meta.url));
const WORKER_APP = join(here, '../../../worker/dist/app.js');

/** The worker's `build`, loaded from its build (the worker shares no source with us). */
interface WorkerModule {
  build(config: unknown, options?: { logger?: boolean }): Promise<FastifyInstance>;
}

/** A tiny deterministic PRNG, so the traffic varies without varying between runs. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Registers a user over HTTP and makes a project with an ingest+read key. */
async function tenant(url: string): Promise<{ projectId: string; key: string }> {
  const post = async (path: string, body: unknown, token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
  const credentials = { email: 'ops@example.com', password: 'correct horse battery staple' };
  await post('/api/auth/register', credentials);
  const { token } = (await post('/api/auth/login', credentials)) as { token: string };
  const { id: projectId } = (await post('/api/projects', { name: 'checkout' }, token)) as { id: string };
  const { key } = (await post(
    `/api/projects/${projectId}/keys`,
    { name: 'svc', scopes: ['ingest', 'read'] },
    token,
  )) as {
    key: string;
  };
  return { projectId, key };
}

describe.each(SQL_DIALECTS)(
  'whole stack on %s: @cloudsage/node -> backend -> dispatcher -> worker -> history',
  (dialect) => {
    let now = T0;
    let worker: FastifyInstance;
    let backend: TestApp;
    let dispatcher: Dispatcher;
    let client: CloudSage;
    const rnd = lcg(42);

    beforeAll(async () => {
      if (!existsSync(WORKER_APP)) throw new Error('worker/dist/app.js is missing: run `pnpm build` first');
      const { build } = (await import(pathToFileURL(WORKER_APP).href)) as WorkerModule;
      worker = await build(
        {
          port: 0,
          host: '127.0.0.1',
          apiKey: WORKER_KEY,
          logLevel: 'silent',
          maxBodyBytes: 64 * 1024 * 1024,
          maxRecords: 200_000,
          shutdownTimeoutMs: 5_000,
        },
        { logger: false },
      );
      const workerUrl = await worker.listen({ port: 0, host: '127.0.0.1' });
      backend = await startTestApp({
        dialect,
        env: { WORKER_URL: workerUrl, WORKER_API_KEY: WORKER_KEY },
        now: () => now,
      });
      dispatcher = new Dispatcher({
        sql: backend.sql.store,
        bucket: backend.app.bucket,
        worker: { url: workerUrl, apiKey: WORKER_KEY, timeoutMs: 10_000 },
        log: pino({ level: 'silent' }),
        windowMs: MIN,
        graceMs: 1_000,
        now: () => now,
        random: () => 0.5,
      });
      const { key } = await tenant(backend.url);
      client = new CloudSage({ endpoint: backend.url, apiKey: key, service: 'checkout-api', exitHooks: false });
    });

    afterAll(async () => {
      await client?.shutdown({ timeoutMs: 2_000 });
      await dispatcher?.stop();
      await backend?.close();
      await worker?.close();
    });

    /** Logs one minute of a web API's traffic; `incident` makes its database refuse connections. */
    function minuteOfTraffic(incident: boolean): void {
      const requests = 280 + Math.floor(rnd() * 40);
      for (let i = 0; i < requests; i++) {
        const u = rnd();
        if (incident && u < 0.3) {
          client.log({ level: 'error', msg: `Connection to 10.0.4.${1 + Math.floor(rnd() * 8)}:5432 refused` });
        } else if (u < 0.004) {
          client.log({ level: 'error', msg: 'request errored', res: { statusCode: 502 }, responseTime: 30 });
        } else {
          const ms = 30 + Math.floor(rnd() * 30) * (incident ? 8 : 1);
          client.log({ level: 'info', msg: 'request completed', res: { statusCode: 200 }, responseTime: ms });
        }
      }
    }

    /** One minute of service life: traffic shipped during the minute, then the window scored after it. */
    async function liveMinute(minute: number, incident: boolean): Promise<void> {
      now = T0 + minute * MIN + 10_000;
      minuteOfTraffic(incident);
      const flushed = await client.flush({ timeoutMs: 10_000 });
      expect(flushed.pending).toBe(0);
      now = T0 + (minute + 1) * MIN + 5_000;
      while (await dispatcher.runOnce()) {
        // Every due job runs; a window still open waits for its grace (the next minute's job).
      }
    }

    it('keeps a steady service low, rises with the right labels in an incident, then falls', async () => {
      const phases: [from: number, to: number, incident: boolean][] = [
        [0, 15, false],
        [15, 18, true],
        [18, 24, false],
      ];
      for (const [from, to, incident] of phases) for (let m = from; m < to; m++) await liveMinute(m, incident);

      const history: RiskPoint[] = await client.getRiskHistory({ days: 1 });
      // One point per minute, oldest first, each at its window's start: nothing lost, nothing twice.
      expect(history.map((p) => Date.parse(p.timestamp))).toEqual(Array.from({ length: 24 }, (_, m) => T0 + m * MIN));

      const steady = history.slice(0, 15);
      const incident = history.slice(15, 18);
      const after = history.slice(18);
      for (const p of steady)
        expect({ at: p.timestamp, score: p.score < 30 }).toEqual({ at: p.timestamp, score: true });
      for (const p of incident) {
        expect(p.score).toBeGreaterThanOrEqual(60);
        expect(p.labels).toContain('High Error Rate');
        expect(p.labels).toContain('Latency Spike');
      }
      // The refused connections are a template the service never logged: named, with its count.
      const first = incident[0]!;
      expect(first.labels).toContain('New Error Pattern');
      const pattern = first.explanations.find((e) => e.label === 'New Error Pattern');
      expect(pattern?.template?.pattern).toBe('Connection to <IP>:<NUM> refused');
      expect(pattern?.template?.count).toBeGreaterThan(50);
      // Recovery: the first healthy minute already reads normal again, and so does the rest.
      for (const p of after) expect({ at: p.timestamp, score: p.score < 30 }).toEqual({ at: p.timestamp, score: true });
      expect(Math.max(...incident.map((p) => p.score))).toBeGreaterThan(Math.max(...steady.map((p) => p.score)) + 40);
    });
  },
);
