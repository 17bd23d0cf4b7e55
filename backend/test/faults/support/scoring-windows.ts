import { openSql } from '../../../src/store/sql/open-sql.js';
import type { StoreLocation } from './stored-records.js';

/** Scoring state of one project, read from its SQL store (safe while the backend runs). */
export interface WindowState {
  /** Window starts that hold ingested batches. */
  expected: number[];
  /** How many risk_history rows each scored window has. */
  scored: Map<number, number>;
  /** Jobs not done yet. */
  open: number;
  /** The last errors the open jobs carry (e.g. "worker unreachable"). */
  errors: string[];
  /** Jobs running right now. */
  running: number;
}

/** Reads which windows have data, which are scored, and how the outbox stands. */
export async function readWindows(at: StoreLocation, projectId: string, windowMs: number): Promise<WindowState> {
  const sql = await openSql({ dataDir: at.dataDir, databaseUrl: at.databaseUrl, poolSize: 1 });
  try {
    const batches = await sql.db
      .selectFrom('ingest_batches')
      .select('received_at')
      .where('project_id', '=', projectId)
      .where('records', '>', 0)
      .execute();
    const expected = [...new Set(batches.map((b) => Math.floor(Number(b.received_at) / windowMs) * windowMs))];
    const history = await sql.db
      .selectFrom('risk_history')
      .select('window_start')
      .where('project_id', '=', projectId)
      .execute();
    const scored = new Map<number, number>();
    for (const h of history) scored.set(Number(h.window_start), (scored.get(Number(h.window_start)) ?? 0) + 1);
    const jobs = await sql.db
      .selectFrom('scoring_jobs')
      .select(['status', 'last_error'])
      .where('project_id', '=', projectId)
      .where('status', '<>', 'done')
      .execute();
    return {
      expected: expected.sort((a, b) => a - b),
      scored,
      open: jobs.length,
      running: jobs.filter((j) => j.status === 'running').length,
      errors: jobs.map((j) => j.last_error).filter((e): e is string => !!e),
    };
  } finally {
    await sql.close();
  }
}
