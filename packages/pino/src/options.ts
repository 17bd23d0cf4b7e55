import { type CloudSageOptions, withBurstBufferDefaults } from '@cloudsage/node';
import { z } from 'zod';
import { invalidOptions } from './errors.js';

/**
 * Options of the pino transport: every `CloudSageOptions` field (validated by `@cloudsage/node`), plus
 * `shutdownTimeoutMs`. In `pino.transport()` the options cross into a worker thread, so only plain data
 * travels: functions such as `beforeSend`, `onError` or `fetch` work only with {@link createStream}.
 *
 * @example
 * const options: CloudSagePinoOptions = { endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY! };
 */
export interface CloudSagePinoOptions extends CloudSageOptions {
  /**
   * Deadline of the final flush when the stream closes. Default 8 s: below the 10 s that pino's
   * thread-stream waits for a worker at exit, so the flush ends before pino gives up on it.
   */
  shutdownTimeoutMs?: number;
}

const Schema = z.looseObject({
  shutdownTimeoutMs: z.number().int().min(0).max(600_000).default(8000),
});

/**
 * The transport's default `batch.maxRecords`, ten times the client's 1,000 (the API's most per request):
 * pino hands over bursts of small lines, and fewer, larger requests cost both sides less CPU. At 1,000 a
 * 300,000-line burst took 300 requests; at 5,000 (with 1 MiB) 60 (`bench:peers` what-if runs: the app's
 * CPU 3.7-4.9 s against 3.4 s, the decoding sink 1.3-1.6 s against 1.0-1.1 s); at 10,000 with
 * {@link DEFAULT_BATCH_BYTES} 30 (5 interleaved rounds against the bare forward with gzip: median 1.08x
 * against 1.09-1.13x at 5,000, app CPU 1.34 s against 1.39 s, sink CPU 0.44 s against 0.47-0.50 s).
 * It is the schema's `LIMITS.maxBatchRecords` (a test holds them equal; the schema is no runtime
 * dependency of this package).
 */
export const DEFAULT_BATCH_RECORDS = 10_000;
/** The transport's default `batch.maxBytes`: 2 MiB, twice the client's, so ~190-byte lines fill 10,000. */
export const DEFAULT_BATCH_BYTES = 2 * 1024 * 1024;

const PINO_ADDED_KEYS = ['$context', 'pinoWillSendConfig'] as const;

/** The transport's own options, split from those handed to `new CloudSage()`. */
export interface ResolvedPinoOptions {
  shutdownTimeoutMs: number;
  /** The client's options, with the buffer bounds for bursts set (`withBurstBufferDefaults`). */
  client: CloudSageOptions & Required<Pick<CloudSageOptions, 'maxBufferBytes' | 'maxBufferRecords'>>;
}

/**
 * Validates the transport's own options and splits them from the client's (which the client validates).
 * In pino's worker thread the client's exit hooks are off unless asked for: thread-stream ends the
 * stream at exit, and its `close` flushes.
 *
 * @example
 * resolvePinoOptions({ endpoint: 'http://127.0.0.1:3001', apiKey: 'csk_x' }, false).shutdownTimeoutMs; // 8000
 */
export function resolvePinoOptions(options: CloudSagePinoOptions | undefined, inWorker: boolean): ResolvedPinoOptions {
  const parsed = Schema.safeParse(options ?? {});
  if (!parsed.success) throw invalidOptions('@cloudsage/pino', parsed.error);
  const { shutdownTimeoutMs, ...client } = parsed.data as CloudSagePinoOptions & { shutdownTimeoutMs: number };
  // pino adds these to a worker target's options (`$context`: caller file; `pinoWillSendConfig`: the
  // config hand-shake of pino-abstract-transport); they are not the client's.
  for (const key of PINO_ADDED_KEYS) delete (client as Record<string, unknown>)[key];
  if (inWorker && client.exitHooks === undefined) client.exitHooks = false;
  client.batch = {
    ...client.batch,
    maxRecords: client.batch?.maxRecords ?? DEFAULT_BATCH_RECORDS,
    maxBytes: client.batch?.maxBytes ?? DEFAULT_BATCH_BYTES,
  };
  // pino hands over bursts of small lines far faster than any backend takes them.
  return { shutdownTimeoutMs, client: withBurstBufferDefaults(client) };
}
