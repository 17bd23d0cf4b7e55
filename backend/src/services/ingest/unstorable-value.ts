/**
 * Whether a failed commit was refused for a value in the batch rather than for the store's state:
 * PostgreSQL's SQLSTATE class 22 ("data exception": a float8 overflow is 22003) or SQLite's
 * "too big" and type mismatches. Retrying such a batch fails the same way for ever, so it answers
 * 422 `unstorable_value` (which the SDK drops, with its own warning) instead of 503 with
 * Retry-After, and says nothing about the store's health (`/readyz` probes the store itself).
 */
export function isUnstorableValue(err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== 'string') return false;
  return /^22[0-9A-Z]{3}$/.test(code) || code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH';
}
