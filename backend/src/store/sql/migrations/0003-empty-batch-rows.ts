import { type Kysely, sql } from 'kysely';

/**
 * Before issue #22, an empty batch (`[]`, `{"resourceLogs":[]}`) stored a batch row with an empty
 * object key and no object; every reader that reached it (logs pages, the dispatcher, retention)
 * failed on the key. Empty batches no longer store a row; this removes the ones already stored.
 * They hold no records, so nothing readable is lost.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from ingest_batches where object_key = ''`.execute(db);
}

/** Nothing to restore: the removed rows pointed at no object. */
export async function down(_db: Kysely<unknown>): Promise<void> {}
