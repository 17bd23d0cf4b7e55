import { PassThrough } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { ACK_BYTES, type PoolReply, type PoolRequest } from './pool-protocol.js';
import { prepareBatch } from './prepare-batch.js';

/*
 * An ingest worker thread: runs `prepareBatch` (decode, normalize, serialize, gzip) for bodies
 * whose bytes the main thread forwards as they arrive, so limits still cut a body while it
 * streams. Several bodies may be in progress at once, told apart by id.
 */

const port = parentPort;
if (!port) throw new Error('ingest-worker must run as a worker thread');
const inputs = new Map<number, PassThrough>();

function reply(message: PoolReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

port.on('message', (message: PoolRequest) => {
  if (message.type === 'start') {
    const input = new PassThrough();
    // Chunks that arrive after the body was refused are dropped with the stream, not thrown.
    input.on('error', () => {});
    inputs.set(message.id, input);
    const settle = () => {
      inputs.delete(message.id);
      input.destroy();
    };
    let acked = 0;
    const onRaw = (taken: number) => {
      // Tells the main thread how far decoding got, so it sends at most a window ahead.
      if (taken - acked < ACK_BYTES) return;
      acked = taken;
      reply({ type: 'consumed', id: message.id, bytes: taken });
    };
    prepareBatch(input, message.job, onRaw, true).then(
      (prepared) => {
        const object = prepared.object;
        // The object's bytes move to the main thread instead of being copied.
        const transfer = object && object.byteLength === object.buffer.byteLength ? [object.buffer as ArrayBuffer] : [];
        settle();
        reply({ type: 'done', id: message.id, prepared }, transfer);
      },
      (err: unknown) => {
        const error =
          err instanceof AppError
            ? { code: err.code, message: err.message, details: err.details }
            : { code: 'internal' as const, message: err instanceof Error ? err.message : String(err) };
        settle();
        reply({ type: 'failed', id: message.id, error });
      },
    );
    return;
  }
  const input = inputs.get(message.id);
  if (!input) return;
  if (message.type === 'chunk')
    input.write(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
  else if (message.type === 'end') input.end();
  else {
    inputs.delete(message.id);
    input.destroy();
  }
});
