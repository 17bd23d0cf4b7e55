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

/**
 * Takes the project's forecast alert for one UTC day (`date`, yyyy-mm-dd). A forecast is remade on
 * `?refresh=1`, which a read key may ask for; this slot makes the day's forecast alert go out once,
 * so refreshing cannot be used to send webhooks.
 */
export async function takeForecastAlertDay(
  db: Kysely<Database>,
  projectId: string,
  date: string,
  holder: string,
  now: number,
): Promise<boolean> {
  const dayEnd = Date.parse(`${date}T00:00:00Z`) + 24 * 60 * 60 * 1000;
  if (!Number.isFinite(dayEnd) || dayEnd <= now) return false;
  const result = await db
    .insertInto('leases')
    .values({ name: `forecast-alert:${projectId}`, holder, expires_at: dayEnd })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({ holder, expires_at: dayEnd }).where('leases.expires_at', '<=', now),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** How long an alert stays open without a score below its threshold (then no "resolved" is sent). */
const OPEN_ALERT_MS = 7 * 24 * 60 * 60 * 1000;

/** Marks that a threshold alert went out for the project, so its recovery sends "resolved" once. */
export async function markAlertOpen(
  db: Kysely<Database>,
  projectId: string,
  holder: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('leases')
    .values({ name: `alert-open:${projectId}`, holder, expires_at: now + OPEN_ALERT_MS })
    .onConflict((oc) => oc.column('name').doUpdateSet({ holder, expires_at: now + OPEN_ALERT_MS }))
    .execute();
}

/**
 * Closes the project's open alert; answers true for the one caller (of all replicas) that closed
 * it, which then sends "resolved". False when no alert was open (or it expired).
 */
export async function closeOpenAlert(db: Kysely<Database>, projectId: string, now: number): Promise<boolean> {
  const result = await db
    .deleteFrom('leases')
    .where('name', '=', `alert-open:${projectId}`)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows ?? 0) === 1;
}
