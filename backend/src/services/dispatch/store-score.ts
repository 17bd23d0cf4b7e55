import { randomUUID } from 'node:crypto';
import type { RiskPoint, ScoreResponse } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import type { Memory } from '../../store/memory.js';
import type { Database } from '../../store/sql/database.js';

/** Memory key of a project's baseline. */
export const BASELINE_KEY = 'baseline';

/**
 * Writes a window's score into risk_history and the updated baseline into Memory, in one
 * transaction. The unique (project_id, window_start) makes a second write of the same window a
 * no-op, so a job re-run after a crash can never score a window twice; the baseline is only
 * advanced together with a newly written point. Answers the point, or undefined if it existed.
 */
export async function storeScore(
  db: Kysely<Database>,
  memory: Memory,
  projectId: string,
  windowStart: number,
  result: ScoreResponse,
  now: number,
): Promise<RiskPoint | undefined> {
  const id = `r_${randomUUID()}`;
  const timestamp = Date.parse(result.timestamp);
  return db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('risk_history')
      .values({
        id,
        project_id: projectId,
        window_start: windowStart,
        timestamp: Number.isFinite(timestamp) ? timestamp : windowStart,
        score: result.score,
        labels: JSON.stringify(result.labels),
        signals: JSON.stringify(result.signals),
        explanations: JSON.stringify(result.explanations),
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['project_id', 'window_start']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return undefined;
    if (result.baseline) await memory.put(projectId, BASELINE_KEY, result.baseline, tx);
    return {
      id,
      timestamp: new Date(Number.isFinite(timestamp) ? timestamp : windowStart).toISOString(),
      score: result.score,
      labels: result.labels,
      signals: result.signals,
      explanations: result.explanations,
    };
  });
}
