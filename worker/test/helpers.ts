import type { Baseline, LogRecord, ScoreResponse } from '@cloudsage/schema';
import { scoreWindow } from '../src/score/score-window.js';

export const T0 = Date.parse('2026-03-01T12:00:00.000Z');
export const MINUTE = 60_000;

/** A tiny deterministic PRNG so crafted windows vary without being random between runs. */
export function lcg(seed = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function rec(level: LogRecord['level'], msg: string, attributes?: Record<string, unknown>, at = 0): LogRecord {
  const r: LogRecord = { time: new Date(T0 + at).toISOString(), level, msg };
  if (attributes) r.attributes = attributes;
  return r;
}

export interface HealthyOptions {
  n?: number;
  errorShare?: number;
  latencyMs?: number;
  heapMb?: number;
  seed?: number;
}

/** A healthy web-service window: requests with latencies, a few errors, heap readings. */
export function healthy(o: HealthyOptions = {}): LogRecord[] {
  const rnd = lcg(o.seed ?? 7);
  const n = o.n ?? 500;
  const out: LogRecord[] = [];
  for (let i = 0; i < n; i++) {
    const u = rnd();
    // Spread over the minute, as a live service's records are.
    const at = Math.floor((i * MINUTE) / n);
    if (u < (o.errorShare ?? 0.005))
      out.push(rec('error', `Connection to 10.0.0.${1 + Math.floor(rnd() * 9)}:5432 reset`, undefined, at));
    else
      out.push(
        rec(
          'info',
          'request completed',
          { res: { statusCode: 200 }, responseTime: Math.round((o.latencyMs ?? 40) * (0.6 + 0.8 * rnd())) },
          at,
        ),
      );
  }
  for (let s = 0; s < 6; s++)
    out.push(
      rec('debug', 'memory usage', { heapUsed: Math.round((o.heapMb ?? 150) * 1048576 * (0.97 + 0.06 * rnd())) }),
    );
  return out;
}

export function score(
  logs: LogRecord[],
  baseline?: Baseline,
  minute = 0,
  extra: { samplingRatio?: number; totalRecords?: number } = {},
): ScoreResponse {
  const from = new Date(T0 + minute * MINUTE).toISOString();
  const to = new Date(T0 + (minute + 1) * MINUTE).toISOString();
  // Crafted records are stamped from T0; move them into the window scored, as live records are.
  const shift = minute * MINUTE;
  const moved =
    shift === 0 ? logs : logs.map((r) => ({ ...r, time: new Date(Date.parse(r.time) + shift).toISOString() }));
  return scoreWindow({ projectId: 'p1', logs: moved, metadata: { window: { from, to }, baseline, ...extra } });
}

/** A baseline learned from `windows` healthy windows made by `make(i)`. */
export function warm(make: (i: number) => LogRecord[], windows = 30): Baseline {
  let b: Baseline | undefined;
  for (let i = 0; i < windows; i++) b = score(make(i), b, i).baseline;
  return b!;
}
