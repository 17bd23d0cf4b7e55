import { ingest } from '../api/endpoints.js';
import { batchBody } from './ingest-batches.js';
import { CONTENT_TYPE } from './ingest-body.js';
import type { SendBatch } from './ingest-send.js';

// Below this a batch goes as it is: gzip would save little and cost a stream.
const GZIP_ABOVE_BYTES = 64 * 1024;

/** gzip with the browser's CompressionStream (off the main thread). */
async function gzip(text: string): Promise<Blob> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).blob();
}

/**
 * Sends batches to `POST /api/ingest` for a project, gzipped when that makes the body smaller.
 * A batch's uncompressed size is under the body limit already, so a body that gzip would make
 * larger (random bytes) goes uncompressed and still fits.
 *
 * @example
 * await uploadBatches(batches, tally, { send: httpSender(projectId), signal });
 */
export function httpSender(projectId: string): SendBatch {
  return async (batch, { idempotencyKey, signal }) => {
    const text = batchBody(batch);
    let body: BodyInit = text;
    let gzipped = false;
    if (batch.bytes > GZIP_ABOVE_BYTES) {
      const zipped = await gzip(text);
      if (zipped.size < batch.bytes) {
        body = zipped;
        gzipped = true;
      }
    }
    return ingest(projectId, body, CONTENT_TYPE[batch.form], { gzipped, idempotencyKey, signal });
  };
}
