import type { RiskPoint } from '@cloudsage/schema';
import type { Kysely, Selectable } from 'kysely';
import type { Database, RiskHistoryTable } from './sql/database.js';

const DAY_MS = 86_400_000;

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The API shape of a risk_history row (its JSON columns parsed). */
export function toRiskPoint(row: Selectable<RiskHistoryTable>): RiskPoint {
  return {
    id: row.id,
    timestamp: new Date(row.timestamp).toISOString(),
    score: row.score,
    labels: parseJson(row.labels, []),
    signals: parseJson(row.signals, {}),
    explanations: parseJson(row.explanations, []),
  };
}

/**
 * A project's risk points of the last `days` days, oldest first.
 *
 * @example
 * const points = await riskHistory(db, projectId, 30, Date.now());
 */
export async function riskHistory(
  db: Kysely<Database>,
  projectId: string,
  days: number,
  now: number,
): Promise<RiskPoint[]> {
  const rows = await db
    .selectFrom('risk_history')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('timestamp', '>=', now - days * DAY_MS)
    .orderBy('timestamp', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map(toRiskPoint);
}
