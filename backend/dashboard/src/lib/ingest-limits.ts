/**
 * The ingest limits the dashboard splits a paste or file under. They mirror `LIMITS` in
 * packages/schema/src/limits.ts, the defaults the backend enforces (CLOUDSAGE_MAX_* may change
 * them per server): a value import of the schema would pull zod into the bundle, so they are
 * copied here and backend/test/dashboard/ingest-batches.test.ts keeps the two in step. A server
 * configured lower answers 413, and the sender then halves the batch (ingest-send.ts).
 */
export const INGEST_LIMITS = Object.freeze({
  /** Most records in one request (`LIMITS.maxBatchRecords`). */
  maxBatchRecords: 10_000,
  /** Largest request body as sent (`LIMITS.maxBodyBytes`); a batch's uncompressed lines stay under it. */
  maxBodyBytes: 5 * 1024 * 1024,
  /** Most rejections one answer lists (`LIMITS.maxReportedErrors`); the rest are only counted. */
  maxReportedErrors: 100,
});

/** Largest paste or file the panel takes: the API's decompressed-body limit (`LIMITS.maxInflatedBytes`). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
