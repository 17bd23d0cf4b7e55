import { LEVEL_RANK, type LogRecord } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { Database } from '../../store/sql/database.js';
import { readBatchObject, SkippedTally } from '../logs/batch-reader.js';

const WARN = LEVEL_RANK.warn;

/** A scoring window's records, sampled down to a bound when huge. */
export interface WindowRecords {
  ok: true;
  logs: LogRecord[];
  /** Records in the window before sampling, as ingest counted them. */
  totalRecords: number;
  /** Fraction of info-and-below records kept (1 = all); warn and above are always all kept. */
  samplingRatio: number;
  /** Torn or foreign lines of the window's objects, left out. */
  skippedLines: number;
}

/** A window one of whose objects cannot be read: retrying reads the same bytes. */
export interface UnreadableWindow {
  ok: false;
  error: string;
}

/**
 * Reads the records of batches ingested in `[from, to)` from their bucket objects. When there are
 * more than `maxRecords`, every warn-and-above record is kept and the rest sampled evenly, so the
 * worker still sees every error line (its template counts stay exact) and is told the ratio.
 * Torn or foreign lines are left out and counted; an object that is not gzip text makes the
 * window unreadable (an object gone from the bucket is skipped: it was lost outside our write
 * path, so score what exists). A bucket that fails to answer throws.
 */
export async function readWindowRecords(
  db: Kysely<Database>,
  bucket: Bucket,
  projectId: string,
  from: number,
  to: number,
  maxRecords: number,
): Promise<WindowRecords | UnreadableWindow> {
  const batches = await db
    .selectFrom('ingest_batches')
    .select(['object_key', 'records', 'count_warn', 'count_error', 'count_fatal'])
    .where('project_id', '=', projectId)
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .where('records', '>', 0)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
  let total = 0;
  let severe = 0;
  for (const b of batches) {
    total += b.records;
    severe += b.count_warn + b.count_error + b.count_fatal;
  }
  const mild = total - severe;
  // Deterministic even sampling (every k-th mild record by a fractional step), so reruns of a
  // window after a crash send the worker the same records.
  const ratio = total <= maxRecords || mild === 0 ? 1 : Math.max(0, Math.min(1, (maxRecords - severe) / mild));
  const logs: LogRecord[] = [];
  const skipped = new SkippedTally();
  let acc = 0;
  for (const b of batches) {
    const read = await readBatchObject(bucket, b.object_key);
    if (read.status === 'unreadable') return { ok: false, error: read.error };
    for (const { record } of skipped.recordsOf(read)) {
      if (ratio >= 1 || LEVEL_RANK[record.level] >= WARN) logs.push(record);
      else {
        acc += ratio;
        if (acc >= 1) {
          acc -= 1;
          logs.push(record);
        }
      }
    }
  }
  return {
    ok: true,
    logs,
    totalRecords: total,
    samplingRatio: ratio >= 1 ? 1 : Math.max(ratio, 1e-6),
    skippedLines: skipped.lines,
  };
}
