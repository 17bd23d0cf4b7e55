import { type Kysely, sql } from 'kysely';
import { AppError } from '../../errors.js';
import type { Database } from '../../store/sql/database.js';

const MINUTE_MS = 60_000;

/**
 * Counts one ingest request against its project and its caller (API key or user) in the current
 * minute, in the shared `rate_limits` table so replicas enforce one limit together. Both counters
 * move in one upsert statement; over `perMinute` on either answers 429 with `Retry-After`.
 * A limit of 0 turns the check off.
 *
 * @example
 * await checkIngestRate(db, { projectId, callerId: `key:${keyId}` }, config.limits.ingestRatePerMin, now);
 */
export async function checkIngestRate(
  db: Kysely<Database>,
  who: { projectId: string; callerId: string },
  perMinute: number,
  now: number,
): Promise<void> {
  if (perMinute <= 0) return;
  const start = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const keys = [`ingest:project:${who.projectId}`, `ingest:caller:${who.callerId}`];
  const result = await sql<{ key: string; count: number }>`
    insert into rate_limits (key, window_start, count)
    values (${keys[0]}, ${start}, 1), (${keys[1]}, ${start}, 1)
    on conflict (key) do update
       set count = case when rate_limits.window_start = excluded.window_start then rate_limits.count + 1 else 1 end,
           window_start = excluded.window_start
    returning key, count`.execute(db);
  const over = result.rows.find((r) => Number(r.count) > perMinute);
  if (over) {
    throw new AppError(
      'rate_limited',
      `more than ${perMinute} ingest requests a minute for this ${over.key.split(':')[1]}`,
      {
        retryAfter: Math.max(1, Math.ceil((start + MINUTE_MS - now) / 1000)),
      },
    );
  }
}
