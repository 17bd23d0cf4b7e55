import { expect } from 'vitest';
import { LogRecord, normalizeLine, normalizeRecord } from '../src/index.js';

/**
 * Normalizes a line as ingest does, checks the result is a valid record, and that the same string given
 * to normalizeRecord (an SDK call, an array item of an upload) reads the same; throws if rejected.
 */
export function readLine(line: string, receivedAt: Date) {
  const r = normalizeLine(line, receivedAt);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  expect(LogRecord.parse(r.record)).toEqual(r.record);
  const direct = normalizeRecord(line, receivedAt);
  expect(direct.ok && direct.record).toEqual(r.record);
  return r.record;
}
