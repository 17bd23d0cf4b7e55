/**
 * Limits shared by the SDK and the backend (docs/architecture.md, "HTTP API"). The backend may be
 * configured lower or higher; these are the defaults both sides assume.
 */
export const LIMITS = Object.freeze({
  /** Largest compressed request body. */
  maxBodyBytes: 5 * 1024 * 1024,
  /** Largest body after decompression, checked while streaming. */
  maxInflatedBytes: 50 * 1024 * 1024,
  /** Most records in one batch; more answers 413. */
  maxBatchRecords: 10_000,
  /** Largest serialized record; longer messages are truncated and flagged. */
  maxRecordBytes: 256 * 1024,
  /** Most error entries echoed back in an ingest response. */
  maxReportedErrors: 100,
  /** How long an Idempotency-Key is remembered. */
  idempotencyWindowMs: 24 * 60 * 60 * 1000,
});

/** Attribute set on a record whose message or fields were cut to fit `maxRecordBytes`. */
export const TRUNCATED_ATTRIBUTE = 'cloudsage.truncated';
