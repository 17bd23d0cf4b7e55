/** What to do with a batch whose request failed. */
export type IngestFailureAction =
  /** Too big for this server (configured below the defaults): send it in two halves. */
  | { kind: 'split'; message: string }
  /** Try the same batch again, after the server's `Retry-After` when it gave one. */
  | { kind: 'retry'; afterMs: number | undefined; message: string }
  /** This batch is refused; the next ones may still go. */
  | { kind: 'skip'; message: string }
  /** No later batch can succeed either (signed out, project gone): stop. */
  | { kind: 'stop'; message: string };

/** The parts of an `ApiError` (api/http.ts) the decision reads. */
interface FailureLike {
  status?: unknown;
  message?: unknown;
  retryAfterMs?: unknown;
}

/**
 * Classifies a failed ingest request by its status: 413 splits, 429/502/503/504, 409 (a twin
 * with the same Idempotency-Key still being written) and network failures retry, 401/403/404
 * stop, anything else skips the batch.
 *
 * @example
 * classifyIngestFailure(new ApiError(429, 'rate_limited', 'slow down', undefined, 2000)); // { kind: 'retry', afterMs: 2000, ... }
 */
export function classifyIngestFailure(err: unknown): IngestFailureAction {
  const e = (err ?? {}) as FailureLike;
  const status = typeof e.status === 'number' ? e.status : 0;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (status === 413) return { kind: 'split', message };
  if (status === 0 || status === 409 || status === 429 || status === 502 || status === 503 || status === 504) {
    const afterMs = typeof e.retryAfterMs === 'number' ? e.retryAfterMs : undefined;
    return { kind: 'retry', afterMs, message };
  }
  if (status === 401 || status === 403 || status === 404) return { kind: 'stop', message };
  return { kind: 'skip', message };
}

/** The wait before retry `attempt` (1-based) when the server named none: 1 s, doubling, at most 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** (attempt - 1));
}
