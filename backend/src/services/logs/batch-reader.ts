/**
 * The one reader of batch objects (gzip NDJSON, one record a line, as `BatchWriter` writes them),
 * used by the logs query, the scoring dispatcher and the forecast's template context. Its rule
 * for a line that is not a record (torn by a crash mid-write, or written by something else): skip
 * it and count it. Every record keeps the index of its line, so a log cursor (time, batch id,
 * index) points at the same record whatever lines around it are skipped.
 */

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { isLevel, type LogRecord } from '@cloudsage/schema';
import type { Bucket } from '../../store/bucket/bucket.js';

// Off the main thread (zlib's pool): a batch object can inflate to tens of MiB.
const gunzipAsync = promisify(gunzip);

/** A record of a batch object and the index of its line (0-based), which log cursors point at. */
export interface IndexedRecord {
  index: number;
  record: LogRecord;
}

/** The records of a batch's text, and how many of its lines were not records. */
export interface ParsedBatch {
  records: IndexedRecord[];
  skippedLines: number;
}

/**
 * One object read: its records; `missing` when the bucket has no such key (lost outside our
 * write path); `unreadable` when its bytes are not gzip text (a corrupt or foreign object).
 * A bucket that fails to answer is not an answer about the object: that error is thrown.
 */
export type BatchRead =
  | ({ status: 'read' } & ParsedBatch)
  | { status: 'missing' }
  | { status: 'unreadable'; error: string };

/** What a scan over several objects had to leave out, for the caller to count (`/metrics`). */
export interface SkippedInput {
  /** Lines that were not records. */
  lines: number;
  /** Objects that could not be read at all. */
  unreadableObjects: number;
}

/** Told once per scan that skipped anything. */
export type ReportSkipped = (skipped: SkippedInput) => void;

/**
 * Counts what the reads of one scan left out.
 *
 * @example
 * const skipped = new SkippedTally();
 * for (const b of batches) for (const { record } of skipped.recordsOf(await readBatchObject(bucket, b.key))) use(record);
 * skipped.report(onSkipped);
 */
export class SkippedTally implements SkippedInput {
  lines = 0;
  unreadableObjects = 0;

  /** The records of a read, counting its skipped lines; a missing or unreadable object has none. */
  recordsOf(read: BatchRead): IndexedRecord[] {
    if (read.status === 'read') {
      this.lines += read.skippedLines;
      return read.records;
    }
    if (read.status === 'unreadable') this.unreadableObjects++;
    return [];
  }

  /** Tells `onSkipped` what was left out, if anything was. */
  report(onSkipped: ReportSkipped | undefined): void {
    if (this.lines > 0 || this.unreadableObjects > 0) {
      onSkipped?.({ lines: this.lines, unreadableObjects: this.unreadableObjects });
    }
  }
}

// A cheap shape check, not the schema: the fields every reader relies on. A level is looked up
// as an own key only, so "constructor" or "__proto__" from a foreign line is no level.
function isRecord(value: unknown): value is LogRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.time === 'string' && isLevel(v.level) && typeof v.msg === 'string';
}

/**
 * Splits a batch's text into records by line. A line that does not parse as JSON, or parses to
 * something that is not a record, is skipped and counted; the text after a final newline is no line.
 *
 * @example
 * parseBatchText('{"time":"2026-01-01T00:00:00Z","level":"info","msg":"a"}\n{"ti\n');
 * // { records: [{ index: 0, record: {...} }], skippedLines: 1 }
 */
export function parseBatchText(text: string): ParsedBatch {
  const records: IndexedRecord[] = [];
  let skippedLines = 0;
  let index = 0;
  // indexOf rather than split: a window's objects can hold tens of thousands of lines.
  for (let start = 0; start < text.length; index++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(start, end));
    } catch {
      parsed = undefined;
    }
    if (isRecord(parsed)) records.push({ index, record: parsed });
    else skippedLines++;
    start = end + 1;
  }
  return { records, skippedLines };
}

/**
 * Reads and parses one batch object.
 *
 * @example
 * const read = await readBatchObject(bucket, batch.object_key);
 * if (read.status === 'read') for (const { index, record } of read.records) show(index, record);
 */
export async function readBatchObject(bucket: Bucket, key: string): Promise<BatchRead> {
  const body = await bucket.get(key);
  if (!body) return { status: 'missing' };
  let text: string;
  try {
    text = (await gunzipAsync(body)).toString('utf8');
  } catch (err) {
    return { status: 'unreadable', error: `batch object ${key} is unreadable: ${(err as Error).message}` };
  }
  return { status: 'read', ...parseBatchText(text) };
}
