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
