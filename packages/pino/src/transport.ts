import { type Transform, Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isMainThread } from 'node:worker_threads';
import { CloudSage, emitCloudSageWarning, type FlushResult } from '@cloudsage/node';
import { LineStream } from './line-stream.js';
import { type CloudSagePinoOptions, resolvePinoOptions } from './options.js';

/** The stream pino writes to: a writable of NDJSON lines, whose `close` awaits the final flush. */
export interface CloudSageStream extends Transform {
  /** The underlying client (its `stats()`, `flush()`, read API). */
  readonly client: CloudSage;
  /**
   * Sends what is buffered. In the app's thread `logger.flush(cb)` calls it, so `cb` runs once the
   * records are delivered (or the flush deadline passed). Never rejects.
   */
  flush(cb?: (err?: Error | null) => void): Promise<FlushResult>;
}

/**
 * Builds the stream synchronously, for use in the app's own thread: as `pino(stream)` or inside
 * `pino.multistream()`. Functions in the options (`beforeSend`, `onError`, `fetch`, `transport`) work here.
 * Lines go to the client untouched (`writeLine`) unless `redact.paths` or `beforeSend` need them parsed.
 *
 * @example
 * import pino from 'pino';
 * import { createStream } from '@cloudsage/pino';
 * const stream = createStream({ endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY! });
 * const logger = pino(stream);
 * logger.info({ orderId: 42 }, 'order placed');
 * await stream.flush();
 */
export function createStream(options: CloudSagePinoOptions): CloudSageStream {
  return buildStream(options, false);
}

function buildStream(options: CloudSagePinoOptions, backpressure: boolean): CloudSageStream {
  const { shutdownTimeoutMs, client: clientOptions } = resolvePinoOptions(options, !isMainThread);
  const client = new CloudSage(clientOptions);
  const stream = new LineStream(client, backpressure, () =>
    client.shutdown({ timeoutMs: shutdownTimeoutMs }),
  ) as unknown as CloudSageStream;
  Object.defineProperty(stream, 'client', { value: client, enumerable: false });
  stream.flush = (cb) => {
    const done = (async () => {
      // Writes queued behind a busy transform have not reached the client yet: let them through first.
      while (stream.writableLength > 0 && !stream.destroyed) await nextTurn();
      return client.flush();
    })();
    // The callback runs outside the promise chain: a throwing callback is the caller's, not a rejection.
    if (typeof cb === 'function') void done.then(() => setImmediate(cb, null));
    return done;
  };
  return stream;
}

/**
 * The pino transport: the module's default export, which pino loads in its worker thread for
 * `pino({ transport: { target: '@cloudsage/pino', options } })`, `pino.transport({ targets })` and
 * `pino.transport({ pipeline })`. The client's exit hooks are off there: at exit pino ends the worker's
 * stream and waits (up to 10 s) for it to close, and `close` awaits the flush. It applies backpressure:
 * when the client's buffer is full it reads no further lines until a batch has left, so a burst waits
 * in pino's thread-stream buffer (in the app's thread, as with a slow `pino/file` disk) instead of being
 * dropped; only a backend that settles no batch for 5 s lets the client's drop policy decide again.
 *
 * @example
 * import pino from 'pino';
 * const logger = pino({
 *   transport: { target: '@cloudsage/pino', options: { endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY } },
 * });
 */
export default async function cloudsageTransport(options: CloudSagePinoOptions): Promise<CloudSageStream> {
  if (isMainThread) return buildStream(options, true);
  try {
    return buildStream(options, true);
  } catch (err) {
    // Thrown in pino's worker, the error would reach the app as an "Unhandled 'error' event" from
    // thread-stream and end it. Say it once on stderr instead, and let the app log on, shipping nothing.
    emitCloudSageWarning(`@cloudsage/pino: ${(err as Error).message}; no log is shipped`, 'invalid_options');
    return new Writable({ write: (_chunk, _encoding, done) => done() }) as unknown as CloudSageStream;
  }
}
