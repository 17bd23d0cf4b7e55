import { LIMITS, TRUNCATED_ATTRIBUTE } from '../limits.js';
import type { LogRecord } from '../log-record.js';
import { type CriLine, containerLine, criLine, kubernetesContainer, wrapperFields } from './container-record.js';
import { isoFromMs } from './iso-time.js';
import { fromKeyValues, isOtelRecord } from './otel.js';
import {
  idString,
  ORIGINAL_TIME_ATTRIBUTE,
  podWorkload,
  readLevel,
  readMessage,
  shortString,
} from './record-fields.js';
import {
  CONSUMED,
  FoldedKeys,
  first,
  firstKey,
  HOST_KEYS,
  LEVEL_KEYS,
  MSG_KEYS,
  OBSERVED_TIME_KEYS,
  OWN_MSG_KEYS,
  POD_KEYS,
  pick,
  SERVICE_KEYS,
  SPAN_KEYS,
  TIME_KEYS,
  TRACE_KEYS,
} from './record-keys.js';
import { type Budget, fitKey, fitString, isSafeKey, readKey, safeString, toJsonValue } from './sanitize.js';
import { cleanLine, jsonObjectOf, levelFromMessage, textLineToRecord } from './text-line.js';
import { parseTime, receivedMs, type TimeInput } from './time.js';

export { ORIGINAL_LEVEL_ATTRIBUTE, ORIGINAL_TIME_ATTRIBUTE } from './record-fields.js';

/** The normalizer's answer: a valid record (maybe cut to size), or why there is none. */
export type NormalizeResult = { ok: true; record: LogRecord; truncated: boolean } | { ok: false; reason: string };

// A record whose message is a JSON record of its own, and which has no level itself: a log exported
// from CloudWatch or Loki, or a CSV row of container lines, carries the app's record as its message.
function jsonMessage(
  obj: Record<string, unknown>,
  folding: FoldedKeys | undefined,
  text: unknown,
): Record<string, unknown> | undefined {
  // Cheap test first: nearly every message does not start with `{`.
  if (typeof text !== 'string' || text.charCodeAt(0) !== 123 /* { */) return undefined;
  // An OpenTelemetry record's severity and body are its own, whatever the body holds.
  if (pick(obj, LEVEL_KEYS, folding) !== undefined || isOtelRecord(obj)) return undefined;
  const inner = jsonObjectOf(text);
  if (inner === undefined) return undefined;
  const isRecord =
    containerLine(inner) !== undefined ||
    first(inner, LEVEL_KEYS) !== undefined ||
    first(inner, MSG_KEYS) !== undefined;
  return isRecord ? inner : undefined;
}

// `unwraps`: how many wrappers more (a container runtime's record, a message holding a JSON record) may be
// opened: two, for a CSV row whose cell is a Docker line that holds the app's JSON.
function objectToRecord(obj: Record<string, unknown>, nowMs: number, budget: Budget, unwraps = 2): LogRecord {
  // Time and message read exactly first: a record with both (every Node logger's) never folds case.
  let msgKey = firstKey(obj, MSG_KEYS);
  let rawMsg = msgKey === undefined ? undefined : readKey(obj, msgKey);
  const exactTime = first(obj, TIME_KEYS);
  const folding = msgKey === undefined || exactTime === undefined ? new FoldedKeys(obj) : undefined;
  if (msgKey === undefined && folding !== undefined) {
    const hit = folding.find(MSG_KEYS);
    msgKey = hit?.key;
    rawMsg = hit?.value;
  }
  if (unwraps > 0) {
    // `log` first: one lookup settles it for nearly every record, which has none.
    const line = containerLine(obj);
    if (line !== undefined && first(obj, OWN_MSG_KEYS) === undefined) {
      return fromWrapper(obj, 'log', line, nowMs, budget, unwraps - 1);
    }
    const held = jsonMessage(obj, folding, rawMsg);
    if (held !== undefined) return fromWrapper(obj, msgKey as string, held, nowMs, budget, unwraps - 1);
  }
  const otel = isOtelRecord(obj);
  // The SDK's ReadableLogRecord keeps its state in private `_fields` behind prototype getters:
  // only the fields of the OpenTelemetry data model are read from it, never its own keys.
  const sdkRecord = otel && 'hrTime' in obj && !Object.hasOwn(obj, 'hrTime');
  const attrs: Record<string, unknown> = {};

  const rawTime = exactTime ?? folding?.find(TIME_KEYS)?.value;
  const parsed = rawTime === undefined ? undefined : parseTime(rawTime);
  // Zero is "unknown" (OTLP says so of timeUnixNano); anything else unreadable is kept.
  if (parsed === undefined && rawTime !== undefined && rawTime !== 0 && rawTime !== '0') {
    attrs[ORIGINAL_TIME_ATTRIBUTE] = safeString(rawTime, 64);
  }
  // OTel: without a usable time, the observed time stands in for it (logs data model).
  const ms = parsed ?? (otel ? parseTime(first(obj, OBSERVED_TIME_KEYS)) : undefined) ?? nowMs;
  const msg = readMessage(obj, rawMsg, budget);
  // No level field (a log shipper's or container runtime's record, a hand-made object): the message's
  // own words say it, as for a text line, so an "ERROR ..." line is not stored as info.
  const level = readLevel(obj, folding, otel, attrs) ?? levelFromMessage(msg);

  const otelAttrs = otel ? fromKeyValues(obj.attributes) : undefined;
  const resource = otel ? fromKeyValues((obj.resource as { attributes?: unknown } | undefined)?.attributes) : undefined;
  const spanContext = obj.spanContext as { traceId?: unknown; spanId?: unknown } | undefined;

  const record: LogRecord = { time: isoFromMs(ms), level, msg };
  const service =
    shortString(pick(obj, SERVICE_KEYS, folding)) ??
    shortString(otelAttrs?.['service.name']) ??
    shortString(resource?.['service.name']) ??
    (typeof obj.level === 'number' ? shortString(obj.name) : undefined) ??
    podWorkload(pick(obj, POD_KEYS, folding, true));
  if (service) record.service = service;
  const host =
    shortString(pick(obj, HOST_KEYS, folding)) ??
    shortString(otelAttrs?.['host.name']) ??
    shortString(resource?.['host.name']);
  if (host) record.host = host;
  const traceId = idString(pick(obj, TRACE_KEYS, folding)) ?? idString(spanContext?.traceId);
  if (traceId) record.traceId = traceId;
  const spanId = idString(pick(obj, SPAN_KEYS, folding)) ?? idString(spanContext?.spanId);
  if (spanId) record.spanId = spanId;

  // The root is in `seen` so a field pointing back at the record reads "[Circular]".
  const seen = new Set<object>([obj]);
  if (sdkRecord) {
    const eventName = readKey(obj, 'eventName');
    if (typeof eventName === 'string' && eventName !== '') attrs.eventName = fitString(eventName, budget);
  } else {
    for (const key in obj) {
      if (!Object.hasOwn(obj, key) || CONSUMED.has(key) || folding?.folded.has(key) || !isSafeKey(key)) continue;
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

// A wrapper's record (a container runtime's, or one whose message is a JSON record): what it holds under
// `key` is the record (JSON or text); the wrapper adds its time (the inner's when it has none), stream and
// metadata as attributes, a service name and trace ids.
function fromWrapper(
  obj: Record<string, unknown>,
  key: string,
  inner: string | Record<string, unknown>,
  nowMs: number,
  budget: Budget,
  unwraps: number,
): LogRecord {
  const outer = objectToRecord(wrapperFields(obj, key), nowMs, budget, 0);
  const atMs = Date.parse(outer.time);
  const record =
    typeof inner === 'string' ? appLine(inner, atMs, budget, unwraps) : objectToRecord(inner, atMs, budget, unwraps);
  const service = record.service ?? outer.service ?? shortString(kubernetesContainer(obj));
  if (service) record.service = service;
  const host = record.host ?? outer.host;
  if (host) record.host = host;
  const traceId = record.traceId ?? outer.traceId;
  if (traceId) record.traceId = traceId;
  const spanId = record.spanId ?? outer.spanId;
  if (spanId) record.spanId = spanId;
  if (outer.attributes) record.attributes = { ...outer.attributes, ...record.attributes };
  return record;
}

// The app's line a container runtime wrapped: its JSON is the record (a wrapper inside is opened only
// while `unwraps` allows), with the runtime's time when it has none; a text line takes the runtime's time
// (an app's own timestamp often has no zone).
function appLine(line: string, atMs: number, budget: Budget, unwraps = 0): LogRecord {
  const inner = jsonObjectOf(line);
  if (inner) return objectToRecord(inner, atMs, budget, unwraps);
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
