/**
 * Replays one recording through the real backend, in process, on a clock that follows the
 * recording: the app (`buildApp`) over a temp SQLite store and directory bucket, and the real
 * Dispatcher with its default window and grace, calling a real scoring worker over HTTP. Records go
 * in through `POST /api/ingest` as NDJSON in arrival order; scores come back through
 * `GET /api/risk-history`. Each window is also scored "fresh": alone, with no baseline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEVEL_RANK, type RiskPoint, ScoreResponse } from '@cloudsage/schema';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Dispatcher } from '../../src/services/dispatch/dispatcher.js';
import { readWindowRecords } from '../../src/services/dispatch/window-records.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { openSql } from '../../src/store/sql/open-sql.js';
import { coalesce, ndjsonBody, type Recording } from './recording.js';
import { createTenant } from './tenant.js';

/** The dispatcher's default per-window record bound (Dispatcher's `maxRecordsPerWindow`). */
const MAX_RECORDS_PER_WINDOW = 50_000;
/** Warn-and-above messages kept per window for the template baseline. */
const MAX_SEVERE_MESSAGES = 5_000;

/** Where the scoring worker listens. */
export interface WorkerTarget {
  url: string;
  apiKey: string;
}

/** One scoring window as the backend cut it, with both scores and what the trivial baselines need. */
export interface WindowRow {
  /** Window start (ingest time), ms since the epoch. */
  start: number;
  /** Records the backend counted in the window. */
  records: number;
  warn: number;
  error: number;
  fatal: number;
  /** Records per service (absent service: ""). */
  services: Record<string, number>;
  /** Messages of the window's warn-and-above records (at most MAX_SEVERE_MESSAGES). */
  severe: string[];
  /** The dispatcher's score and labels, read back through the risk history; null if none was stored. */
  score: number | null;
  labels: string[];
  /** The stored explanations, strongest first: each finding's points and message. */
  why: string[];
  /** The same window scored alone, with no baseline. */
  fresh: number;
  freshLabels: string[];
}

/** What a replay produced. */
export interface ReplayResult {
  name: string;
  windowMs: number;
  records: number;
  requests: number;
  accepted: number;
  rejected: number;
  /** Windows holding records, by ingest time, as computed from the recording itself. */
  expectedWindows: number[];
  /** Risk points whose timestamp is no window of `expectedWindows` (must be empty). */
  strayPoints: string[];
  windows: WindowRow[];
  seconds: number;
}

/**
 * Replays `recording` and answers every window's row. The backend and its store live only for the
 * call; the worker is the caller's.
 *
 * @example
 * const r = await replayRecording(loadRecording(dir, 'smoke'), { url, apiKey });
 * r.windows[0]?.score; // the dispatcher's score of the first window
 */
export async function replayRecording(recording: Recording, worker: WorkerTarget): Promise<ReplayResult> {
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-replay-'));
  const config = loadConfig({
    CLOUDSAGE_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    WORKER_URL: worker.url,
    WORKER_API_KEY: worker.apiKey,
    // A replay sends a minute's requests in a fraction of a second: the per-minute limits would
    // count replay speed, not the recorded traffic.
    CLOUDSAGE_INGEST_RATE_PER_MIN: '0',
    CLOUDSAGE_REGISTER_RATE_PER_HOUR: '0',
    CLOUDSAGE_SEARCH_RATE_PER_MIN: '0',
    CLOUDSAGE_INGEST_WORKERS: '0',
  });
  const windowMs = config.scoreWindowMs;
  const first = recording.batches[0]?.at ?? Date.now();
  let now = first - windowMs;
  const clock = () => now;
  const sql = await openSql({ dataDir });
  const bucket = new DirBucket(join(dataDir, 'bucket'));
  const app = await buildApp({
    config,
    sql,
    bucket,
    jwtSecret: 'replay-jwt-secret-0123456789abcdef0123456789',
    now: clock,
    logger: false,
  });
  const log = pino({ level: 'warn' }, process.stderr);
  const dispatcher = new Dispatcher({
    sql,
    bucket,
    worker: { url: config.workerUrl, apiKey: config.workerApiKey, timeoutMs: 60_000 },
    log,
    windowMs,
    now: clock,
    random: () => 0.5,
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const { projectId, key } = await createTenant(base);
    const drain = async () => {
      while (await dispatcher.runOnce()) {
        // Every due job runs; a window still open waits for its grace.
      }
    };
    const requests = coalesce(recording.batches, windowMs, 2_000, 2_000);
    let accepted = 0;
    let rejected = 0;
    const expected = new Set<number>();
    for (const batch of requests) {
      now = batch.at;
      await drain();
      const res = await fetch(`${base}/api/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', 'x-cloudsage-key': key },
        body: ndjsonBody(batch.records),
      });
      const body = (await res.json()) as { accepted?: number; rejected?: number };
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body)}`);
      accepted += body.accepted ?? 0;
      rejected += body.rejected ?? 0;
      if ((body.accepted ?? 0) > 0) expected.add(Math.floor(batch.at / windowMs) * windowMs);
    }
    const last = Math.max(...expected, first);
    now = last + windowMs + 60_000;
    await drain();
    const history = await readHistory(base, projectId, key);
    const byStart = new Map<number, RiskPoint>();
    const strayPoints: string[] = [];
    for (const p of history) {
      const at = Date.parse(p.timestamp);
      if (expected.has(at)) byStart.set(at, p);
      else strayPoints.push(p.timestamp);
    }
    const expectedWindows = [...expected].sort((a, b) => a - b);
    const windows: WindowRow[] = [];
    for (const start of expectedWindows) {
      const read = await readWindowRecords(sql.db, bucket, projectId, start, start + windowMs, MAX_RECORDS_PER_WINDOW);
      if (!read.ok) throw new Error(`window ${new Date(start).toISOString()} unreadable: ${read.error}`);
      const row: WindowRow = {
        start,
        records: read.totalRecords,
        warn: 0,
        error: 0,
        fatal: 0,
        services: {},
        severe: [],
        score: byStart.get(start)?.score ?? null,
        labels: byStart.get(start)?.labels ?? [],
        why: (byStart.get(start)?.explanations ?? []).map((e) => `+${(e.contribution ?? 0).toFixed(1)} ${e.message}`),
        fresh: 0,
        freshLabels: [],
      };
      for (const r of read.logs) {
        const service = r.service ?? '';
        row.services[service] = (row.services[service] ?? 0) + 1;
        if (r.level === 'warn' || r.level === 'error' || r.level === 'fatal') row[r.level]++;
        if (LEVEL_RANK[r.level] >= LEVEL_RANK.warn && row.severe.length < MAX_SEVERE_MESSAGES) row.severe.push(r.msg);
      }
      const fresh = await scoreAlone(
        worker,
        projectId,
        start,
        windowMs,
        read.logs,
        read.samplingRatio,
        read.totalRecords,
      );
      row.fresh = fresh.score;
      row.freshLabels = fresh.labels;
      windows.push(row);
    }
    return {
      name: recording.name,
      windowMs,
      records: recording.records,
      requests: requests.length,
      accepted,
      rejected,
      expectedWindows,
      strayPoints,
      windows,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await dispatcher.stop();
    await app.close();
    await bucket.close();
    await sql.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Every risk point of the project, through the public read API with the read key. */
async function readHistory(base: string, projectId: string, key: string): Promise<RiskPoint[]> {
  const res = await fetch(`${base}/api/risk-history/${projectId}?days=3650`, { headers: { 'x-cloudsage-key': key } });
  if (res.status !== 200) throw new Error(`risk history answered ${res.status}`);
  return (await res.json()) as RiskPoint[];
}

/** `POST /score` of one window with no baseline: what the scorer says of the window on its own. */
async function scoreAlone(
  worker: WorkerTarget,
  projectId: string,
  start: number,
  windowMs: number,
  logs: unknown[],
  samplingRatio: number,
  totalRecords: number,
): Promise<ScoreResponse> {
  const res = await fetch(new URL('/score', worker.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${worker.apiKey}` },
    body: JSON.stringify({
      projectId,
      logs,
      metadata: {
        window: { from: new Date(start).toISOString(), to: new Date(start + windowMs).toISOString() },
        samplingRatio,
        totalRecords,
      },
    }),
  });
  const body: unknown = await res.json();
  if (res.status !== 200) throw new Error(`worker answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return ScoreResponse.parse(body);
}
