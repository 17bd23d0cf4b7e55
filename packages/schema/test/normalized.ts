import { expect } from 'vitest';
import { LogRecord, normalizeLine, normalizeRecord, type LogRecord as Stored } from '../src/index.js';

/**
 * Normalizes a line as ingest does, checks the result is a valid record, and that the same string given
 * to normalizeRecord (an SDK call, an array item of an upload) reads the same; throws if rejected.
 */
export function readLine(line: string, receivedAt: Date): Stored {
  const r = normalizeLine(line, receivedAt);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  expect(LogRecord.parse(r.record)).toEqual(r.record);
  const direct = normalizeRecord(line, receivedAt);
  expect(direct.ok && direct.record).toEqual(r.record);
  return r.record;
}

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
