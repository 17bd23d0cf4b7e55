/*
 * Latency and memory figures read from a record's attributes, for the per-minute metrics the
 * worker and the forecaster use (docs/architecture.md, "Scoring": `responseTime`, `duration`, `latency_ms`,
 * `res.*`; heap/rss fields). Only finite, non-negative numbers within a bound count: the figures are
 * summed per minute in SQL, where PostgreSQL's float8 refuses an overflow (two `1e308` latencies in
 * one minute made every later batch of that minute fail, issue #22). A number out of range is
 * left out of the metrics and named through `onLeftOut`; the record itself is kept.
 */

const LATENCY_KEYS = ['responseTime', 'response_time', 'duration', 'duration_ms', 'latency_ms', 'latency', 'elapsed'];
// Objects that loggers nest timings or memory figures under (pino-http `res`, `process.memoryUsage()`).
const LATENCY_PARENTS = ['res', 'response', 'http'];
const MEMORY_PARENTS = ['memory', 'mem', 'memoryUsage', 'process'];
const MEMORY_KEY = /heap|rss/i;
// process.memoryUsage() reports bytes; a figure this large cannot be megabytes.
const BYTES_THRESHOLD = 1024 * 1024;

/** A latency over this (7 days) is no request's; it is left out of the metrics. */
export const MAX_LATENCY_MS = 7 * 24 * 3600 * 1000;
/** A memory figure over this (1 PiB, in MB) is no process's; it is left out of the metrics. */
export const MAX_MEMORY_MB = 1024 * 1024 * 1024;

/** Hears a figure left out of the metrics, with the reason to report for its record. */
export type OnLeftOut = (reason: string) => void;

const NO_REPORT: OnLeftOut = () => {};

function leftOut(key: string, v: number, why: string): string {
  return `figure_out_of_range: ${key} ${v} ${why}; left out of the metrics, the record is kept`;
}

function latencyFigure(key: string, v: unknown, onLeftOut: OnLeftOut): number | undefined {
  // Non-finite numbers arrive as strings already (the schema's sanitize), and strings never count.
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  if (v < 0) onLeftOut(leftOut(key, v, 'is negative'));
  else if (v > MAX_LATENCY_MS) onLeftOut(leftOut(key, v, `is over ${MAX_LATENCY_MS} ms`));
  else return v;
  return undefined;
}

/** A record's latency in ms, or undefined when it carries none within range. */
export function latencyOf(attrs: Record<string, unknown>, onLeftOut: OnLeftOut = NO_REPORT): number | undefined {
  for (const key of LATENCY_KEYS) {
    const v = latencyFigure(key, attrs[key], onLeftOut);
    if (v !== undefined) return v;
  }
  for (const parent of LATENCY_PARENTS) {
    const nested = attrs[parent];
    if (nested === null || typeof nested !== 'object') continue;
    for (const key of LATENCY_KEYS) {
      const v = latencyFigure(`${parent}.${key}`, (nested as Record<string, unknown>)[key], onLeftOut);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

function memoryIn(obj: Record<string, unknown>, where: string, onLeftOut: OnLeftOut): number | undefined {
  let max: number | undefined;
  for (const key in obj) {
    if (!MEMORY_KEY.test(key)) continue;
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const mb = v >= BYTES_THRESHOLD ? v / BYTES_THRESHOLD : v;
    if (v < 0) onLeftOut(leftOut(`${where}${key}`, v, 'is negative'));
    else if (mb > MAX_MEMORY_MB) onLeftOut(leftOut(`${where}${key}`, v, `is over ${MAX_MEMORY_MB} MB`));
    else if (max === undefined || mb > max) max = mb;
  }
  return max;
}

/** The largest heap/rss figure of a record in MB (bytes are converted), or undefined. */
export function memoryMbOf(attrs: Record<string, unknown>, onLeftOut: OnLeftOut = NO_REPORT): number | undefined {
  let max = memoryIn(attrs, '', onLeftOut);
  for (const parent of MEMORY_PARENTS) {
    const nested = attrs[parent];
    if (nested === null || typeof nested !== 'object' || Array.isArray(nested)) continue;
    const v = memoryIn(nested as Record<string, unknown>, `${parent}.`, onLeftOut);
    if (v !== undefined && (max === undefined || v > max)) max = v;
  }
  return max;
}
