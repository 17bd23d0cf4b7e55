import { createFetchHttp } from './http-fetch.js';
import type { Runtime } from './runtime.js';

const utf8 = new TextEncoder();

/**
 * The NDJSON body of `lines`, gzipped by the platform's `CompressionStream` (which takes no level).
 *
 * @example
 * const body = await gzipLinesWeb(['{"msg":"a"}']);
 */
export async function gzipLinesWeb(lines: readonly string[]): Promise<Uint8Array> {
  const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  const stream = new Blob([utf8.encode(text)]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The runtime of Cloudflare Workers, Vercel Edge and Deno: the global `fetch`, `CompressionStream`, and
 * warnings through `console.warn` (their only log channel). No exit hooks (a Worker has no process:
 * hand `client.flush()` to `ctx.waitUntil`) and no spool (no file system).
 */
export const webRuntime: Runtime = {
  encode: gzipLinesWeb,
  http: (endpoint) => createFetchHttp(endpoint, (input, init) => globalThis.fetch(input, init)),
  // A Worker's only output; Notices already limits it to one line per code, then a summary a minute.
  warn: (message, code) => console.warn(`[${code}] CloudSageWarning: ${message}`),
};
