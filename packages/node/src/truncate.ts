import { TRUNCATED_ATTRIBUTE } from '@cloudsage/schema';
import { utf8Length } from './utf8-length.js';

// The backend's normalizer writes the same marker (schema `sanitize.ts`), so a stored value reads alike
// whichever side cut it. The count is of UTF-16 code units, the length JavaScript reports.
const MARK_HEAD = '…[truncated ';
const MARK_TAIL = ' chars]';
// Top-level fields the backend maps to columns (level, time, service, host, trace ids): kept whole up
// to this many bytes, what the backend keeps of service and host.
const KEY_FIELDS = new Set([
  'level',
  'time',
  'service',
  'host',
  'hostname',
  'traceId',
  'spanId',
  'trace_id',
  'span_id',
]);
const KEY_FIELD_FLOOR = 256;
// No other string is cut shorter than this: cutting a short value saves less than its marker costs.
const FLOOR = 64;
// A cut moves back to a line end this close, so a stack keeps whole lines.
const LINE_SNAP = 200;
// Strings and containers deeper than this are cut as part of the top-level value that holds them.
const MAX_DEPTH = 32;
// Characters of a long string measured to learn its bytes per character in JSON.
const SAMPLE = 64 * 1024;
// `,"cloudsage.truncated":true` plus a margin for the estimates below.
const RESERVE = 64;

/**
 * The marker that ends a cut string: how many characters were cut (`…[truncated 786432 chars]`).
 *
 * @example
 * cutMarker(12); // '…[truncated 12 chars]'
 */
export function cutMarker(chars: number): string {
  return `${MARK_HEAD}${chars}${MARK_TAIL}`;
}

/** Where the marker of an earlier cut starts in `s` and the count it states, if `s` ends with one. */
function earlierCut(s: string): { at: number; chars: number } | undefined {
  if (!s.endsWith(MARK_TAIL)) return undefined;
  const at = s.lastIndexOf(MARK_HEAD);
  if (at < 0) return undefined;
  const digits = s.slice(at + MARK_HEAD.length, s.length - MARK_TAIL.length);
  if (!/^\d{1,15}$/.test(digits)) return undefined;
  return { at, chars: Number(digits) };
}

/**
 * Keeps the first `keep` characters of `s` (fewer to end on a line break nearby or to keep a surrogate
 * pair whole) and appends a marker with the true count cut. A string that already ends with a marker
 * is cut again with the counts added, so a record cut twice still states the original size.
 *
 * @example
 * cutString('abcdef', 2); // 'ab…[truncated 4 chars]'
 */
export function cutString(s: string, keep: number): string {
  const earlier = earlierCut(s);
  const text = earlier ? earlier.at : s.length;
  if (keep >= text) return s;
  let k = Math.max(0, keep);
  const nl = s.slice(Math.max(0, k - LINE_SNAP), k).lastIndexOf('\n');
  if (nl >= 0) k = Math.max(0, k - LINE_SNAP) + nl + 1;
  const c = s.charCodeAt(k - 1);
  if (c >= 0xd800 && c < 0xdc00) k--;
  return s.slice(0, k) + cutMarker((earlier?.chars ?? 0) + text - k);
}

/** One string value in the record, where it sits and what it costs. */
interface Leaf {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  value: string;
  /** UTF-8 bytes of the value in JSON, without its quotes (escapedBytes). */
  bytes: number;
  /** Fewest bytes it is cut to. */
  floor: number;
}

/**
 * The UTF-8 bytes of `s` as a JSON string without its quotes (escapes count: `"` is 2, U+0001 is 6),
 * measured on its first SAMPLE characters and scaled: the head is what a cut keeps.
 */
function escapedBytes(s: string): number {
  const sample = s.length > SAMPLE ? s.slice(0, SAMPLE) : s;
  const bytes = utf8Length(JSON.stringify(sample)) - 2;
  return sample === s ? bytes : Math.ceil((bytes * s.length) / sample.length);
}

function collectLeaves(value: unknown, depth: number, top: boolean, out: Leaf[]): void {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
  const holder = value as Record<string, unknown>;
  for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) {
    const v = holder[key];
    if (typeof v === 'string') {
      const floor = top && KEY_FIELDS.has(key as string) ? KEY_FIELD_FLOOR : FLOOR;
      // A value not longer than its floor cannot be cut, so its size is not needed.
      if (v.length > floor) out.push({ holder, key, value: v, bytes: escapedBytes(v), floor });
    } else collectLeaves(v, depth + 1, false, out);
  }
}

const markerBytes = (chars: number) => MARK_HEAD.length + 2 + String(chars).length + MARK_TAIL.length;

/** Bytes saved by cutting `leaf` to `level` bytes (0 when the cut would save nothing). */
function gain(leaf: Leaf, level: number): number {
  const keep = Math.max(level, leaf.floor);
  const saved = leaf.bytes - keep - markerBytes(leaf.value.length);
  return Math.max(0, saved);
}

/**
 * The highest byte level to which cutting every longer string saves `need` bytes (the longest strings
 * are cut first and evenly), or 0 when even cutting all to their floors does not.
 */
function waterLevel(leaves: Leaf[], need: number): number {
  let lo = 0;
  let hi = leaves.reduce((m, l) => Math.max(m, l.bytes), 0);
  const saved = (level: number) => leaves.reduce((n, l) => n + gain(l, level), 0);
  if (saved(0) < need) return 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (saved(mid) >= need) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const jsonBytes = (v: unknown) => utf8Length(JSON.stringify(v) ?? 'null');

/**
 * A copy of a container cut to about `budget` bytes: the entries that fit, in order, then a marker
 * (`"…[truncated 1460 items]"` as the last array item, `"…": "[truncated 12 keys]"` in an object).
 */
function trimContainer(value: object, budget: number, depth: number): object {
  const isArray = Array.isArray(value);
  const entries = isArray ? (value as unknown[]).map((v, i) => [i, v] as const) : Object.entries(value);
  const kept: Array<readonly [string | number, unknown]> = [];
  let used = 2;
  const room = budget - 40;
  for (const [k, v] of entries) {
    const keyBytes = isArray ? 1 : utf8Length(k as string) + 4;
    const size = jsonBytes(v) + keyBytes;
    if (used + size <= room) {
      kept.push([k, v]);
      used += size;
      continue;
    }
    if (v !== null && typeof v === 'object' && room - used - keyBytes > 64 && depth < MAX_DEPTH) {
      kept.push([k, trimContainer(v, room - used - keyBytes, depth + 1)]);
    }
    break;
  }
  const cut = entries.length - kept.length;
  if (isArray) {
    const out = kept.map(([, v]) => v);
    if (cut > 0) out.push(`${MARK_HEAD}${cut} items]`);
    return out;
  }
  const out: Record<string, unknown> = Object.fromEntries(kept);
  if (cut > 0) out['…'] = `[truncated ${cut} keys]`;
  return out;
}

/** One try at fitting `record` (whose JSON is `lineBytes` long) into `target` bytes; see truncateLine. */
function cutToFit(
  record: Record<string, unknown>,
  leaves: Leaf[],
  lineBytes: number,
  target: number,
): Record<string, unknown> {
  let need = lineBytes - target;
  const level = waterLevel(leaves, need);
  for (const leaf of leaves) {
    const saved = gain(leaf, level);
    if (saved === 0) continue;
    need -= saved;
    const keepBytes = Math.max(level, leaf.floor);
    // Bytes to characters by the string's own density; the caller measures the result exactly.
    const keep = Math.floor((keepBytes * leaf.value.length) / leaf.bytes);
    (leaf.holder as Record<string | number, unknown>)[leaf.key] = cutString(leaf.value, keep);
  }
  const out: Record<string, unknown> = { ...record };
  if (need > 0) {
    // Strings alone are not enough: nested objects and arrays are cut too, the largest first. Top-level
    // scalars (small attributes) are never dropped.
    const boxes = Object.keys(out)
      .filter((k) => out[k] !== null && typeof out[k] === 'object')
      .map((k) => ({ k, size: jsonBytes(out[k]) }))
      .sort((a, b) => b.size - a.size);
    for (const { k, size } of boxes) {
      if (need <= 0) break;
      const trimmed = trimContainer(out[k] as object, Math.max(0, size - need), 1);
      need -= size - jsonBytes(trimmed);
      out[k] = trimmed;
    }
  }
  out[TRUNCATED_ATTRIBUTE] = true;
  return out;
}

/**
 * Fits a serialized record into `maxBytes` field by field: the top-level key fields (level, time,
 * service, host, trace ids) and small attributes are kept; the longest strings (message, stack, large
 * attributes, nested values) are cut evenly, each keeping its start and ending with a marker that
 * states how many characters were cut (`…[truncated 786432 chars]`); nested containers that still do
 * not fit keep their first entries. Sets `cloudsage.truncated: true`. Answers `undefined` only when the
 * record cannot fit even so (the caller then drops it as `oversize`).
 *
 * `redactTail` > 0 also takes that many more characters off every string that already ends with a
 * marker, fitting or not: a string precut before redaction may end in half a secret the patterns
 * could not recognise (see `truncate-record.ts`).
 *
 * @example
 * truncateLine(JSON.stringify({ level: 'error', msg: 'x'.repeat(300_000), orderId: 8 }), 256 * 1024);
 * // '{"level":"error","msg":"xxx…[truncated 37985 chars]","orderId":8,"cloudsage.truncated":true}'
 */
export function truncateLine(line: string, maxBytes: number, redactTail = 0): string | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    record = undefined;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) record = { msg: line };
  const rec = record as Record<string, unknown>;
  const leaves: Leaf[] = [];
  collectLeaves(rec, 0, true, leaves);
  let lineBytes = rec.msg === line ? jsonBytes(rec) : utf8Length(line);
  if (redactTail > 0) {
    for (const leaf of leaves) {
      const earlier = earlierCut(leaf.value);
      if (!earlier) continue;
      leaf.value = cutString(leaf.value, earlier.at - redactTail);
      const bytes = escapedBytes(leaf.value);
      lineBytes -= leaf.bytes - bytes;
      leaf.bytes = bytes;
      (leaf.holder as Record<string | number, unknown>)[leaf.key] = leaf.value;
    }
  }
  let target = maxBytes - RESERVE;
  // Sizes are estimated (a long string's bytes per character from its head), so the result is
  // measured and, rarely, cut again with the overshoot taken off the target.
  for (let attempt = 0; attempt < 4 && target > 0; attempt++) {
    const out = JSON.stringify(cutToFit(rec, leaves, lineBytes, target));
    const bytes = utf8Length(out);
    if (bytes <= maxBytes) return out;
    target -= bytes - maxBytes + RESERVE;
    for (const leaf of leaves) (leaf.holder as Record<string | number, unknown>)[leaf.key] = leaf.value;
  }
  return undefined;
}

/**
 * The line's size in UTF-8 bytes if it might exceed `maxBytes`, else 0 (cheap for short lines).
 *
 * @example
 * oversizeBytes('{"msg":"short"}', 1024); // 0
 */
export function oversizeBytes(line: string, maxBytes: number): number {
  if (line.length * 3 <= maxBytes) return 0;
  const bytes = utf8Length(line);
  return bytes > maxBytes ? bytes : 0;
}
