/**
 * The HTTP names of the ingest contract, written once: the SDK and the agent send them, the backend
 * reads them. Header names are lower case, as Node's `IncomingMessage.headers` keys them.
 */

/** Drop counts since the previous batch: `overflow=N,oversize=N,before_send=N`. */
export const DROPPED_HEADER = 'x-cloudsage-dropped';
/** Names the project a batch goes to, where the body does not (`?projectId=` does the same). */
export const PROJECT_HEADER = 'x-cloudsage-project';
/** Carries an API key wherever `Authorization: Bearer` does (OTLP exporters set custom headers). */
export const API_KEY_HEADER = 'x-cloudsage-key';
/** Makes a retried batch count once (kept 24 h by the backend). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Where batches are posted, below the endpoint's origin. */
export const INGEST_PATH = '/api/ingest';

/**
 * The stored form of a scoring window on the worker's `POST /score`: NDJSON (optionally with
 * `Content-Encoding: gzip`, one or more gzip members) whose first line is the request without `logs`
 * (`{ projectId, metadata }`) and whose every later line is one record, exactly as batch objects
 * store them, so the dispatcher can forward stored bytes and the worker validate while it reads.
 */
export const SCORE_NDJSON_CONTENT_TYPE = 'application/x-ndjson';
/**
 * Response header naming the media types a route takes in a POST (W3C Linked Data Platform 1.0,
 * section 7.1); the worker's `/score` answers carry it, so a dispatcher learns that the worker takes the
 * stored form before sending it, and an older worker, which never names it, keeps receiving JSON.
 */
export const ACCEPT_POST_HEADER = 'accept-post';
