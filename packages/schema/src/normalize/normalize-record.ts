import { isStandardPinoNumber, type Level, levelFromName, levelFromSeverityNumber } from '../level.js';
import { LIMITS, TRUNCATED_ATTRIBUTE } from '../limits.js';
import type { LogRecord } from '../log-record.js';
import { type CriLine, containerLine, criLine, kubernetesContainer, wrapperFields } from './container-record.js';
import { isoFromMs } from './iso-time.js';
import { levelFromUnknown } from './level.js';
import { fromAnyValue, fromKeyValues, isOtelRecord } from './otel.js';
import { type Budget, fitKey, fitString, isSafeKey, readKey, safeString, toJsonValue, UNREADABLE } from './sanitize.js';
import { cleanLine, jsonObjectOf, levelFromMessage, textLineToRecord } from './text-line.js';
import { parseTime, receivedMs, type TimeInput } from './time.js';

/** The normalizer's answer: a valid record (maybe cut to size), or why there is none. */
export type NormalizeResult = { ok: true; record: LogRecord; truncated: boolean } | { ok: false; reason: string };

/** Attribute that keeps a level the normalizer did not recognise (the record is stored as info). */
export const ORIGINAL_LEVEL_ATTRIBUTE = 'cloudsage.level';
/** Attribute that keeps a time the normalizer could not read (the receive time is used). */
export const ORIGINAL_TIME_ATTRIBUTE = 'cloudsage.time';

// Fields mapped onto LogRecord; everything else goes to attributes.
const TIME_KEYS = ['time', 'timestamp', '@timestamp', 'ts', 'hrTime', 'timeUnixNano', 'datetime', 'date'];
const OBSERVED_TIME_KEYS = ['observedTimeUnixNano', 'observedTimestamp', 'hrTimeObserved'];
const MSG_KEYS = ['msg', 'message', 'body', 'log', 'text'];
// A record with one of these is the app's own, even with a container runtime's `log` and `stream`.
const OWN_MSG_KEYS = MSG_KEYS.filter((k) => k !== 'log');
const LEVEL_KEYS = ['level', 'severity', 'severityText', 'lvl', 'levelname', 'loglevel', 'log.level'];
const SERVICE_KEYS = ['service', 'service.name', 'serviceName'];
const HOST_KEYS = ['hostname', 'host', 'host.name'];
const TRACE_KEYS = ['traceId', 'trace_id', 'traceID', 'trace.id'];
const SPAN_KEYS = ['spanId', 'span_id', 'spanID', 'span.id'];
// Consumed as part of the mapping, never copied to attributes.
const CONSUMED = new Set([
  ...TIME_KEYS,
  ...MSG_KEYS,
  ...LEVEL_KEYS,
  ...SERVICE_KEYS,
  ...HOST_KEYS,
  ...TRACE_KEYS,
  ...SPAN_KEYS,
  ...OBSERVED_TIME_KEYS,
  'severityNumber',
  'spanContext',
  'resource',
  'instrumentationScope',
  'droppedAttributesCount',
  'flags',
  'attributes',
]);
const ZERO_ID = /^0+$/;
// Colorized winston levels arrive wrapped in ANSI escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC of ANSI color codes is the point.
const ANSI = /\x1b\[[0-9;]*m/g;

function first(obj: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const k of keys) {
    const v = readKey(obj, k);
    if (v !== undefined && v !== null && v !== '' && v !== UNREADABLE) return v;
  }
  return undefined;
}

function idString(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > 64 || ZERO_ID.test(v)) return undefined;
  return v;
}

function shortString(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v.slice(0, 256) : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

// Undefined when the record has no level at all: the caller then reads it from the message.
function readLevel(obj: Record<string, unknown>, otel: boolean, attrs: Record<string, unknown>): Level | undefined {
  if (otel && typeof obj.severityNumber === 'number') {
    const byNumber = levelFromSeverityNumber(obj.severityNumber);
    if (byNumber) return byNumber;
  }
  const raw = first(obj, LEVEL_KEYS);
  if (raw === undefined) return undefined;
  const cleaned = typeof raw === 'string' ? raw.replace(ANSI, '') : raw;
  const named = typeof cleaned === 'string' ? levelFromName(cleaned) : undefined;
  if (named) return named;
  const level = levelFromUnknown(cleaned);
  // A custom numeric level (pino `customLevels`) is kept too: the six levels cannot say it.
  if (level === undefined || !isStandardPinoNumber(Number(cleaned))) {
    attrs[ORIGINAL_LEVEL_ATTRIBUTE] = safeString(raw, 64);
  }
  return level ?? 'info';
}

function readMessage(obj: Record<string, unknown>, budget: Budget): string {
  try {
    let raw = fromAnyValue(first(obj, MSG_KEYS));
    if (raw === undefined) {
      // pino writes an error without msg as { err: { message } }.
      const err = readKey(obj, 'err') ?? readKey(obj, 'error');
      if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
        raw = (err as { message: string }).message;
      }
    }
    if (typeof raw === 'string') return fitString(raw, budget);
    if (raw === undefined || raw === null) return '';
    // toJsonValue has charged the budget already; the exact size check in normalizeRecord stays.
    if (typeof raw === 'object') return JSON.stringify(toJsonValue(raw, budget)) ?? '';
    return fitString(String(raw), budget);
  } catch {
    return UNREADABLE;
  }
}

// `wrapped`: obj is already a container record's inside or outside, which is not unwrapped again.
function objectToRecord(obj: Record<string, unknown>, nowMs: number, budget: Budget, wrapped = false): LogRecord {
  // `log` first: one lookup settles it for nearly every record, which has none.
  const line = wrapped ? undefined : containerLine(obj);
  if (line !== undefined && first(obj, OWN_MSG_KEYS) === undefined) return fromContainer(obj, line, nowMs, budget);
  const otel = isOtelRecord(obj);
  // The SDK's ReadableLogRecord keeps its state in private `_fields` behind prototype getters:
  // only the fields of the OpenTelemetry data model are read from it, never its own keys.
  const sdkRecord = otel && 'hrTime' in obj && !Object.hasOwn(obj, 'hrTime');
  const attrs: Record<string, unknown> = {};

  const rawTime = first(obj, TIME_KEYS);
  const parsed = rawTime === undefined ? undefined : parseTime(rawTime);
  // Zero is "unknown" (OTLP says so of timeUnixNano); anything else unreadable is kept.
  if (parsed === undefined && rawTime !== undefined && rawTime !== 0 && rawTime !== '0') {
    attrs[ORIGINAL_TIME_ATTRIBUTE] = safeString(rawTime, 64);
  }
  // OTel: without a usable time, the observed time stands in for it (logs data model).
  const ms = parsed ?? (otel ? parseTime(first(obj, OBSERVED_TIME_KEYS)) : undefined) ?? nowMs;
  const msg = readMessage(obj, budget);
  // No level field (a log shipper's or container runtime's record, a hand-made object): the message's
  // own words say it, as for a text line, so an "ERROR ..." line is not stored as info.
  const level = readLevel(obj, otel, attrs) ?? levelFromMessage(msg);

  const otelAttrs = otel ? fromKeyValues(obj.attributes) : undefined;
  const resource = otel ? fromKeyValues((obj.resource as { attributes?: unknown } | undefined)?.attributes) : undefined;
  const spanContext = obj.spanContext as { traceId?: unknown; spanId?: unknown } | undefined;

  const record: LogRecord = { time: isoFromMs(ms), level, msg };
  const service =
    shortString(first(obj, SERVICE_KEYS)) ??
    shortString(otelAttrs?.['service.name']) ??
    shortString(resource?.['service.name']) ??
    (typeof obj.level === 'number' ? shortString(obj.name) : undefined);
  if (service) record.service = service;
  const host =
    shortString(first(obj, HOST_KEYS)) ?? shortString(otelAttrs?.['host.name']) ?? shortString(resource?.['host.name']);
  if (host) record.host = host;
  const traceId = idString(first(obj, TRACE_KEYS)) ?? idString(spanContext?.traceId);
  if (traceId) record.traceId = traceId;
  const spanId = idString(first(obj, SPAN_KEYS)) ?? idString(spanContext?.spanId);
  if (spanId) record.spanId = spanId;

  // The root is in `seen` so a field pointing back at the record reads "[Circular]".
  const seen = new Set<object>([obj]);
  if (sdkRecord) {
    const eventName = readKey(obj, 'eventName');
    if (typeof eventName === 'string' && eventName !== '') attrs.eventName = fitString(eventName, budget);
  } else {
    for (const key in obj) {
      if (!Object.hasOwn(obj, key) || CONSUMED.has(key) || !isSafeKey(key)) continue;
      if (budget.left <= 0) {
        budget.truncated = true;
        break;
      }
      const value = readKey(obj, key);
      if (key === 'name' && record.service === value) continue;
      const v = toJsonValue(value, budget, 1, seen);
      if (v !== undefined) attrs[fitKey(key, budget)] = v;
    }
  }
  // Non-OTel `attributes` objects are still the user's fields: merge them.
  const nested = otelAttrs ?? readKey(obj, 'attributes');
  if (nested !== undefined && nested !== null) {
    const copied = toJsonValue(nested, budget, 1, seen);
    if (copied && typeof copied === 'object' && !Array.isArray(copied)) {
      for (const [k, v] of Object.entries(copied)) if (!Object.hasOwn(attrs, k)) attrs[k] = v;
    } else if (copied !== undefined && !Object.hasOwn(attrs, 'attributes')) {
      attrs.attributes = copied;
    }
  }
  if (hasKeys(attrs)) record.attributes = attrs;
  return record;
}

// A container runtime's record: the line inside is the record (JSON or text), the wrapper adds its
// time (the line's when the line has none), stream and metadata as attributes, and a service name.
function fromContainer(obj: Record<string, unknown>, line: string, nowMs: number, budget: Budget): LogRecord {
  const outer = objectToRecord(wrapperFields(obj), nowMs, budget, true);
  const record = appLine(line, Date.parse(outer.time), budget);
  const service = record.service ?? outer.service ?? shortString(kubernetesContainer(obj));
  if (service) record.service = service;
  const host = record.host ?? outer.host;
  if (host) record.host = host;
  if (outer.attributes) record.attributes = { ...outer.attributes, ...record.attributes };
  return record;
}

// The app's line a container runtime wrapped: its JSON is the record (read once: a wrapper inside is an
// ordinary record), with the runtime's time when it has none; a text line takes the runtime's time
// (an app's own timestamp often has no zone).
function appLine(line: string, atMs: number, budget: Budget): LogRecord {
  const inner = jsonObjectOf(line);
  if (inner) return objectToRecord(inner, atMs, budget, true);
  const record: LogRecord = textLineToRecord(line, atMs);
  record.time = isoFromMs(atMs);
  record.msg = fitString(record.msg, budget);
  return record;
}

// A containerd / CRI-O line: the app's line after the prefix is the record; `stream` becomes an attribute.
function fromCriLine(cri: CriLine, nowMs: number, budget: Budget): LogRecord {
  const record = appLine(cri.rest, parseTime(cri.time) ?? nowMs, budget);
  record.attributes = { stream: cri.stream, ...record.attributes };
  return record;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function build(
  input: unknown,
  nowMs: number,
  chars: number,
): { record: LogRecord; truncated: boolean; used: number } | string {
  const budget: Budget = { left: chars, truncated: false };
  let record: LogRecord;
  if (typeof input === 'string') {
    const line = cleanLine(input);
    if (line.trim().length === 0) return 'empty line';
    const cri = criLine(line);
    if (cri !== undefined) {
      if (cri.rest.trim().length === 0) return 'empty line';
      record = fromCriLine(cri, nowMs, budget);
    } else {
      record = textLineToRecord(line, nowMs);
      record.msg = fitString(record.msg, budget);
    }
  } else if (input instanceof Error) {
    // An Error handed over as the record: its message, stack and cause are not enumerable.
    record = objectToRecord({ level: 'error', msg: input.message, err: input }, nowMs, budget);
  } else if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    record = objectToRecord(input as Record<string, unknown>, nowMs, budget);
    if (record.msg === '' && !record.attributes) return 'record has no message and no fields';
  } else {
    const kind = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input;
    return `record must be an object or a string, got ${kind}`;
  }
  if (budget.truncated) record.attributes = { ...record.attributes, [TRUNCATED_ATTRIBUTE]: true };
  return { record, truncated: budget.truncated, used: chars - budget.left };
}

// Room kept for the fixed fields (time, level, ids) and JSON punctuation.
const OVERHEAD_BYTES = 1024;

/**
 * Turns what a logger wrote into a stored LogRecord: pino lines, winston records, OpenTelemetry
 * log records (SDK or OTLP JSON), generic JSON objects and plain-text lines. Unknown fields go to
 * `attributes`; a record over the size limit is cut and flagged with `cloudsage.truncated`.
 * Never throws: what cannot be made valid comes back as `{ ok: false, reason }`.
 *
 * @example
 * const r = normalizeRecord({ level: 50, time: Date.now(), msg: 'boom', hostname: 'web-1' }, new Date());
 * const level = r.ok ? r.record.level : undefined; // 'error'
 */
export function normalizeRecord(
  input: unknown,
  receivedAt?: TimeInput,
  maxRecordBytes: number = LIMITS.maxRecordBytes,
): NormalizeResult {
  try {
    const nowMs = receivedMs(receivedAt);
    let chars = Math.max(64, maxRecordBytes - OVERHEAD_BYTES);
    for (let attempt = 0; attempt < 4; attempt++) {
      const built = build(input, nowMs, chars);
      if (typeof built === 'string') return { ok: false, reason: built };
      const { record, truncated, used } = built;
      // Characters are counted while copying; one UTF-16 unit serializes to at most 6 bytes (a
      // control character or lone surrogate becomes `\uXXXX`), so only a record that could be near
      // the limit pays for an exact measure.
      if (used * 6 + OVERHEAD_BYTES <= maxRecordBytes) return { ok: true, record, truncated };
      const bytes = utf8Length(JSON.stringify(record));
      if (bytes <= maxRecordBytes) return { ok: true, record, truncated };
      // Shrink from what was used, not from the budget: a record well under its character budget
      // that serializes large (escaped characters) would otherwise be rebuilt the same each time.
      chars = Math.max(64, Math.floor((Math.min(chars, used) * (maxRecordBytes - OVERHEAD_BYTES)) / bytes));
    }
    return { ok: false, reason: 'record cannot be made to fit the size limit' };
  } catch (err) {
    return { ok: false, reason: `unreadable record: ${err instanceof Error ? err.message : 'unknown error'}` };
  }
}

/**
 * Normalizes one line of NDJSON or text: a line that holds a JSON object is read as one,
 * anything else as plain text. A containerd / CRI-O line (`<time> stdout F <line>`, Kubernetes'
 * /var/log/containers) is read as the app's line inside, at the runtime's time.
 *
 * @example
 * normalizeLine('2026-01-02T03:04:05Z ERROR db timeout', new Date()).ok; // true
 */
export function normalizeLine(line: string, receivedAt?: TimeInput, maxRecordBytes?: number): NormalizeResult {
  const clean = cleanLine(line);
  // Not JSON after all: the line is kept as text rather than lost.
  return normalizeRecord(jsonObjectOf(clean) ?? clean, receivedAt, maxRecordBytes);
}
