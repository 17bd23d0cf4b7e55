import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import type { LogRecord } from '@cloudsage/schema';
import { BatchSummary } from './batch-summary.js';

const gzipAsync = promisify(gzip);

// Level 1 compresses log text to about a fifth at several times the speed of the default level 6;
// objects are written on every batch but read rarely, so speed wins.
const GZIP_OPTIONS = { level: constants.Z_BEST_SPEED };

/** A batch ready for the bucket: its gzip NDJSON bytes and the figures gathered on the way. */
export interface BatchObject {
  body: Buffer;
  summary: BatchSummary;
}

/**
 * Serializes the stored records once into NDJSON, gathering counts, time range and per-minute
 * figures in the same pass, and gzips it (off the main thread, in zlib's thread pool).
 *
 * @example
 * const { body, summary } = await buildBatchObject(records);
 */
export async function buildBatchObject(records: readonly LogRecord[]): Promise<BatchObject> {
  const summary = new BatchSummary();
  const lines = new Array<string>(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as LogRecord;
    const line = JSON.stringify(record);
    lines[i] = line;
    // String length stands in for bytes: exact for ASCII, and only used for figures.
    summary.add(record, line.length + 1);
  }
  lines.push('');
  const body = await gzipAsync(Buffer.from(lines.join('\n')), GZIP_OPTIONS);
  return { body, summary };
}

/**
 * A new batch id: time-ordered (ms in base 36, then 64 random bits), so keys list in ingest order.
 *
 * @example
 * newBatchId(); // 'b_mbx3k2f1_9f86d081884c7d65'
 */
export function newBatchId(now: number): string {
  return `b_${now.toString(36).padStart(9, '0')}_${randomBytes(8).toString('hex')}`;
}

/**
 * The bucket key of a batch: `logs/{projectId}/{yyyy-mm-dd}/{hh}/{batchId}.ndjson.gz`, dated by
 * ingest time (UTC), the time scoring windows are aligned to.
 *
 * @example
 * batchObjectKey('p1', 'b_1', Date.UTC(2026, 0, 2, 3)); // 'logs/p1/2026-01-02/03/b_1.ndjson.gz'
 */
export function batchObjectKey(projectId: string, batchId: string, receivedAt: number): string {
  const iso = new Date(receivedAt).toISOString();
  return `logs/${projectId}/${iso.slice(0, 10)}/${iso.slice(11, 13)}/${batchId}.ndjson.gz`;
}
