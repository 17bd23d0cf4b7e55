import type { Kysely } from 'kysely';

/**
 * The retention sweep removes `rate_limits` rows whose window started over 2 days ago (one row per key,
 * and login-failure keys carry client addresses, so hostile clients can add rows without end). Without
 * an index that delete reads the whole table each sweep, holding SQLite's one writer meanwhile; with it,
 * the sweep reads only the stale rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('rate_limits_window_start').on('rate_limits').column('window_start').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('rate_limits_window_start').execute();
}
