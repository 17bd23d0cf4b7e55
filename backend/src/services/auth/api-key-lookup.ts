import { createHash } from 'node:crypto';
import { API_KEY_PREFIX, KeyScope } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import type { Identity } from '../../identity.js';
import type { Database } from '../../store/sql/database.js';

/** `last_used_at` is written at most this often per key, so a busy key costs one read a request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** SHA-256 hex of a key: keys are 256-bit random, so a fast unsalted hash is enough to store. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** True when the string looks like one of our keys (so the auth plugin knows which path to take). */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX);
}

/**
 * Resolves a presented key to its identity, or undefined when it is unknown or revoked. Touches
 * `last_used_at` only when the stored value is older than `LAST_USED_RESOLUTION_MS`; the
 * condition lives in the UPDATE itself, so replicas racing on one key write it once.
 */
export async function resolveApiKey(
  db: Kysely<Database>,
  key: string,
  now: number,
): Promise<Extract<Identity, { kind: 'key' }> | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'project_id', 'scopes', 'revoked_at', 'last_used_at'])
    .where('key_hash', '=', hashApiKey(key))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return undefined;
  if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
    const stale = now - LAST_USED_RESOLUTION_MS;
    await db
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', stale)]))
      .execute();
  }
  return { kind: 'key', keyId: row.id, projectId: row.project_id, scopes: parseScopes(row.scopes) };
}

/** Scopes are stored comma-separated; anything unknown is dropped rather than trusted. */
export function parseScopes(stored: string): KeyScope[] {
  return stored.split(',').flatMap((s) => {
    const parsed = KeyScope.safeParse(s.trim());
    return parsed.success ? [parsed.data] : [];
  });
}
