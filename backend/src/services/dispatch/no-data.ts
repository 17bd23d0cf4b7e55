import { randomUUID } from 'node:crypto';
import type { RiskPoint } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/sql/database.js';
import { plural } from '../forecast/format.js';

/** The label of a point written for a project that went quiet. */
export const NO_DATA_LABEL = 'No Data';
/** The score of a No Data point: a service that stops logging is worth a look (the alert band starts at 60). */
export const NO_DATA_SCORE = 60;
/** Scored windows a project needs in the last day before its silence means anything. */
export const NO_DATA_MIN_HISTORY = 10;
/** Silences longer than this are a project retired, not an incident: no more points are written. */
const LOOKBACK_MS = 24 * 60 * 60 * 1000;
/** Scored windows the sender's cadence is read from. */
const CADENCE_SAMPLE = 20;

/** Settings of {@link sweepNoData}. */
export interface NoDataOptions {
  windowMs: number;
  /** A window is complete this long after it ends (the dispatcher's grace). */
  graceMs: number;
  /** Expected windows missed before the signal: `CLOUDSAGE_NO_DATA_WINDOWS`, 0 turns it off. */
  windows: number;
  now: number;
}

/** A project's silence as read from its stores. */
interface Silence {
  projectId: string;
  lastReceivedAt: number;
  cadenceMs: number;
}

const notNoData = `%"${NO_DATA_LABEL}"%`;

/**
 * The usual spacing of a project's scored windows: the median gap between its last ones (at
 * least one window), so a service that logs every ten minutes is not "silent" after two.
 */
function cadenceOf(windowStarts: number[], windowMs: number): number {
  const gaps: number[] = [];
  for (let i = 1; i < windowStarts.length; i++) gaps.push(windowStarts[i - 1]! - windowStarts[i]!);
  gaps.sort((a, b) => a - b);
  const median = gaps.length === 0 ? windowMs : gaps[Math.floor(gaps.length / 2)]!;
  return Math.max(windowMs, median);
}

async function silences(db: Kysely<Database>, o: NoDataOptions): Promise<Silence[]> {
  const since = o.now - LOOKBACK_MS;
  // Projects with enough real (not No Data) points in the last day; usually a handful of rows.
  const active = await db
    .selectFrom('risk_history')
    .select(['project_id', db.fn.countAll<number>().as('n')])
    .where('window_start', '>=', since)
    .where('labels', 'not like', notNoData)
    .groupBy('project_id')
    .having(db.fn.countAll(), '>=', NO_DATA_MIN_HISTORY)
    .execute();
  const out: Silence[] = [];
  for (const { project_id: projectId } of active) {
    // Silence is read from ingest, not from scores: scores lag when the worker is down.
    const last = await db
      .selectFrom('ingest_batches')
      .select((eb) => eb.fn.max('received_at').as('at'))
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    const lastReceivedAt = Number(last?.at ?? 0);
    if (lastReceivedAt === 0 || o.now - lastReceivedAt < o.windows * o.windowMs) continue;
    const recent = await db
      .selectFrom('risk_history')
      .select('window_start')
      .where('project_id', '=', projectId)
      .where('labels', 'not like', notNoData)
      .orderBy('window_start', 'desc')
      .limit(CADENCE_SAMPLE)
      .execute();
    const cadenceMs = cadenceOf(
      recent.map((r) => Number(r.window_start)),
      o.windowMs,
    );
    out.push({ projectId, lastReceivedAt, cadenceMs });
  }
  return out;
}

/**
 * Writes a "No Data" risk point for each project that usually sends (at least
 * {@link NO_DATA_MIN_HISTORY} scored windows in the last day) and has sent nothing for `windows`
 * of its usual intervals, at the latest complete window. Windows are cut by ingest time, so a
 * complete window can never receive a batch later: the point takes no real score's place. The
 * unique (project, window) makes replicas sweeping together write it once; only the writer
 * answers it, for events and alerts. A point per window while the silence lasts, up to a day.
 *
 * @example
 * for (const { projectId, point } of await sweepNoData(db, { windowMs, graceMs, windows: 5, now })) onScore(projectId, point);
 */
export async function sweepNoData(
  db: Kysely<Database>,
  o: NoDataOptions,
): Promise<Array<{ projectId: string; point: RiskPoint }>> {
  if (o.windows <= 0) return [];
  const latest = Math.floor((o.now - o.graceMs) / o.windowMs) * o.windowMs - o.windowMs;
  const written: Array<{ projectId: string; point: RiskPoint }> = [];
  for (const s of await silences(db, o)) {
    const quietMs = latest + o.windowMs - s.lastReceivedAt;
    const missed = Math.floor(quietMs / s.cadenceMs);
    if (missed < o.windows || o.now - s.lastReceivedAt > LOOKBACK_MS) continue;
    const minutes = Math.floor(quietMs / 60_000);
    const every = Math.round(s.cadenceMs / 60_000);
    const explanation = {
      label: NO_DATA_LABEL,
      signal: 'noData',
      message: `No records for ${plural(minutes, 'minute')}; this project usually sends every ${
        every <= 1 ? 'minute' : plural(every, 'minute')
      }`,
      value: minutes,
      contribution: NO_DATA_SCORE,
    };
    const point: RiskPoint = {
      id: `r_${randomUUID()}`,
      timestamp: new Date(latest).toISOString(),
      score: NO_DATA_SCORE,
      labels: [NO_DATA_LABEL],
      signals: { noDataMinutes: minutes },
      explanations: [explanation],
    };
    const inserted = await db
      .insertInto('risk_history')
      .values({
        id: point.id,
        project_id: s.projectId,
        window_start: latest,
        timestamp: latest,
        score: point.score,
        labels: JSON.stringify(point.labels),
        signals: JSON.stringify(point.signals),
        explanations: JSON.stringify(point.explanations),
        created_at: o.now,
      })
      .onConflict((oc) => oc.columns(['project_id', 'window_start']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) written.push({ projectId: s.projectId, point });
  }
  return written;
}
