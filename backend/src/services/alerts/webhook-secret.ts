import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sqlMemory } from '../../store/memory.js';
import type { Database } from '../../store/sql/database.js';
import { alertSecret } from './signature.js';

/**
 * Where a project's webhook secret lives: the per-project `memory` table, so it is deleted with
 * the project and needs no migration. Stored as-is, not encrypted: signing needs the secret
 * itself, so any key to decrypt it would sit in the same process (and, on SQLite, the same data
 * directory); a stolen secret forges alerts to that one receiver, and the owner can rotate it.
 */
const MEMORY_KEY = 'alert.webhook-secret';

/** A new webhook secret: `whsec_` and 256 random bits. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Generates and stores a new secret for the project (replacing any), and answers it to show once. */
export async function rotateWebhookSecret(db: Kysely<Database>, projectId: string, now: number): Promise<string> {
  const secret = newWebhookSecret();
  await sqlMemory(db, () => now).put(projectId, MEMORY_KEY, secret);
  return secret;
}

/** Whether the project has a stored secret (one was generated since secrets became per project). */
export async function hasWebhookSecret(db: Kysely<Database>, projectId: string): Promise<boolean> {
  return typeof (await sqlMemory(db, Date.now).get<string>(projectId, MEMORY_KEY)) === 'string';
}

/** Forgets the project's secret (its alert was removed); the next alert set gets a new one. */
export async function dropWebhookSecret(db: Kysely<Database>, projectId: string): Promise<void> {
  await db.deleteFrom('memory').where('project_id', '=', projectId).where('key', '=', MEMORY_KEY).execute();
}

/**
 * The secret deliveries are signed with: the stored one, or for a project whose alert was set
 * before secrets were stored, the one derived from the server secret as before, so its
 * deliveries keep their signatures until the owner sets the alert again or rotates.
 */
export async function webhookSecretFor(db: Kysely<Database>, serverSecret: string, projectId: string): Promise<string> {
  const stored = await sqlMemory(db, Date.now).get<string>(projectId, MEMORY_KEY);
  return typeof stored === 'string' ? stored : alertSecret(serverSecret, projectId);
}
