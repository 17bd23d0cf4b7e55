import { randomBytes } from 'node:crypto';
import type { Project, Trend } from '@cloudsage/schema';
import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../../errors.js';
import type { Identity } from '../../identity.js';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { Database, ProjectsTable } from '../../store/sql/database.js';
import { type ScoringState, scoringState } from '../dispatch/parked-windows.js';

/** Points compared for a list item's trend: the newest half against the older half. */
const TREND_POINTS = 6;
/** A mean change under this many score points reads as flat, so jitter is not called a trend. */
const TREND_DEADBAND = 5;

/** A new project id: 128 random bits, url-safe, so ids cannot be guessed or enumerated. */
export function newProjectId(): string {
  return `p_${randomBytes(16).toString('base64url')}`;
}

// Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and the LRM/RLM marks: in a
// name they only serve to make it render as something else ("‮gnp.exe" shows as "exe.png").
const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** A project name as saved: bidi control characters removed, then trimmed; 400 when nothing is left. */
export function cleanProjectName(name: string): string {
  const clean = name.replace(BIDI_CONTROLS, '').trim();
  if (!clean)
    throw new AppError('invalid_body', 'name: must hold more than bidi control characters', {
      details: { field: 'name' },
    });
  return clean;
}

/** The API shape of a project row. */
export function toProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    alert:
      row.alert_url !== null && row.alert_threshold !== null
        ? { url: row.alert_url, threshold: row.alert_threshold }
        : null,
  };
}

/** One project as `GET /api/projects/:id` answers it: with how its scoring stands. */
export type ProjectDetail = Project & { scoring: ScoringState };

/** The API shape of one project with its scoring state (parked windows). */
export async function projectDetail(db: Kysely<Database>, row: Selectable<ProjectsTable>): Promise<ProjectDetail> {
  return { ...toProject(row), scoring: await scoringState(db, row.id) };
}

/**
 * The latest score and its direction from the newest risk points (newest first): `up` or `down`
 * when the newer half's mean moved by more than `TREND_DEADBAND`; null without enough points.
 */
export function summarizeScores(newestFirst: readonly number[]): { latestScore: number | null; trend: Trend | null } {
  const latestScore = newestFirst[0] ?? null;
  if (newestFirst.length < 2) return { latestScore, trend: null };
  const half = Math.floor(newestFirst.length / 2);
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const delta = mean(newestFirst.slice(0, half)) - mean(newestFirst.slice(half));
  const trend: Trend = delta > TREND_DEADBAND ? 'up' : delta < -TREND_DEADBAND ? 'down' : 'flat';
  return { latestScore, trend };
}

async function withScores(db: Kysely<Database>, row: Selectable<ProjectsTable>): Promise<Project> {
  const points = await db
    .selectFrom('risk_history')
    .select('score')
    .where('project_id', '=', row.id)
    .orderBy('timestamp', 'desc')
    .limit(TREND_POINTS)
    .execute();
  return { ...toProject(row), ...summarizeScores(points.map((p) => p.score)) };
}

/**
 * The projects a caller may see, newest first, each with `latestScore` and `trend`: a user's own,
 * or a key's one project (docs/architecture.md, "Keys in the read API").
 */
export async function listProjects(db: Kysely<Database>, identity: Identity): Promise<Project[]> {
  let query = db.selectFrom('projects').selectAll();
  query =
    identity.kind === 'user'
      ? query.where('user_id', '=', identity.userId)
      : query.where('id', '=', identity.projectId);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
  return Promise.all(rows.map((row) => withScores(db, row)));
}

/** Creates a project owned by the user. */
export async function createProject(db: Kysely<Database>, userId: string, name: string, now: number): Promise<Project> {
  const row = {
    id: newProjectId(),
    user_id: userId,
    name: cleanProjectName(name),
    alert_url: null,
    alert_threshold: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('projects').values(row).execute();
  return toProject(row);
}

/** Renames a project and sets or clears (`alert: null`) its webhook; absent fields stay as they are. */
export async function updateProject(
  db: Kysely<Database>,
  row: Selectable<ProjectsTable>,
  change: { name?: string | undefined; alert?: { url: string; threshold: number } | null | undefined },
  now: number,
): Promise<Project> {
  const next = { ...row, updated_at: now };
  if (change.name !== undefined) next.name = cleanProjectName(change.name);
  if (change.alert !== undefined) {
    next.alert_url = change.alert?.url ?? null;
    next.alert_threshold = change.alert?.threshold ?? null;
  }
  await db
    .updateTable('projects')
    .set({
      name: next.name,
      alert_url: next.alert_url,
      alert_threshold: next.alert_threshold,
      updated_at: now,
    })
    .where('id', '=', row.id)
    .execute();
  return withScores(db, next);
}

// Children first, so the delete also holds where foreign keys are not enforced.
const PROJECT_TABLES = [
  'forecast_feedback',
  'forecasts',
  'risk_history',
  'scoring_jobs',
  'minute_metrics',
  'ingest_batches',
  'memory',
  'api_keys',
] as const;

/**
 * Deletes a project with every row that belongs to it (one transaction), then its bucket objects.
 * SQL goes first, so a failed bucket sweep never leaves a project whose logs are half gone; an
 * ingest already in flight may still write one object, but its batch row then fails on the
 * foreign key, so nothing can read that object. A sweep that fails is reported to `onSweepError`
 * (the delete itself has happened and is not undone), or thrown when no handler is given.
 */
export async function deleteProject(
  db: Kysely<Database>,
  bucket: Bucket,
  projectId: string,
  onSweepError?: (err: unknown, prefix: string) => void,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of PROJECT_TABLES) await trx.deleteFrom(table).where('project_id', '=', projectId).execute();
    await trx.deleteFrom('projects').where('id', '=', projectId).execute();
  });
  for (const prefix of [`logs/${projectId}/`, `forecasts/${projectId}/`]) {
    try {
      await bucket.deletePrefix(prefix);
    } catch (err) {
      if (!onSweepError) throw err;
      onSweepError(err, prefix);
    }
  }
}
