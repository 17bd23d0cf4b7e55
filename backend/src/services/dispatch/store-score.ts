import { randomUUID } from 'node:crypto';
import type { RiskPoint, ScoreResponse } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import type { Memory } from '../../store/memory.js';
import type { Database } from '../../store/sql/database.js';

/** Memory key of a project's baseline. */
export const BASELINE_KEY = 'baseline';

/**
 * Told of each newly stored risk point, after its transaction committed (the forecast regenerates
 * from it). It runs in the background: storeScore does not wait for it, so a slow forecast (an LLM
 * call) never holds up scoring. It must handle its own errors; a rejection is dropped.
 */
export type ScoreStoredListener = (projectId: string, point: RiskPoint) => void | Promise<void>;

// Module-wide: the dispatcher calls storeScore with its own database handle, the app's plugins hold
// an instrumented copy of it, so there is no shared object to hang the listeners on. A listener
// checks the project is in its own store (tests run several apps in one process).
const listeners = new Set<ScoreStoredListener>();
const running = new Set<Promise<void>>();

/**
 * Registers a listener for newly stored scores; answers a function that removes it.
 *
 * @example
 * const off = onScoreStored((projectId, point) => refresher.onScore(projectId, point));
 * app.addHook('onClose', async () => off());
 */
export function onScoreStored(listener: ScoreStoredListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Resolves once every listener call started so far has settled (shutdown, tests). */
export async function scoreListenersSettled(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running]);
}

/**
 * Tells the listeners of a risk point written without storeScore (the No Data sweep writes its own
 * rows), so the forecast hears of it like of any score. storeScore calls it for its own points.
 *
 * @example
 * for (const { projectId, point } of written) announceStoredScore(projectId, point);
 */
export function announceStoredScore(projectId: string, point: RiskPoint): void {
  for (const listener of listeners) {
    const call = Promise.resolve()
      .then(() => listener(projectId, point))
      .catch(() => {});
    running.add(call);
    void call.finally(() => running.delete(call));
  }
}

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
  const point = await db.transaction().execute(async (tx): Promise<RiskPoint | undefined> => {
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
  if (point) announceStoredScore(projectId, point);
  return point;
}
