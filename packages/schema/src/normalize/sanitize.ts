/**
 * The one key that assignment on a plain object does not store: `obj.__proto__ = v` swaps the
 * object's prototype. `constructor` and `prototype` are stored as ordinary own fields (they are
 * real field names in logs, and assigning them changes nothing shared), so only this one is dropped.
 */
const FORBIDDEN_KEY = '__proto__';

/** Deepest nesting kept in attributes; deeper values become the string "[Depth]". */
export const MAX_DEPTH = 10;
/** Most keys kept per object and items per array. */
export const MAX_KEYS = 500;

/** A character budget shared by one record's fields, so one record cannot grow past the limit. */
export interface Budget {
  /** Characters still allowed. */
  left: number;
  /** Set once anything was cut. */
  truncated: boolean;
}

/** Cuts a string to the budget, marking the budget when it does. */
export function fitString(s: string, budget: Budget): string {
  if (s.length <= budget.left) {
    budget.left -= s.length;
    return s;
  }
  budget.truncated = true;
  const keep = Math.max(0, budget.left);
  budget.left = 0;
  return `${s.slice(0, keep)}…[truncated ${s.length - keep} chars]`;
}

/** Longest key kept; a longer one is cut (and the record flagged), since keys count toward the size too. */
export const MAX_KEY_LENGTH = 256;

/** What a field reads as when its getter or proxy trap throws. */
export const UNREADABLE = '[Unreadable]';

/** Charges a key to the budget and cuts an over-long one. */
export function fitKey(key: string, budget: Budget): string {
  budget.left -= key.length + 4;
  if (key.length <= MAX_KEY_LENGTH) return key;
  budget.truncated = true;
  return `${key.slice(0, MAX_KEY_LENGTH)}…`;
}

/** Reads one field; a throwing getter or proxy trap gives UNREADABLE instead of an exception. */
export function readKey(obj: Record<string, unknown>, key: string): unknown {
  try {
    return obj[key];
  } catch {
    return UNREADABLE;
  }
}

/** True for a key that is safe to assign on a plain object. */
export function isSafeKey(key: string): boolean {
  return key !== FORBIDDEN_KEY;
}

/**
 * Copies any value into plain JSON: cycles become "[Circular]", nesting past MAX_DEPTH "[Depth]",
 * Errors `{ type, message, stack, cause }`, bigints strings, functions and symbols dropped,
 * `__proto__` keys dropped, and strings cut to the record's budget. Never throws on
 * hostile getters or proxies: such a value becomes "[Unreadable]".
 */
export function toJsonValue(value: unknown, budget: Budget, depth = 0, seen?: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
      return fitString(value, budget);
    case 'number':
      budget.left -= 8;
      // -0 is not JSON (it serializes as 0), so it becomes 0 here; NaN and Infinity become strings.
      if (!Number.isFinite(value)) return String(value);
      return value === 0 ? 0 : value;
    case 'boolean':
      budget.left -= 5;
      return value;
    case 'bigint':
      return fitString(value.toString(), budget);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  // Nulls and containers cost budget too: a value that shares one array many times over (a DAG,
  // not a cycle) would otherwise expand without bound.
  budget.left -= value === null ? 4 : 2;
  if (value === null) return null;
  if (depth >= MAX_DEPTH) {
    budget.truncated = true;
    return '[Depth]';
  }
  const obj = value as object;
  const visited = seen ?? new Set<object>();
  if (visited.has(obj)) return '[Circular]';
  visited.add(obj);
  try {
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    if (obj instanceof Error) return errorToJson(obj, budget, depth, visited);
    if (Array.isArray(obj)) {
      const out: unknown[] = [];
      const n = Math.min(obj.length, MAX_KEYS);
      for (let i = 0; i < n && budget.left > 0; i++) {
        const v = toJsonValue(obj[i], budget, depth + 1, visited);
        out.push(v === undefined ? null : v);
      }
      if (obj.length > out.length) budget.truncated = true;
      return out;
    }
    if (ArrayBuffer.isView(obj)) return fitString(`[${obj.constructor.name} ${obj.byteLength} bytes]`, budget);
    return objectToJson(obj as Record<string, unknown>, budget, depth, visited);
  } catch {
    return UNREADABLE;
  } finally {
    visited.delete(obj);
  }
}

function objectToJson(
  obj: Record<string, unknown>,
  budget: Budget,
  depth: number,
  seen: Set<object>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    if (!isSafeKey(key)) continue;
    if (count++ >= MAX_KEYS || budget.left <= 0) {
      budget.truncated = true;
      break;
    }
    const name = fitKey(key, budget);
    const v = toJsonValue(readKey(obj, key), budget, depth + 1, seen);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function errorToJson(err: Error, budget: Budget, depth: number, seen: Set<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: fitString(err.name || err.constructor?.name || 'Error', budget),
    message: fitString(String(err.message), budget),
  };
  if (typeof err.stack === 'string') out.stack = fitString(err.stack, budget);
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined) out.cause = toJsonValue(cause, budget, depth + 1, seen);
  for (const key of Object.keys(err)) {
    if (key in out || !isSafeKey(key)) continue;
    const v = toJsonValue((err as unknown as Record<string, unknown>)[key], budget, depth + 1, seen);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * A short readable string of any value, for keeping an unreadable level or time beside the record.
 * Objects are shown as JSON; never throws (a value that cannot be read gives "[Unreadable]").
 */
export function safeString(value: unknown, max: number): string {
  try {
    if (typeof value === 'string') return value.slice(0, max);
    if (value !== null && typeof value === 'object') {
      return (JSON.stringify(toJsonValue(value, { left: max, truncated: false })) ?? '').slice(0, max);
    }
    return String(value).slice(0, max);
  } catch {
    return '[Unreadable]';
  }
}
