/**
 * HTTP status and request duration under the names loggers outside the Node world give them. The usual
 * names (pino-http, OpenTelemetry, access logs) are looked up first by `statusOf` and `latencyOf`; this
 * scan is their fallback. Real cases it reads: the Go frontend of Google's Online Boutique (logrus)
 * writes `http.resp.status` and `http.resp.took_ms`; Elastic's ECS formatters nest
 * `http: { response: { status_code } }` and give `event.duration` in nanoseconds; IIS and W3C logs say
 * `time_taken`. Without it those services' slow or failing requests were in the logs and not read.
 */

/** Most keys looked at in one record (nested ones included): a record with hundreds is not an access line. */
const MAX_KEYS = 48;
/** Deepest nesting followed (`http.response.status_code` is 3). */
const MAX_DEPTH = 3;

// The last part of a key that names a duration, and its unit when the name says one. Lower-cased first,
// so `tookMs` and `took_ms` read alike.
const DURATION =
  /^(?:response_?time|latency|duration|elapsed(?:_?time)?|took|time_?taken)(?:_?(ms|millis|milliseconds|s|sec|secs|seconds|us|micros|microseconds|ns|nanos|nanoseconds))?$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  millis: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  seconds: 1000,
  us: 1e-3,
  micros: 1e-3,
  microseconds: 1e-3,
  ns: 1e-6,
  nanos: 1e-6,
  nanoseconds: 1e-6,
};
// A status under an HTTP-ish path: `http.resp.status`, `response.status_code`, `http_status`, and a bare
// `status_code` (Python's web servers and structlog). A bare `status` is read by `statusOf` already;
// elsewhere (`job.status`) it is not an HTTP status.
const STATUS =
  /(?:^|[._])(?:http|resp|response|res)[._](?:[a-z]+[._])?status(?:_?code)?$|^http_?status(?:_?code)?$|^status_code$/;

/** What a scan found; NaN and 0 when nothing. */
export interface FieldReading {
  /** Duration in ms, or NaN. */
  latencyMs: number;
  /** HTTP status (100-599), or 0. */
  status: number;
}

// A duration written with its unit, as Go (`1.5s`, `350µs`) and many loggers format one.
const WITH_UNIT = /^(\d{1,12}(?:\.\d{1,9})?)\s?(ns|us|µs|ms|s|m)$/;
const SUFFIX_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000 };

/**
 * A duration field's value in ms: a number (or a numeric string) times `unitMs`, the unit its name
 * says; a string with its own unit (`12ms`, `1.5s`, `350µs`) by that unit. NaN for anything else.
 *
 * @example
 * durationValue('1.5s', 1); // 1500
 * durationValue(2, 1000); // 2000
 */
export function durationValue(v: unknown, unitMs: number): number {
  if (typeof v === 'number') return v * unitMs;
  if (typeof v !== 'string' || v.length === 0 || v.length > 24) return Number.NaN;
  const m = WITH_UNIT.exec(v);
  if (m !== null) return Number(m[1]) * (SUFFIX_MS[m[2] as string] as number);
  return Number(v) * unitMs;
}

/** A status field's value as a number (`500` or `"500"`), 0 for anything else. */
export function statusValue(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' && v.length < 8 ? Number(v) || 0 : 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Scans `attrs` (nested objects to depth 3, at most 48 keys) for a duration and an HTTP status named
 * as above. The first of each wins.
 *
 * @example
 * scanFields({ 'http.resp.status': 500, 'http.resp.took_ms': 5408 }); // { latencyMs: 5408, status: 500 }
 * scanFields({ event: { duration: 2_500_000 } }).latencyMs; // 2.5 (ECS: nanoseconds)
 */
export function scanFields(attrs: Record<string, unknown>): FieldReading {
  // The error rate (status) and the latency signal (duration) each ask about the same record in turn;
  // the second is answered from the first's scan. Records are not changed while a window is scored.
  if (attrs === lastAttrs) return lastReading;
  const scan: Scan = { latencyMs: Number.NaN, status: 0, budget: MAX_KEYS };
  walk(scan, attrs, '', 1);
  lastAttrs = attrs;
  lastReading = scan;
  return scan;
}

let lastAttrs: Record<string, unknown> | undefined;
let lastReading: FieldReading = { latencyMs: Number.NaN, status: 0 };

interface Scan extends FieldReading {
  budget: number;
}

// Every name either pattern can match holds one of these words: other keys (ids, hosts, counts, most of
// a record's) are passed over with one test, no lower-casing and no path built. Scoring 50,000 app
// records without HTTP fields took 3x as long when every key was looked at.
const CANDIDATE = /took|time|laten|durat|elaps|status/i;

function walk(scan: Scan, obj: Record<string, unknown>, prefix: string, depth: number): void {
  for (const key in obj) {
    if (scan.budget-- <= 0 || (scan.status !== 0 && !Number.isNaN(scan.latencyMs))) return;
    if (!Object.hasOwn(obj, key)) continue;
    const v = obj[key];
    if (isPlainObject(v)) {
      if (depth < MAX_DEPTH)
        walk(scan, v, prefix === '' ? key.toLowerCase() : `${prefix}.${key.toLowerCase()}`, depth + 1);
      continue;
    }
    if ((typeof v !== 'number' && typeof v !== 'string') || !CANDIDATE.test(key)) continue;
    const path = prefix === '' ? key.toLowerCase() : `${prefix}.${key.toLowerCase()}`;
    if (Number.isNaN(scan.latencyMs)) {
      const ms = durationMs(path, v);
      if (ms >= 0 && Number.isFinite(ms)) {
        scan.latencyMs = ms;
        continue;
      }
    }
    if (scan.status !== 0) continue;
    const n = statusValue(v);
    if (Number.isInteger(n) && n >= 100 && n <= 599 && STATUS.test(path)) scan.status = n;
  }
}

function durationMs(path: string, v: unknown): number {
  const dot = path.lastIndexOf('.');
  const last = dot < 0 ? path : path.slice(dot + 1);
  const m = DURATION.exec(last);
  if (m === null) return Number.NaN;
  // ECS defines event.duration in nanoseconds.
  if (m[1] === undefined && path === 'event.duration') return durationValue(v, 1e-6);
  return durationValue(v, m[1] === undefined ? 1 : (UNIT_MS[m[1]] as number));
}
