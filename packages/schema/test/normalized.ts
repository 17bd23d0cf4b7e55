import { expect } from 'vitest';
import { LogRecord, normalizeLine, normalizeRecord, type LogRecord as Stored } from '../src/index.js';

/** When the records of these tests were received. */
export const RECEIVED = new Date('2026-06-15T12:00:00.000Z');

/**
 * `input` normalized, checked against the schema and against the same record sent as an NDJSON line
 * (which must read the same); throws when it is rejected.
 */
export function ok(input: unknown): Stored {
  const r = normalizeRecord(input, RECEIVED);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  expect(LogRecord.parse(r.record)).toEqual(r.record);
  const line = normalizeLine(JSON.stringify(input), RECEIVED);
  expect(line.ok && line.record).toEqual(r.record);
  return r.record;
}
