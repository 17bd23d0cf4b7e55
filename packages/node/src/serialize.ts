import { LEVEL_RANK, type Level, levelFromName } from '@cloudsage/schema';

/** Rank at and above which a record counts as "high" for the drop policy (warn). */
export const HIGH_RANK = LEVEL_RANK.warn;

/**
 * Rank of a level given as a name (`'warn'`, any name the schema knows, such as `'critical'`) or pino
 * number (`40`); unknown levels rank as info.
 *
 * @example
 * levelRank('error'); // 50
 */
export function levelRank(level: unknown): number {
  if (typeof level === 'number') return Number.isFinite(level) ? level : LEVEL_RANK.info;
  if (typeof level === 'string') return LEVEL_RANK[levelFromName(level) ?? 'info'];
  return LEVEL_RANK.info;
}

/**
 * Rank of an already-serialized line, read from its `"level":` field without parsing the line.
 *
 * @example
 * lineLevelRank('{"level":50,"msg":"x"}'); // 50
 */
export function lineLevelRank(line: string): number {
  const at = line.indexOf('"level":');
  if (at < 0) return LEVEL_RANK.info;
  let i = at + 8;
  while (line.charCodeAt(i) === 32) i++;
  if (line.charCodeAt(i) === 34) {
    const end = line.indexOf('"', i + 1);
    return end < 0 ? LEVEL_RANK.info : levelRank(line.slice(i + 1, end));
  }
  const n = Number.parseInt(line.slice(i, i + 4), 10);
  return Number.isNaN(n) ? LEVEL_RANK.info : n;
}

function errorToJson(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: err.message, stack: err.stack };
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (err.cause instanceof Error) out.cause = errorToJson(err.cause);
  return out;
}

/** Replaces top-level `Error` values (pino's `err` convention) with plain objects, copying only if needed. */
function withPlainErrors(record: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    const v = record[key];
    if (v instanceof Error) {
      copy ??= { ...record };
      copy[key] = errorToJson(v);
    }
  }
  return copy ?? record;
}

function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return errorToJson(value);
    if (value !== null && typeof value === 'object') {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  };
}

/**
 * Serializes a record to one JSON line, adding `time` and `level` in front when the record lacks them.
 * `time` may be a function, so the clock is only read for records that lack a time.
 * Never throws: circular references read `"[Circular]"`, BigInts become strings, and a record that
 * cannot be serialized at all becomes a minimal record that says so.
 *
 * @example
 * serializeRecord({ msg: 'hi' }, '2026-01-01T00:00:00.000Z', 'info');
 * // '{"time":"2026-01-01T00:00:00.000Z","level":"info","msg":"hi"}'
 */
export function serializeRecord(record: Record<string, unknown>, time: string | (() => string), level: Level): string {
  const stamp = typeof time === 'function' ? time : () => time;
  let json: string | undefined;
  try {
    json = JSON.stringify(withPlainErrors(record));
  } catch {
    try {
      json = JSON.stringify(record, safeReplacer());
    } catch {
      json = undefined;
    }
  }
  if (json === undefined || json.charCodeAt(0) !== 123) {
    return JSON.stringify({ time: stamp(), level, msg: '[unserializable record]', 'cloudsage.unserializable': true });
  }
  let head = '';
  if (!('time' in record)) head += `"time":"${stamp()}",`;
  if (!('level' in record)) head += `"level":"${level}",`;
  if (head === '') return json;
  return json.length === 2 ? `{${head.slice(0, -1)}}` : `{${head}${json.slice(1)}`;
}
