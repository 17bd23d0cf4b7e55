import type { Kysely } from 'kysely';
import type { Database } from '../../store/sql/database.js';

/** A batch row as the log readers need it. */
export interface BatchRow {
  id: string;
  object_key: string;
  min_time: number;
  max_time: number;
  bytes: number;
  text_filter: string | null;
}

/** Rows fetched per query; the next query goes on after the last (keyset paging). */
const ROWS_PER_QUERY = 50;

/**
 * A project's batch rows overlapping `[from, to]` (record time), newest `max_time` first (ties by id),
 * fetched a few dozen at a time, so a reader that stops early (a full page, a budget) reads no more
 * rows than it used. Logs pages and facets both walk batches this way.
 *
 * @example
 * for await (const batch of batchesNewestFirst(db, projectId, { from, to })) { ... if (done) break; }
 */
export async function* batchesNewestFirst(
  db: Kysely<Database>,
  projectId: string,
  range: { from?: number | undefined; to?: number | undefined },
): AsyncGenerator<BatchRow> {
  let after: { maxTime: number; id: string } | undefined;
  while (true) {
    let rows = db
      .selectFrom('ingest_batches')
      .select(['id', 'object_key', 'min_time', 'max_time', 'bytes', 'text_filter'])
      .where('project_id', '=', projectId);
    if (range.to !== undefined && Number.isFinite(range.to)) rows = rows.where('min_time', '<=', range.to);
    if (range.from !== undefined) rows = rows.where('max_time', '>=', range.from);
    if (after) {
      const { maxTime, id } = after;
      rows = rows.where((eb) =>
        eb.or([eb('max_time', '<', maxTime), eb.and([eb('max_time', '=', maxTime), eb('id', '<', id)])]),
      );
    }
    const batches = await rows.orderBy('max_time', 'desc').orderBy('id', 'desc').limit(ROWS_PER_QUERY).execute();
    for (const batch of batches) yield batch;
    const last = batches[batches.length - 1];
    if (batches.length < ROWS_PER_QUERY || !last) return;
    after = { maxTime: last.max_time, id: last.id };
  }
}
