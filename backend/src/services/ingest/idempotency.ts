import { IngestResponse, LIMITS } from '@cloudsage/schema';
import { type Kysely, sql } from 'kysely';
import { AppError } from '../../errors.js';
import type { Database } from '../../store/sql/database.js';

// Printable ASCII without spaces at the ends: what HTTP clients put in such headers.
const KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

/** How long a claim on a key lasts if its holder dies mid-request: past the request deadline. */
export const CLAIM_TTL_MS = 120_000;

/**
 * Validates an `Idempotency-Key` header: at most 200 printable characters.
 *
 * @example
 * parseIdempotencyKey('batch-1732530000-7'); // 'batch-1732530000-7'
 */
export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || !KEY_PATTERN.test(value)) {
    throw new AppError('invalid_header', 'Idempotency-Key must be 1-200 printable ASCII characters', {
      details: { header: 'idempotency-key' },
    });
  }
  return value;
}

/**
 * The stored 202 body of an earlier batch with this key, if it was received after `cutoff`.
 *
 * @example
 * const replay = await findReplay(db, projectId, key, now - LIMITS.idempotencyWindowMs);
 */
export async function findReplay(
  db: Kysely<Database>,
  projectId: string,
  key: string,
  cutoff: number,
): Promise<IngestResponse | undefined> {
  const row = await db
    .selectFrom('ingest_batches')
    .select(['response'])
    .where('project_id', '=', projectId)
    .where('idempotency_key', '=', key)
    .where('received_at', '>=', cutoff)
    .executeTakeFirst();
  return row ? IngestResponse.parse(JSON.parse(row.response)) : undefined;
}

function claimName(projectId: string, key: string): string {
  return `ingest-idem:${projectId}:${key}`;
}

/**
 * Claims a key for one in-flight request (a row in `leases`, shared by replicas), so that of two
 * concurrent requests with the same key only one writes an object and a batch. Answers false when
 * another live request holds it; an expired claim (its holder died) is taken over.
 */
export async function claimKey(
  db: Kysely<Database>,
  projectId: string,
  key: string,
  holder: string,
  now: number,
): Promise<boolean> {
  const result = await sql<{ holder: string }>`
    insert into leases (name, holder, expires_at) values (${claimName(projectId, key)}, ${holder}, ${now + CLAIM_TTL_MS})
    on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
     where leases.expires_at < ${now}
    returning holder`.execute(db);
  return result.rows[0]?.holder === holder;
}

/** Releases a claim taken by `holder` (best effort: an unreleased claim simply expires). */
export async function releaseKey(db: Kysely<Database>, projectId: string, key: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', claimName(projectId, key)).where('holder', '=', holder).execute();
}

/** How far back a replay is honoured. */
export const IDEMPOTENCY_WINDOW_MS = LIMITS.idempotencyWindowMs;
