import type { Kysely } from 'kysely';
import type { Database } from '../../store/sql/database.js';

/** At most one alert per project per this long (docs/architecture.md, "Live updates and alerts"). */
export const ALERT_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Takes the project's alert slot if it is free, in SQL so every replica shares it. Answers
 * whether this caller may send now. The upsert only overwrites an expired lease, so two replicas
 * racing for the same slot cannot both win.
 */
export async function takeAlertSlot(
  db: Kysely<Database>,
  projectId: string,
  holder: string,
  now: number,
  intervalMs = ALERT_INTERVAL_MS,
): Promise<boolean> {
  const result = await db
    .insertInto('leases')
    .values({ name: `alert:${projectId}`, holder, expires_at: now + intervalMs })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: now + intervalMs })
        .where('leases.expires_at', '<=', now),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}
