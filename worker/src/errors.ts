/**
 * Every error the worker answers, with a stable code and status (`{ error: { code, message, details? } }`,
 * the shape of `ErrorBody` in @cloudsage/schema). Codes are never reused. The README's errors table and
 * `test/errors-contract.test.ts` are kept in step with it (both ways).
 */

/** The worker's error codes and their HTTP status. */
export const ERROR_CODES = {
  unauthorized: 401,
  invalid_body: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  too_many_records: 413,
  not_found: 404,
  shutting_down: 503,
  internal: 500,
} as const;

/** A worker error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * An error with a code and status, turned into the JSON error body by the app's error handler.
 *
 * @example
 * throw new WorkerError('invalid_body', 'logs.3.level: Invalid option', { path: 'logs.3.level' });
 */
export class WorkerError extends Error {
  override name = 'WorkerError';
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.statusCode = ERROR_CODES[code];
  }
}
