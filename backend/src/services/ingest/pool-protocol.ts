import type { ErrorCode } from '../../errors.js';
import type { PreparedBatch, PrepareJob } from './prepare-batch.js';

/*
 * The messages between the ingest pool (main thread) and its worker threads.
 */

/** Main thread -> worker: start a body, a chunk of it, its end, or drop it. */
export type PoolRequest =
  | { type: 'start'; id: number; job: PrepareJob }
  | { type: 'chunk'; id: number; data: Uint8Array }
  | { type: 'end'; id: number }
  | { type: 'abort'; id: number };

/** Worker -> main thread: progress, the prepared batch, or the error to answer. */
export type PoolReply =
  | { type: 'consumed'; id: number; bytes: number }
  | { type: 'done'; id: number; prepared: PreparedBatch }
  | { type: 'failed'; id: number; error: { code: ErrorCode; message: string; details?: unknown } };

/**
 * Flow control: the main thread sends at most `WINDOW_BYTES` of a body ahead of what the worker
 * has decoded, and the worker reports progress every `ACK_BYTES`. A usual batch (tens of KiB)
 * fits in the window and costs no extra message; a gzip bomb is refused while most of it is
 * still unread on the socket.
 */
export const WINDOW_BYTES = 1024 * 1024;
export const ACK_BYTES = 256 * 1024;
