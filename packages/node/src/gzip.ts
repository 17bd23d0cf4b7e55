import { gzip as gzipCallback } from 'node:zlib';

/**
 * Joins lines as NDJSON and gzips them. The compression runs on libuv's thread pool, so the main
 * thread only pays for the join and the copy.
 *
 * @example
 * const body = await gzipLines(['{"msg":"a"}', '{"msg":"b"}']);
 */
export function gzipLines(lines: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gzipCallback(`${lines.join('\n')}\n`, (err, out) => (err ? reject(err) : resolve(out)));
  });
}
