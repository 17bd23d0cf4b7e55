import type { DropCounts } from '@cloudsage/schema';
import { type Batch, newBatch } from './batch.js';
import { CloudSageCore } from './client.js';
import type { CloudSageErrorCode } from './errors.js';
import { gzipLines } from './gzip.js';
import type { CloudSageOptions } from './options.js';
import { nodeRuntime } from './runtime-node.js';

/**
 * The CloudSage client for Node.js (and Bun): ships logs in gzip NDJSON batches without slowing or
 * crashing the host, and reads forecasts and risk history. Logging calls are synchronous and never
 * throw; batches are gzipped off the main thread, flushed on SIGTERM, SIGINT and `beforeExit`, and
 * spooled to disk with `spoolDir`.
 *
 * @example
 * const client = new CloudSage({ endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY! });
 * client.info('checkout done', { orderId: 42, ms: 183 });
 * const forecast = await client.getForecast();
 * await client.shutdown();
 */
export class CloudSage extends CloudSageCore {
  constructor(options: CloudSageOptions) {
    super(options, nodeRuntime);
  }
}

/**
 * Creates a {@link Batch} whose body is gzipped by `node:zlib` (for a sender of your own, or a test).
 *
 * @example
 * const batch = createBatch(crypto.randomUUID(), ['{"msg":"a"}'], 12, emptyDropCounts());
 * await batch.body(1); // gzip level 1
 */
export function createBatch(
  idempotencyKey: string,
  lines: readonly string[],
  rawBytes: number,
  dropped: DropCounts,
): Batch {
  return newBatch(idempotencyKey, lines, rawBytes, dropped, gzipLines);
}

/**
 * Says a problem the way the client does: a coded process warning (`[CLOUDSAGE_INVALID_OPTIONS]
 * CloudSageWarning: ...`), written straight to stderr in a worker thread, where process warnings are
 * lost at exit. For an integration that must report before a client exists.
 *
 * @example
 * emitCloudSageWarning('@cloudsage/pino: apiKey is missing; nothing will be shipped', 'invalid_options');
 */
export function emitCloudSageWarning(message: string, code: CloudSageErrorCode): void {
  try {
    nodeRuntime.warn(message, `CLOUDSAGE_${code.toUpperCase()}`);
  } catch {
    // stderr closed: nowhere left to say it.
  }
}
