import { TRUNCATED_ATTRIBUTE } from '@cloudsage/schema';
import { utf8Length } from './utf8-length.js';

const MARK = '…[truncated]';
// Room kept for the marker attribute and JSON punctuation added after cutting.
const SLACK = 64;

/**
 * Cuts the largest values of `value` until its JSON fits `budget` bytes: strings are shortened with a
 * marker, nested objects and arrays are cut recursively, and what cannot be cut is replaced.
 */
function shrink(value: unknown, budget: number, depth: number): unknown {
  if (typeof value === 'string') {
    const bytes = utf8Length(JSON.stringify(value));
    if (bytes <= budget) return value;
    // Cutting n UTF-16 units removes at least n bytes of JSON, so this always fits.
    const keep = Math.max(0, value.length - (bytes - budget) - MARK.length * 3);
    return value.slice(0, keep) + MARK;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || budget < 32) return '[truncated]';
  const entries: Array<[string, unknown, number]> = Object.entries(value).map(([k, v]) => [
    k,
    v,
    utf8Length(JSON.stringify(v) ?? ''),
  ]);
  let total = entries.reduce((n, [k, , size]) => n + size + k.length + 4, 2);
  const order = entries.map((_, i) => i).sort((a, b) => entries[b]![2] - entries[a]![2]);
  for (const i of order) {
    if (total <= budget) break;
    const [k, v, size] = entries[i]!;
    if (k === 'time' || k === 'level') continue;
    const target = Math.max(16, size - (total - budget));
    const cut = shrink(v, target, depth + 1);
    const newSize = utf8Length(JSON.stringify(cut) ?? '');
    entries[i] = [k, cut, newSize];
    total -= size - newSize;
  }
  if (Array.isArray(value)) return entries.map(([, v]) => v);
  return Object.fromEntries(entries.map(([k, v]) => [k, v]));
}

/**
 * Fits a serialized record into `maxBytes`: the largest fields are cut (messages keep their start and
 * end with a marker) and `cloudsage.truncated: true` is set. Answers `undefined` only when even the cut
 * record does not fit (the caller then drops it as `oversize`).
 *
 * @example
 * truncateLine(JSON.stringify({ msg: 'x'.repeat(300_000) }), 256 * 1024); // a line under 256 KiB
 */
export function truncateLine(line: string, maxBytes: number): string | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    record = { msg: line };
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) record = { msg: line };
  const cut = shrink(record, maxBytes - SLACK, 0) as Record<string, unknown>;
  if (cut === null || typeof cut !== 'object') return undefined;
  cut[TRUNCATED_ATTRIBUTE] = true;
  const out = JSON.stringify(cut);
  return utf8Length(out) <= maxBytes ? out : undefined;
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
