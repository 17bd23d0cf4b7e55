/**
 * Every error the client reports has a stable `code` from this table (never reused), an optional HTTP
 * `status`, and the class {@link CloudSageError}. The README's errors table and the test in
 * `test/errors-contract.test.ts` are kept in step with it (both ways).
 */
export const ERROR_CODES = Object.freeze({
  invalid_options: 'The options given to `new CloudSage()` are invalid (thrown by the constructor).',
  invalid_argument: 'A read API call was given an invalid argument (e.g. an empty forecast id).',
  no_endpoint: 'A read API call needs `endpoint` and `apiKey`, and none were configured.',
  no_project: 'No project id was given and the credential is not a project API key.',
  closed: 'The client was shut down.',
  network_error: 'The request did not reach the server or the connection broke.',
  timeout: 'The request took longer than `requestTimeoutMs`.',
  bad_request: 'The server answered 400.',
  unauthorized: 'The server answered 401: the API key is missing, wrong or revoked.',
  forbidden: 'The server answered 403, e.g. `insufficient_scope`.',
  not_found: 'The server answered 404: no such project or forecast for this credential.',
  conflict: 'The server answered 409.',
  payload_too_large: 'The server answered 413.',
  rate_limited: 'The server answered 429.',
  server_error: 'The server answered 5xx.',
  http_error: 'The server answered another non-2xx status.',
  invalid_response: 'The server answered 2xx with a body that does not match the schema.',
  buffer_overflow: 'Reported through `onError`: the buffer is full and records are being dropped.',
  record_oversize: 'Reported through `onError`: a record could not be truncated to the per-record limit.',
  before_send_failed: 'Reported through `onError`: `beforeSend` threw; the record was dropped.',
  batch_failed: 'Reported through `onError`: a batch was given up: the backend refused it for good (e.g. 400).',
  batch_expired:
    'Reported through `onError`: a batch was given up after retrying for `retry.maxAgeMs` (default 10 min).',
  ingest_unauthorized:
    'Reported through `onError`: the backend refused the API key for ingest (401/403); the batch is kept and retried.',
  project_not_found:
    'Reported through `onError`: the backend knows no such project for this key (404); the batch is kept and retried.',
  endpoint_not_cloudsage:
    'Reported through `onError`: the endpoint answered 404 without a CloudSage error: it is not a CloudSage backend.',
  unstorable_value:
    'Reported through `onError`: the backend can never store a value in the batch (422); it was dropped.',
  internal_error: 'Reported through `onError`: an unexpected error inside the client; the host is unharmed.',
  spool_corrupt: 'Reported through `onError`: a spooled segment failed its checksum or was truncated; it was skipped.',
  spool_overflow:
    'Reported through `onError`: the spool hit `spool.maxBytes`; the oldest segments (or the new batch) were dropped.',
  spool_expired: 'Reported through `onError`: spooled segments older than `spool.maxAgeMs` were deleted unsent.',
  spool_io: 'Reported through `onError`: the spool directory could not be read or written.',
} as const);

/** A stable error code; see {@link ERROR_CODES}. */
export type CloudSageErrorCode = keyof typeof ERROR_CODES;

/** Extra facts carried by a {@link CloudSageError}. */
export interface CloudSageErrorInit {
  status?: number;
  /** The backend's own `error.code` (e.g. `insufficient_scope`), when it sent one. */
  serverCode?: string;
  details?: unknown;
  cause?: unknown;
}

/**
 * The one error class of `@cloudsage/node`: read API calls reject with it, the constructor throws it for
 * bad options, and `onError` receives it for background problems.
 *
 * @example
 * try {
 *   await client.getForecast();
 * } catch (err) {
 *   if (err instanceof CloudSageError && err.code === 'not_found') console.warn('no forecast yet');
 * }
 */
export class CloudSageError extends Error {
  override readonly name = 'CloudSageError';
  readonly code: CloudSageErrorCode;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;
  readonly details: unknown;

  constructor(code: CloudSageErrorCode, message: string, init: CloudSageErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status;
    this.serverCode = init.serverCode;
    this.details = init.details;
  }
}

/**
 * The error code for a non-2xx HTTP status.
 *
 * @example
 * codeForStatus(404); // 'not_found'
 */
export function codeForStatus(status: number): CloudSageErrorCode {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'server_error' : 'http_error';
  }
}
