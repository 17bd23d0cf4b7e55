import type { Kysely } from 'kysely';

/**
 * Each batch row carries a Bloom filter of its lines' trigrams (base64; services/logs/text-filter.ts),
 * written at ingest, so a search skips the objects that cannot hold its words (issue #19). Rows
 * stored before have none and are read as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ingest_batches').addColumn('text_filter', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ingest_batches').dropColumn('text_filter').execute();
}
