/**
 * The demo service's story (examples/demo-service/phases.mjs) through the whole stack: the real
 * worker (worker/dist, built by `pnpm build`), the backend with its forecast plugin, a dispatcher on
 * the demo's 15-second windows. One clock drives backend and dispatcher, so the 5.5 minutes of the
 * demo take no wall time. It checks what the demo promises: a rise (not a jump), the labels of each
 * phase (New Error Pattern after the bad deploy included), a recovery, and forecasts made by the
 * server that name the release the new error came with.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Forecast } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/services/dispatch/dispatcher.js';
import { scoreListenersSettled } from '../../src/services/dispatch/store-score.js';
import { call, manualClock, newKey, newProject, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';

const here = dirname(fileURLToPath(import.meta.url));
const WORKER_APP = join(here, '../../../worker/dist/app.js');
const DEMO = join(here, '../../../examples/demo-service/phases.mjs');
const WINDOW = 15_000;
const WORKER_KEY = 'demo-worker-key-0123456789abcdef';
const T0 = Date.parse('2026-11-25T12:00:00.000Z');
const PINO_LEVEL: Record<string, number> = { info: 30, warn: 40, error: 50 };

interface DemoModule {
  phaseLengths(env: Record<string, string>): Record<string, number>;
  phaseAt(elapsed: number, lengths: Record<string, number>): { name: string; progress: number };
  demoRequest(
    phase: string,
    progress: number,
    rnd: () => number,
  ): { level: string; msg: string; fields: Record<string, unknown> };
  RELEASES: Record<string, string>;
  PHASE_START_LINE: Record<string, string>;
}

/** A deterministic 0-1 source, so the traffic is the same every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface Scored {
  phase: string;
  score: number;
  labels: string[];
}

describe('the demo service’s story through the whole stack', () => {
  const clock = manualClock(T0);
  let worker: FastifyInstance;
  let t: TestApp;
  let dispatcher: Dispatcher;
  let demo: DemoModule;
  let projectId: string;
  let key: string;
  const scored: Scored[] = [];

  beforeAll(async () => {
    if (!existsSync(WORKER_APP)) throw new Error('worker/dist/app.js is missing: run `pnpm build` first');
    demo = (await import(pathToFileURL(DEMO).href)) as DemoModule;
    const { build } = (await import(pathToFileURL(WORKER_APP).href)) as {
      build(config: unknown, options?: { logger?: boolean }): Promise<FastifyInstance>;
    };
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
    t = await startTestApp({ now: clock.now, env: { WORKER_URL: workerUrl, WORKER_API_KEY: WORKER_KEY } });
    const owner = await signUp(t.url);
    projectId = await newProject(t.url, owner, 'Demo shop');
    key = (await newKey(t.url, owner, projectId, ['ingest'])).key;
    dispatcher = new Dispatcher({
      sql: t.sql.store,
      bucket: t.app.bucket,
      worker: { url: workerUrl, apiKey: WORKER_KEY, timeoutMs: 20_000 },
      log: pino({ level: 'silent' }),
      windowMs: WINDOW,
      graceMs: 1_000,
      now: clock.now,
      random: () => 0.5,
    });
  });

  afterAll(async () => {
    await dispatcher?.stop();
    await t?.close();
    await worker?.close();
  });

  it('rises through the incident, labels each phase, and recovers', { timeout: 240_000 }, async () => {
    const lengths = demo.phaseLengths({});
    const total = Object.values(lengths).reduce((a, b) => a + b, 0);
    const rnd = lcg(7);
    let phase = '';
    const phases = new Map<number, string>();
    // Past the end the demo loops back to healthy traffic: 2.5 minutes of it, for the forecast after.
    for (let w = 0; w * WINDOW < total + 150_000; w++) {
      const start = T0 + w * WINDOW;
      // The demo's 50 requests a second, shipped as pino lines like @cloudsage/pino sends them.
      const lines: Record<string, unknown>[] = [];
      let windowPhase = '';
      for (let ms = 0; ms < WINDOW; ms += 100) {
        const at = phaseAt(demo, w * WINDOW + ms, lengths);
        windowPhase ||= at.name;
        const base = { time: start + ms, service: 'checkout', hostname: 'shop-web-1', version: demo.RELEASES[at.name] };
        if (at.name !== phase) {
          phase = at.name;
          const line = demo.PHASE_START_LINE[phase];
          if (line) lines.push({ ...base, level: 30, msg: line });
        }
        for (let i = 0; i < 5; i++) {
          const r = demo.demoRequest(at.name, at.progress, rnd);
          lines.push({ ...base, ...r.fields, level: PINO_LEVEL[r.level], msg: r.msg });
        }
      }
      clock.advance(start + WINDOW - 1_000 - clock.now());
      const res = await call(t.url, 'POST', '/api/ingest', { auth: { key, via: 'header' }, json: lines });
      expect(res.status).toBe(202);
      clock.advance(start + WINDOW + 2_000 - clock.now());
      while (await dispatcher.runOnce()) {
        // every due window
      }
      phases.set(start, windowPhase);
    }
    await scoreListenersSettled();
    const rows = await t.sql.store.db
      .selectFrom('risk_history')
      .select(['score', 'labels', 'window_start'])
      .where('project_id', '=', projectId)
      .orderBy('window_start')
      .execute();
    for (const r of rows) {
      const p = phases.get(Number(r.window_start));
      if (p) scored.push({ phase: p, score: Number(r.score), labels: JSON.parse(r.labels) });
    }

    const report = scored.map((s) => `${s.phase} ${s.score} [${s.labels.join(', ')}]`).join('\n');
    console.info(`demo windows (phase score [labels]):\n${report}`);
    const labelsOf = (p: string) => new Set(scored.filter((s) => s.phase === p).flatMap((s) => s.labels));
    const seen = (p: string) => [...labelsOf(p)].sort();
    console.info(
      `labels by phase: ${JSON.stringify(Object.fromEntries(['healthy', 'incident', 'deploy', 'recovery'].map((p) => [p, seen(p)])))}`,
    );

    // Healthy stays normal.
    const healthy = scored.filter((s) => s.phase === 'healthy');
    expect(Math.max(...healthy.map((s) => s.score))).toBeLessThan(30);
    // The incident rises: some window between the healthy level and its peak, before the peak.
    const incident = scored.filter((s) => s.phase === 'incident').map((s) => s.score);
    const peakAt = incident.indexOf(Math.max(...incident));
    expect(incident.slice(0, peakAt).some((s) => s >= 15 && s <= Math.max(...incident) - 15)).toBe(true);
    expect(labelsOf('incident').has('High Error Rate')).toBe(true);
    // The bad deploy's new template.
    expect(labelsOf('deploy').has('New Error Pattern')).toBe(true);
    // Recovery: back to normal by the end.
    expect(scored.at(-1)!.score).toBeLessThan(30);

    // Forecasts were made by the server as the scores moved, none asked for by a page.
    const forecasts = (
      await t.sql.store.db
        .selectFrom('forecasts')
        .select('payload')
        .where('project_id', '=', projectId)
        .orderBy('created_at')
        .execute()
    ).map((r) => Forecast.parse(JSON.parse(r.payload)));
    console.info(`forecasts made: ${forecasts.length} over ${scored.length} scores`);
    const phaseOfForecast = (f: Forecast) => phaseAt(demo, Date.parse(f.createdAt) - T0, lengths).name;
    console.info(
      forecasts
        .map(
          (f) =>
            `forecast at +${(Date.parse(f.createdAt) - T0) / 1000}s (${phaseOfForecast(f)}): ${f.headline}\n  ${f.actions.map((a, i) => `${i + 1}. ${a}`).join('\n  ')}`,
        )
        .join('\n'),
    );
    // One at the first score, one during the bad deploy, one after the recovery: never one per score.
    expect(forecasts.length).toBeLessThanOrEqual(Math.ceil((total + 150_000) / 300_000) + 1);
    const duringDeploy = forecasts.find((f) => phaseOfForecast(f) === 'deploy');
    expect(duringDeploy?.now?.score).toBeGreaterThanOrEqual(60);
    // Its first action is the deploy's new error, named with its service, template and release.
    expect(duringDeploy?.actions[0]).toContain("`TypeError: Cannot read properties of undefined (reading 'currency')");
    expect(duringDeploy?.actions[0]).toContain('in checkout');
    expect(duringDeploy?.actions[0]).toContain('it began after release v2.15.0');
    expect(duringDeploy?.evidence?.some((e) => e?.release === 'v2.15.0' && e.service === 'checkout')).toBe(true);
    const last = forecasts.at(-1)!;
    expect(Date.parse(last.createdAt)).toBeGreaterThan(T0 + total);
    expect(last.now?.score).toBeLessThan(30);
  });
});

function phaseAt(demo: DemoModule, elapsed: number, lengths: Record<string, number>) {
  return demo.phaseAt(elapsed, lengths);
}
