import { IngestResponse, LIMITS } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors.js';
import type { Database } from '../../store/sql/database.js';

// Printable ASCII without spaces at the ends: what HTTP clients put in such headers.
const KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

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

/** How far back a replay is honoured. */
export const IDEMPOTENCY_WINDOW_MS = LIMITS.idempotencyWindowMs;
