import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { LEVEL_RANK, type LogRecord } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { Database } from '../../store/sql/database.js';

const gunzipAsync = promisify(gunzip);
const WARN = LEVEL_RANK.warn;

/** A scoring window's records, sampled down to a bound when huge. */
export interface WindowRecords {
  logs: LogRecord[];
  /** Records in the window before sampling. */
  totalRecords: number;
  /** Fraction of info-and-below records kept (1 = all); warn and above are always all kept. */
  samplingRatio: number;
}

/**
 * Reads the records of batches ingested in `[from, to)` from their bucket objects. When there are
 * more than `maxRecords`, every warn-and-above record is kept and the rest sampled evenly, so the
 * worker still sees every error line (its template counts stay exact) and is told the ratio.
 */
export async function readWindowRecords(
  db: Kysely<Database>,
  bucket: Bucket,
  projectId: string,
  from: number,
  to: number,
  maxRecords: number,
): Promise<WindowRecords> {
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
  let acc = 0;
  for (const b of batches) {
    const body = await bucket.get(b.object_key);
    if (!body) continue; // A missing object was lost outside our write path; score what exists.
    const text = Buffer.from(await gunzipAsync(body)).toString('utf8');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (end > start) {
        const record = JSON.parse(text.slice(start, end)) as LogRecord;
        if (ratio >= 1 || LEVEL_RANK[record.level] >= WARN) logs.push(record);
        else {
          acc += ratio;
          if (acc >= 1) {
            acc -= 1;
            logs.push(record);
          }
        }
      }
      start = end + 1;
    }
  }
  return { logs, totalRecords: total, samplingRatio: ratio >= 1 ? 1 : Math.max(ratio, 1e-6) };
}
