/**
 * Every error the API answers, with a stable code and status (STYLE habit 8). Codes are never
 * reused; `test/errors.test.ts` keeps this table, the docs and the handler in step.
 */
export const ERROR_CODES = {
  invalid_body: { status: 400, message: 'The request body is invalid.' },
  invalid_query: { status: 400, message: 'A query parameter is invalid.' },
  invalid_header: { status: 400, message: 'A header is invalid.' },
  project_required: { status: 400, message: 'Name the project with ?projectId, X-CloudSage-Project or the envelope.' },
  weak_password: { status: 400, message: 'The password is too short.' },
  unauthorized: { status: 401, message: 'Authentication is required.' },
  invalid_credentials: { status: 401, message: 'Email or password is wrong.' },
  invalid_token: { status: 401, message: 'The token is invalid, expired or revoked.' },
  invalid_key: { status: 401, message: 'The API key is invalid or revoked.' },
  csrf_failed: { status: 403, message: 'The CSRF token is missing or wrong.' },
  insufficient_scope: { status: 403, message: 'The API key lacks the scope this needs.' },
  not_found: { status: 404, message: 'Not found.' },
  email_taken: { status: 409, message: 'An account with this email exists.' },
  idempotency_conflict: { status: 409, message: 'This Idempotency-Key is being used by a request in flight.' },
  payload_too_large: { status: 413, message: 'The body is too large.' },
  too_many_records: { status: 413, message: 'The batch has too many records.' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type or encoding.' },
  unstorable_value: { status: 422, message: 'The batch holds a value the store cannot keep; do not retry it.' },
  rate_limited: { status: 429, message: 'Too many requests; retry after the given time.' },
  too_many_streams: { status: 429, message: 'Too many open event streams; close one or retry after the given time.' },
  daily_quota_exceeded: {
    status: 429,
    message: "The project's daily ingest quota is used up; retry the next UTC day.",
  },
  internal: { status: 500, message: 'Internal error.' },
  store_unavailable: { status: 503, message: 'A store is unavailable; retry after the given time.' },
  search_budget_exceeded: {
    status: 503,
    message: 'This logs page cannot be answered within the scan budget: its batches overlap too much.',
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error the API answers as `{ error: { code, message, details? } }` with its status. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Seconds for a `Retry-After` header (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { details?: unknown; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }
}

/** The 404 every foreign or missing resource answers, so existence never leaks. */
export function notFound(what = 'resource'): AppError {
  return new AppError('not_found', `${what} not found`);
}
