import { randomBytes } from 'node:crypto';
import { API_KEY_PREFIX, type ApiKey, type CreatedApiKey, type KeyScope } from '@cloudsage/schema';
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../../errors.js';
import type { ApiKeysTable, Database } from '../../store/sql/database.js';
import { hashApiKey, parseScopes } from './api-key-lookup.js';
import { isPlausibleId } from './project-access.js';

/** Characters of a key kept in clear (`csk_` and 8 more) so a user can tell keys apart. */
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: parseScopes(row.scopes),
    prefix: row.prefix,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
  };
}

/**
 * Creates a key for a project: `csk_` + 256 random bits (base64url). Only its SHA-256 is stored,
 * so the answer is the one time the key can be seen.
 *
 * @example
 * const created = await createApiKey(db, projectId, { name: 'prod', scopes: ['ingest'] }, Date.now());
 */
export async function createApiKey(
  db: Kysely<Database>,
  projectId: string,
  request: { name: string; scopes: KeyScope[] },
  now: number,
): Promise<CreatedApiKey> {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const scopes = [...new Set(request.scopes)].sort();
  const row: Selectable<ApiKeysTable> = {
    id: `k_${randomBytes(12).toString('base64url')}`,
    project_id: projectId,
    name: request.name,
    prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
    key_hash: hashApiKey(key),
    scopes: scopes.join(','),
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { ...toApiKey(row), key };
}

/** A project's keys that still work, newest first; revoked keys are not listed. */
export async function listApiKeys(db: Kysely<Database>, projectId: string): Promise<ApiKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toApiKey);
}

/**
 * Revokes a key of the project; from the next request on it answers 401. Revoking a revoked key
 * again succeeds (DELETE is idempotent); a key of another project answers 404.
 */
export async function revokeApiKey(db: Kysely<Database>, projectId: string, keyId: string, now: number): Promise<void> {
  if (!isPlausibleId(keyId)) throw notFound('key');
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'revoked_at'])
    .where('id', '=', keyId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (!row) throw notFound('key');
  if (row.revoked_at === null) {
    await db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', keyId).execute();
  }
}
