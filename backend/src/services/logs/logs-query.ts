import type { LogRecord, LogsPage, ScanBudget as StopReason } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors.js';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { Database } from '../../store/sql/database.js';
import { type ReportSkipped, readBatchObject, SkippedTally } from './batch-reader.js';
import { batchesNewestFirst } from './batch-rows.js';
import { compileFilter, type LogFilter } from './log-filter.js';
import { compareNewestFirst, encodeCursor, type LogCursor, WHOLE_BATCH } from './logs-cursor.js';
import { filterOf, mayContain } from './text-filter.js';

/** A logs request after validation: the filter, and the page it asks for. */
export interface LogsQuery extends LogFilter {
  limit: number;
  cursor?: LogCursor | undefined;
  /** Batch objects a page may read before it ends early; defaults to `MAX_BATCHES_PER_PAGE`. */
  maxBatches?: number | undefined;
  /** Wall time and uncompressed bytes a page may scan before it ends early (none when unset). */
  budget?: ScanBudget | undefined;
}

/** What one page may spend scanning; `now` is the clock (tests inject one). */
export interface ScanBudget {
  maxMs: number;
  maxBytes: number;
  now: () => number;
}

/** The budget a page stopped at (the schema's `ScanBudget`). */
export type StoppedBy = StopReason;

/**
 * A logs page as answered: `partial` is there when the scan stopped at a budget with fewer
 * records than asked; `nextCursor` then goes on where it stopped (the Datadog/Axiom way).
 */
export type SearchPage = LogsPage;

/** What a page scanned, for metrics. */
export interface ScanStats {
  objects: number;
  /** Batches left unread because their text filter proved they hold no match. */
  skippedByFilter: number;
  bytes: number;
  stoppedBy: StoppedBy | undefined;
}

/**
 * How far past its budget a page may go reading batches it cannot stop among (those overlapping the
 * cursor); past this it fails with 503 `search_budget_exceeded` rather than scan without bound.
 */
export const FORCED_SCAN_FACTOR = 2;

/** Batch objects read for one page at most; past it the page ends early with a cursor to go on. */
export const MAX_BATCHES_PER_PAGE = 200;

interface Candidate {
  key: LogCursor;
  record: LogRecord;
}

/**
 * A page of a project's logs, newest first. Batches overlapping the range are read newest
 * `max_time` first; reading stops once `limit + 1` records are newer than anything the next
 * batch could hold, so a page costs a few objects, not the whole range. A selective filter may
 * end a page early (after `maxBatches` objects) with fewer records and a cursor to go on; every
 * such cursor is strictly older than the one given, so paging always ends. Batches that overlap
 * the cursor's time are all read, whatever the budget. The same holds for `budget`: a search that
 * matches nothing over 45 MB took 53 s and slowed /healthz 40x (issue #22), so past its time or
 * bytes the page ends with what it found, a cursor and `partial`. Torn or foreign lines, and
 * objects that cannot be read at all, are left out (a missing object likewise) and told to
 * `onSkipped`; what was scanned is told to `onScanned`.
 */
export async function queryLogs(
  db: Kysely<Database>,
  bucket: Bucket,
  projectId: string,
  query: LogsQuery,
  onSkipped?: ReportSkipped,
  onScanned?: (stats: ScanStats) => void,
): Promise<SearchPage> {
  const { keep: matches, required } = compileFilter(query);
  const budget = query.budget;
  const started = budget?.now();
  let bytes = 0;
  let stoppedBy: StoppedBy | undefined;
  const upper = Math.min(query.to ?? Number.POSITIVE_INFINITY, query.cursor?.time ?? Number.POSITIVE_INFINITY);
  let kept: Candidate[] = [];
  let scanned = 0;
  let skippedByFilter = 0;
  let stoppedAt: LogCursor | undefined;
  const skipped = new SkippedTally();
  const overBudget = (objects: number, scannedBytes: number): StoppedBy | undefined => {
    if (objects >= (query.maxBatches ?? MAX_BATCHES_PER_PAGE)) return 'objects';
    if (!budget || objects === 0) return undefined;
    if (scannedBytes >= budget.maxBytes) return 'bytes';
    if (budget.now() - (started ?? 0) >= budget.maxMs) return 'time';
    return undefined;
  };
  // Batches that all overlap one another (written so on purpose) would make every page re-read
  // those before it: a budgeted page refuses once that reaches FORCED_SCAN_FACTOR times its budget.
  const refuseForcedScan = () => {
    if (!budget) return;
    const overBytes = bytes >= budget.maxBytes * FORCED_SCAN_FACTOR;
    if (!overBytes && budget.now() - (started ?? 0) < budget.maxMs * FORCED_SCAN_FACTOR) return;
    throw new AppError('search_budget_exceeded', undefined, {
      details: { scannedObjects: scanned, scannedBytes: bytes },
      retryAfter: 60,
    });
  };

  for await (const batch of batchesNewestFirst(db, projectId, { from: query.from, to: upper })) {
    const ceiling: LogCursor = { time: batch.max_time, batchId: batch.id, index: WHOLE_BATCH };
    const weakest = kept[query.limit];
    if (weakest && compareNewestFirst(weakest.key, ceiling) < 0) break;
    // Stop early only at a ceiling older than the cursor: batches overlapping the cursor's time
    // (services shipping at once) may hold the next records, and stopping among them would hand
    // the same cursor back and page forever.
    const progress = !query.cursor || compareNewestFirst(query.cursor, ceiling) < 0;
    stoppedBy = progress ? overBudget(scanned, bytes) : undefined;
    if (!progress) refuseForcedScan();
    if (stoppedBy) {
      stoppedAt = ceiling;
      break;
    }
    // A batch whose text filter proves it holds no match costs no read (nor budget).
    if (!mayContain(filterOf(batch.text_filter), required)) {
      skippedByFilter += 1;
      continue;
    }
    scanned += 1;
    bytes += Number(batch.bytes);
    for (const { index, record } of skipped.recordsOf(await readBatchObject(bucket, batch.object_key))) {
      const time = Date.parse(record.time);
      if (!Number.isFinite(time) || !matches(record, time)) continue;
      const key = { time, batchId: batch.id, index };
      if (query.cursor && compareNewestFirst(key, query.cursor) <= 0) continue;
      kept.push({ key, record });
    }
    kept.sort((a, b) => compareNewestFirst(a.key, b.key));
    kept = kept.slice(0, query.limit + 1);
  }
  skipped.report(onSkipped);
  onScanned?.({ objects: scanned, bytes, stoppedBy, skippedByFilter });

  if (stoppedAt) {
    // Records older than the unread batches' ceiling may not be the newest left: keep them for later.
    const stop = stoppedAt;
    const safe = kept.filter((c) => compareNewestFirst(c.key, stop) < 0).slice(0, query.limit);
    const lastShown = safe[safe.length - 1];
    const full = safe.length === query.limit && lastShown;
    const next = full ? lastShown.key : stop;
    const page: SearchPage = { logs: safe.map((c) => c.record), nextCursor: encodeCursor(next) };
    if (!full && stoppedBy) page.partial = { budget: stoppedBy };
    return page;
  }
  const page = kept.slice(0, query.limit);
  const lastShown = page[page.length - 1];
  const hasMore = kept.length > query.limit;
  return { logs: page.map((c) => c.record), nextCursor: hasMore && lastShown ? encodeCursor(lastShown.key) : null };
}
