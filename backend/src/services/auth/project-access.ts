import type { KeyScope } from '@cloudsage/schema';
import type { Kysely, Selectable } from 'kysely';
import { AppError, notFound } from '../../errors.js';
import type { Identity } from '../../identity.js';
import type { Database, ProjectsTable } from '../../store/sql/database.js';

// Our ids are short printable ASCII (`p_` + base64url); nothing else can name a row, and a NUL
// would make PostgreSQL fail the query instead of finding nothing.
const PLAUSIBLE_ID = /^[\x21-\x7e]{1,128}$/;

/** Whether a client-given id could be one of ours; callers answer 404 when not. */
export function isPlausibleId(id: string): boolean {
  return PLAUSIBLE_ID.test(id);
}

/** What a route needs on a project: a key scope, or `manage` (the owning user only). */
export type ProjectNeed = KeyScope | 'manage';

/**
 * Checks that the caller may act on the project and answers its row. A project that is not the
 * caller's answers 404 exactly like a missing one; a key on its own project without the scope
 * answers 403 `insufficient_scope` (docs/architecture.md, "Contract details").
 *
 * @example
 * const project = await authorizeProject(db, request.identity, params.id, 'read');
 */
export async function authorizeProject(
  db: Kysely<Database>,
  identity: Identity | null,
  projectId: string,
  need: ProjectNeed,
): Promise<Selectable<ProjectsTable>> {
  if (!identity) throw new AppError('unauthorized');
  if (!isPlausibleId(projectId)) throw notFound('project');
  if (identity.kind === 'key') {
    if (identity.projectId !== projectId) throw notFound('project');
    if (need === 'manage' || !identity.scopes.includes(need)) {
      throw new AppError('insufficient_scope', `this API key lacks the ${need === 'manage' ? 'owner' : need} scope`);
    }
  }
  let query = db.selectFrom('projects').selectAll().where('id', '=', projectId);
  if (identity.kind === 'user') query = query.where('user_id', '=', identity.userId);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('project');
  return row;
}
