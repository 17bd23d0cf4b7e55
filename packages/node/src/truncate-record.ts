import type { Level } from '@cloudsage/schema';
import type { Redactor } from './redact.js';
import { serializeRecord } from './serialize.js';
import { cutString, truncateLine } from './truncate.js';

// Strings are precut to the record limit plus this margin, then the line is redacted, then truncateLine
// takes the margin off again: a secret that straddles the final cut (card number, email, token: all far
// shorter than this) was whole when the patterns ran, and half a secret at the precut is cut away.
const REDACT_MARGIN = 1024;
// Deeper strings are left to truncateLine, which then parses the whole line (slower, still correct).
const MAX_DEPTH = 32;

/** A copy of an Error with `message`, `stack` and `cause` replaced, still an Error for serializeRecord. */
function errorWith(err: Error, message: unknown, stack: unknown, cause: unknown): Error {
  const copy = Object.create(Object.getPrototypeOf(err)) as Error;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(err));
  const set = (key: string, value: unknown) =>
    Object.defineProperty(copy, key, { value, writable: true, enumerable: false, configurable: true });
  if (message !== err.message) set('message', message);
  if (stack !== err.stack) set('stack', stack);
  if (cause !== err.cause) set('cause', cause);
  return copy;
}

/**
 * `value` with every string longer than `cap` cut to `cap` characters and a marker; what changes is
 * copied, so the caller's objects are never changed. Values JSON.stringify would not read as plain
 * data (toJSON, typed arrays) and cycles are left as they are.
 */
function capStrings(value: unknown, cap: number, depth: number, path: WeakSet<object>): unknown {
  if (typeof value === 'string') return value.length > cap ? cutString(value, cap) : value;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || path.has(value)) return value;
  if (ArrayBuffer.isView(value)) return value;
  path.add(value);
  try {
    if (value instanceof Error) {
      const message = capStrings(value.message, cap, depth + 1, path);
      const stack = capStrings(value.stack, cap, depth + 1, path);
      const cause = capStrings(value.cause, cap, depth + 1, path);
      const err =
        message === value.message && stack === value.stack && cause === value.cause
          ? value
          : errorWith(value, message, stack, cause);
      return capFields(err, cap, depth, path);
    }
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        const c = capStrings(v, cap, depth + 1, path);
        if (c === v) continue;
        copy ??= value.slice();
        copy[i] = c;
      }
      return copy ?? value;
    }
    return capFields(value, cap, depth, path);
  } finally {
    path.delete(value);
  }
}

function clone(value: object): Record<string, unknown> {
  const copy = value instanceof Error ? errorWith(value, value.message, value.stack, value.cause) : { ...value };
  return copy as unknown as Record<string, unknown>;
}

/** capStrings over the own enumerable fields of an object, copying it if one changes. */
function capFields<T extends object>(value: T, cap: number, depth: number, path: WeakSet<object>): T {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const c = capStrings(v, cap, depth + 1, path);
    if (c === v) continue;
    copy ??= clone(value);
    copy[key] = c;
  }
  return (copy as T | undefined) ?? value;
}

/**
 * Whether a top-level string of `record` (the message, an attribute) is longer than `max`: one look per
 * field, about 1% of a log call. Such a record is cut before it is ever serialized; a huge value deeper
 * down shows in the serialized line's length instead, and costs that one serialization more.
 */
function hasHugeField(record: Record<string, unknown>, max: number): boolean {
  try {
    for (const key in record) {
      const v = record[key];
      if (typeof v === 'string' && v.length > max) return true;
    }
  } catch {
    // A throwing getter: serializeRecord copes with it.
  }
  return false;
}

/**
 * The record as one redacted line. A record longer than `maxBytes` has its long strings cut before it
 * is serialized again, so a 7 MB message is never redacted, parsed or copied whole; the redacted line
 * is then cut by field to fit (truncateLine). The time is read once. The line may still be over
 * `maxBytes` when no cut can make it fit; the caller drops it then.
 *
 * @example
 * serializeWithin({ level: 'error', msg: 'x'.repeat(7e6) }, () => new Date().toISOString(), 'error', 262144, redactor);
 */
export function serializeWithin(
  record: Record<string, unknown>,
  time: string | (() => string),
  level: Level,
  maxBytes: number,
  redactor: Redactor,
): string {
  let stamp: string | undefined;
  const once = typeof time === 'function' ? () => (stamp ??= time()) : time;
  let line: string | undefined;
  if (!hasHugeField(record, maxBytes)) {
    line = serializeRecord(record, once, level);
    if (line.length <= maxBytes) return redactor.redactLine(line);
  }
  let cut: unknown;
  try {
    cut = capStrings(record, maxBytes + REDACT_MARGIN, 0, new WeakSet());
  } catch {
    // A throwing getter: serializeRecord copes with it, and the caller can still cut the line.
    cut = record;
  }
  if (cut === record && line !== undefined) return redactor.redactLine(line);
  const precut = redactor.redactLine(serializeRecord(cut as Record<string, unknown>, once, level));
  return truncateLine(precut, maxBytes, REDACT_MARGIN) ?? precut;
}
