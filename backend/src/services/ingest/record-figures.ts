/*
 * Latency and memory figures read from a record's attributes, for the per-minute metrics the
 * worker and the forecaster use (docs/architecture.md, "Scoring": `responseTime`, `duration`, `latency_ms`,
 * `res.*`; heap/rss fields). Only finite, non-negative numbers count.
 */

const LATENCY_KEYS = ['responseTime', 'response_time', 'duration', 'duration_ms', 'latency_ms', 'latency', 'elapsed'];
// Objects that loggers nest timings or memory figures under (pino-http `res`, `process.memoryUsage()`).
const LATENCY_PARENTS = ['res', 'response', 'http'];
const MEMORY_PARENTS = ['memory', 'mem', 'memoryUsage', 'process'];
const MEMORY_KEY = /heap|rss/i;
// process.memoryUsage() reports bytes; a figure this large cannot be megabytes.
const BYTES_THRESHOLD = 1024 * 1024;

function figure(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** A record's latency in ms, or undefined when it carries none. */
export function latencyOf(attrs: Record<string, unknown>): number | undefined {
  for (const key of LATENCY_KEYS) {
    const v = figure(attrs[key]);
    if (v !== undefined) return v;
  }
  for (const parent of LATENCY_PARENTS) {
    const nested = attrs[parent];
    if (nested === null || typeof nested !== 'object') continue;
    for (const key of LATENCY_KEYS) {
      const v = figure((nested as Record<string, unknown>)[key]);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

function memoryIn(obj: Record<string, unknown>): number | undefined {
  let max: number | undefined;
  for (const key in obj) {
    if (!MEMORY_KEY.test(key)) continue;
    const v = figure(obj[key]);
    if (v === undefined) continue;
    const mb = v >= BYTES_THRESHOLD ? v / BYTES_THRESHOLD : v;
    if (max === undefined || mb > max) max = mb;
  }
  return max;
}

/** The largest heap/rss figure of a record in MB (bytes are converted), or undefined. */
export function memoryMbOf(attrs: Record<string, unknown>): number | undefined {
  let max = memoryIn(attrs);
  for (const parent of MEMORY_PARENTS) {
    const nested = attrs[parent];
    if (nested === null || typeof nested !== 'object' || Array.isArray(nested)) continue;
    const v = memoryIn(nested as Record<string, unknown>);
    if (v !== undefined && (max === undefined || v > max)) max = v;
  }
  return max;
}
