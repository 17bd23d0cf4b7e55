import type { DropCounts } from '@cloudsage/schema';
import { type Batch, newBatch } from './batch.js';
import { CloudSageCore } from './client.js';
import type { CloudSageOptions } from './options.js';
import { gzipLinesWeb, webRuntime } from './runtime-web.js';

/**
 * The CloudSage client for Cloudflare Workers, Vercel Edge and Deno: the same client as on Node, sending
 * with the global `fetch` and gzipping with `CompressionStream`, with no Node built-in loaded. There is
 * no process to hook: hand `client.flush()` to the platform (`ctx.waitUntil` in a Worker, `after()` in
 * Next.js) so a request's logs leave before the isolate is frozen. `spoolDir` is refused (no disk).
 *
 * @example
 * const client = new CloudSage({ endpoint: 'https://cloudsage.example.com', apiKey: env.CLOUDSAGE_KEY });
 * client.info('request served', { path: url.pathname });
 * ctx.waitUntil(client.flush());
 */
export class CloudSage extends CloudSageCore {
  constructor(options: CloudSageOptions) {
    super(options, webRuntime);
  }
}

/**
 * Creates a {@link Batch} whose body is gzipped by `CompressionStream` (for a sender of your own, or a test).
 *
 * @example
 * const batch = createBatch(crypto.randomUUID(), ['{"msg":"a"}'], 12, emptyDropCounts());
 */
export function createBatch(
  idempotencyKey: string,
  lines: readonly string[],
  rawBytes: number,
  dropped: DropCounts,
): Batch {
  return newBatch(idempotencyKey, lines, rawBytes, dropped, gzipLinesWeb);
}
