import { isLevel, type Level } from '../level.js';
import { LIMITS } from '../limits.js';
import { isoFromMs } from './iso-time.js';
import { MAX_DEPTH, MAX_KEY_LENGTH, MAX_KEYS, UNREADABLE } from './sanitize.js';
import { parseTime } from './time.js';

/**
 * What {@link checkStoredLine} read of a line it vouches for: the fields the batch figures need,
 * without a parsed record.
 */
export interface StoredLine {
  time: string;
  level: Level;
  /**
   * The line's attributes reduced to their numbers: each number-valued attribute, and for each
   * object-valued one an object of its number-valued fields (one level down). Latency and memory
   * figures read nothing else. Undefined when the line has no attributes.
   */
  numbers: Record<string, unknown> | undefined;
}

// Room the normalizer keeps for the fixed fields (normalize-record.ts OVERHEAD_BYTES).
const OVERHEAD_BYTES = 1024;
// The normalizer charges its budget at most 8 characters for one character of JSON text (a number
// costs 8, a one-digit number is one character); a line this far under the budget is never cut.
const BUDGET_PER_CHAR = 8;
// Array indices sort before other keys in an object's own-key order; longer digit keys are left to the
// slow path rather than reasoning about where V8's index range ends.
const MAX_INDEX_DIGITS = 9;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

// Scanner state: one line is checked at a time, synchronously, so module state saves allocations.
let src = '';
/** Set by scanString: the string held a backslash escape. */
let escaped = false;
/** Set by scanString: the decoded string's length in UTF-16 units. */
let decodedLength = 0;

function isHexLower(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

/**
 * Scans a string whose opening quote is at `i - 1`; answers the index after its closing quote, or -1
 * when it is not exactly how JSON.stringify writes its value: only `\"` `\\` `\b` `\f` `\n` `\r` `\t`
 * and lower-case `\u00xx` for the other control characters are escaped, surrogates come in pairs.
 */
function scanString(i: number): number {
  const s = src;
  const n = s.length;
  escaped = false;
  let length = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) {
      decodedLength = length;
      return i + 1;
    }
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      escaped = true;
      const e = s.charCodeAt(i + 1);
      if (e === QUOTE || e === BACKSLASH || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) i += 2;
      else if (e === 117 /* u */) {
        if (s.charCodeAt(i + 2) !== 48 || s.charCodeAt(i + 3) !== 48) return -1;
        const h = s.charCodeAt(i + 4);
        const l = s.charCodeAt(i + 5);
        if ((h !== 48 && h !== 49) || !isHexLower(l)) return -1;
        const v = (h - 48) * 16 + hexValue(l);
        // \b \t \n \f \r have their short escapes.
        if (v === 8 || v === 9 || v === 10 || v === 12 || v === 13) return -1;
        i += 6;
      } else return -1;
      length++;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return -1;
      i += 2;
      length += 2;
      continue;
    }
    i++;
    length++;
  }
  return -1;
}

/** Scans a number at `i`; answers the index after it, or -1 unless it is exactly `String(value)`. */
function scanNumber(i: number): number {
  const s = src;
  let j = i;
  for (;;) {
    const c = s.charCodeAt(j);
    if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69) j++;
    else break;
  }
  if (j === i) return -1;
  const text = s.slice(i, j);
  // Canonical: no leading zeros, exponents or -0 that JSON.stringify would write otherwise; a value
  // past float range (1e400) reads Infinity, whose String is no number text.
  return String(Number(text)) === text ? j : -1;
}

function isIndexKey(s: string, from: number, to: number): number {
  // Answers the key's value when it is an array index (which sorts first), -1 for an ordinary key,
  // -2 for a digit key too long to be sure of.
  const len = to - from;
  if (len === 0) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  if (len > 1 && s.charCodeAt(from) === 48) return -1;
  return len > MAX_INDEX_DIGITS ? -2 : value;
}

/** Scans any value at `i` (depth of a container there: `depth`); answers the index after it or -1. */
function scanValue(i: number, depth: number, numbers: Record<string, unknown> | undefined): number {
  const c = src.charCodeAt(i);
  if (c === QUOTE) return scanString(i + 1);
  if (c === 123 /* { */) return scanObject(i, depth, numbers);
  if (c === 91 /* [ */) return scanArray(i, depth);
  if (c === 116 /* t */) return src.startsWith('true', i) ? i + 4 : -1;
  if (c === 102 /* f */) return src.startsWith('false', i) ? i + 5 : -1;
  if (c === 110 /* n */) return src.startsWith('null', i) ? i + 4 : -1;
  return scanNumber(i);
}

function scanArray(i: number, depth: number): number {
  // toJsonValue turns a container at MAX_DEPTH into "[Depth]".
  if (depth >= MAX_DEPTH) return -1;
  i++;
  if (src.charCodeAt(i) === 93 /* ] */) return i + 1;
  let items = 0;
  for (;;) {
    if (++items > MAX_KEYS) return -1;
    i = scanValue(i, depth + 1, undefined);
    if (i < 0) return -1;
    const c = src.charCodeAt(i);
    if (c === 93) return i + 1;
    if (c !== 44 /* , */) return -1;
    i++;
  }
}

/**
 * Scans an object; `numbers`, when given, collects its number-valued fields (and, one level down,
 * those of its object-valued fields), as StoredLine.numbers describes.
 */
function scanObject(i: number, depth: number, numbers: Record<string, unknown> | undefined): number {
  if (depth >= MAX_DEPTH) return -1;
  const s = src;
  i++;
  if (s.charCodeAt(i) === 125 /* } */) return i + 1;
  const keys: string[] = [];
  let seen: Set<string> | undefined;
  let lastIndex = -1;
  let ordinarySeen = false;
  for (;;) {
    if (keys.length >= MAX_KEYS) return -1;
    if (s.charCodeAt(i) !== QUOTE) return -1;
    const keyFrom = i + 1;
    const keyEnd = scanString(keyFrom);
    if (keyEnd < 0 || s.charCodeAt(keyEnd) !== 58 /* : */) return -1;
    const keyTo = keyEnd - 1;
    // fitKey cuts a longer key; assignment drops `__proto__`.
    if (decodedLength > MAX_KEY_LENGTH) return -1;
    const raw = s.slice(keyFrom, keyTo);
    if (raw === '__proto__') return -1;
    // Own keys enumerate array indices first, ascending, then the rest in insertion order: a line
    // whose keys are in any other order is re-ordered by the normalizer.
    if (!escaped) {
      const index = isIndexKey(s, keyFrom, keyTo);
      if (index === -2) return -1;
      if (index >= 0) {
        if (ordinarySeen || index <= lastIndex) return -1;
        lastIndex = index;
      } else ordinarySeen = true;
    } else ordinarySeen = true;
    // A repeated key keeps its first place and its last value: not this text. Canonical strings
    // are equal exactly when their text is.
    if (keys.length < 8) {
      for (const k of keys) if (k === raw) return -1;
    } else {
      if (!seen) seen = new Set(keys);
      if (seen.has(raw)) return -1;
      seen.add(raw);
    }
    keys.push(raw);
    const keyEscaped = escaped;
    const valueAt = keyEnd + 1;
    const c = s.charCodeAt(valueAt);
    let nested: Record<string, unknown> | undefined;
    // Only the attributes root (depth 1) gives its object-valued fields a numbers object of their own.
    if (numbers !== undefined && depth === 1 && c === 123) nested = {};
    i = scanValue(valueAt, depth + 1, nested);
    if (i < 0) return -1;
    if (numbers !== undefined && (nested !== undefined || c === 45 || (c >= 48 && c <= 57))) {
      const key = keyEscaped ? (JSON.parse(s.slice(keyFrom - 1, keyTo + 1)) as string) : raw;
      numbers[key] = nested ?? Number(s.slice(valueAt, i));
    }
    const next = s.charCodeAt(i);
    if (next === 125) return i + 1;
    if (next !== 44) return -1;
    i++;
  }
}

/**
 * Reads an optional top-level string field `"name":"…"` after a comma at `i`; answers the index after
 * it and sets `decodedLength`, `i` itself when the line has no such field next, or -1 when it is malformed.
 */
function optionalField(i: number, prefix: string): number {
  if (!src.startsWith(prefix, i)) return i;
  return scanString(i + prefix.length);
}

function keptString(from: number, to: number, max: number): boolean {
  // shortString/idString keep a non-empty string up to `max` units; `first` skips the unreadable mark.
  return decodedLength > 0 && decodedLength <= max && src.slice(from, to) !== UNREADABLE;
}

const ZERO_ID = /^0+$/;

/**
 * Vouches for a line that is already a stored record: answers what the batch figures need when
 * `JSON.stringify(normalizeLine(line).record)` would be exactly `line` (same key order, same escapes,
 * same numbers, nothing cut, no `__proto__`, a valid time, one of the six levels, every attribute
 * limit met), else undefined, and the caller normalizes the line as usual. It never vouches for
 * a line the normalizer would change or reject, and may decline lines it would keep as they are.
 *
 * @example
 * checkStoredLine('{"time":"2026-01-02T03:04:05.006Z","level":"info","msg":"hi"}')?.level; // 'info'
 * checkStoredLine('{"level":30,"msg":"hi"}'); // undefined: normalizeLine rebuilds it
 */
export function checkStoredLine(line: string, maxRecordBytes: number = LIMITS.maxRecordBytes): StoredLine | undefined {
  const budget = Math.max(64, maxRecordBytes - OVERHEAD_BYTES);
  if (line.length * BUDGET_PER_CHAR >= budget) return undefined;
  if (!line.startsWith('{"time":"')) return undefined;
  src = line;
  try {
    return check();
  } finally {
    src = '';
  }
}

function check(): StoredLine | undefined {
  const s = src;
  let i = 9;
  const timeEnd = scanString(i);
  if (timeEnd < 0 || escaped) return undefined;
  const time = s.slice(i, timeEnd - 1);
  // The normalizer writes isoFromMs(parseTime(time)); only a time that survives that unchanged is kept.
  const ms = parseTime(time);
  if (ms === undefined || isoFromMs(ms) !== time) return undefined;
  i = timeEnd;
  if (!s.startsWith(',"level":"', i)) return undefined;
  i += 10;
  const levelEnd = scanString(i);
  if (levelEnd < 0 || escaped) return undefined;
  const level = s.slice(i, levelEnd - 1);
  if (!isLevel(level)) return undefined;
  i = levelEnd;
  if (!s.startsWith(',"msg":"', i)) return undefined;
  i += 8;
  const msgEnd = scanString(i);
  if (msgEnd < 0) return undefined;
  const msgEmpty = decodedLength === 0;
  // `first` skips the unreadable mark, and the record then has no message.
  if (s.slice(i, msgEnd - 1) === UNREADABLE) return undefined;
  i = msgEnd;
  for (const [prefix, max] of FIELDS) {
    const end = optionalField(i, prefix);
    if (end < 0) return undefined;
    if (end === i) continue;
    const from = i + prefix.length;
    if (!keptString(from, end - 1, max)) return undefined;
    if (max === 64 && ZERO_ID.test(s.slice(from, end - 1))) return undefined;
    i = end;
  }
  let numbers: Record<string, unknown> | undefined;
  if (s.startsWith(',"attributes":{', i)) {
    i += 14;
    // An empty attributes object is dropped by the normalizer.
    if (s.charCodeAt(i + 1) === 125) return undefined;
    numbers = {};
    i = scanObject(i, 1, numbers);
    if (i < 0) return undefined;
  } else if (msgEmpty) return undefined; // no message and no fields: rejected
  if (i !== s.length - 1 || s.charCodeAt(i) !== 125) return undefined;
  return { time, level: level as Level, numbers };
}

// The optional string fields in the normalizer's order, with the length each keeps.
const FIELDS: readonly (readonly [string, number])[] = [
  [',"service":"', 256],
  [',"host":"', 256],
  [',"traceId":"', 64],
  [',"spanId":"', 64],
];
