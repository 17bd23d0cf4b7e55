import type { Kysely } from 'kysely';
import { AppError, notFound } from '../../errors.js';
import type { Identity } from '../../identity.js';
import type { Database } from '../../store/sql/database.js';
import { authorizeProject } from '../auth/project-access.js';

/**
 * The project an ingest request names before its body is read: `?projectId=` or the
 * `X-CloudSage-Project` header (they must agree), else the key's own project.
 */
export function projectHint(
  identity: Identity | null,
  fromQuery: string | undefined,
  fromHeader: string | undefined,
): string | undefined {
  if (fromQuery !== undefined && fromHeader !== undefined && fromQuery !== fromHeader) {
    throw new AppError('invalid_query', '?projectId and X-CloudSage-Project name different projects', {
      details: { field: 'projectId' },
    });
  }
  const named = fromQuery ?? fromHeader;
  if (named !== undefined && identity?.kind === 'key' && named !== identity.projectId) throw notFound('project');
  return named ?? (identity?.kind === 'key' ? identity.projectId : undefined);
}

/**
 * Settles the project of an ingest request once the envelope (if any) is read, and checks that
 * the caller may ingest into it (docs/architecture.md, "Contract details"): a key only into its own project
 * (404 otherwise, 403 without the `ingest` scope); a user must name one of their projects.
 *
 * @example
 * const projectId = await resolveIngestProject(db, identity, hint, envelope.projectId);
 */
export async function resolveIngestProject(
  db: Kysely<Database>,
  identity: Identity | null,
  hint: string | undefined,
  fromEnvelope: string | undefined,
): Promise<string> {
  if (!identity) throw new AppError('unauthorized');
  if (fromEnvelope !== undefined && hint !== undefined && fromEnvelope !== hint) {
    if (identity.kind === 'key') throw notFound('project');
    throw new AppError('invalid_body', 'the envelope names a different project than the request', {
      details: { field: 'projectId' },
    });
  }
  const projectId = hint ?? fromEnvelope;
  if (projectId === undefined) throw new AppError('project_required');
  await authorizeProject(db, identity, projectId, 'ingest');
  return projectId;
}
