import type { DropCounts } from '@cloudsage/schema';
import { type Batch, newBatch } from './batch.js';
import { CloudSageCore } from './client.js';
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
