import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { CloudSage } from '@cloudsage/node';

// thread-stream hands the worker up to 4 MB at once; handled in one go, that is ~60 ms in which finished
// gzips and HTTP answers wait, so batches barely leave during a burst. Per turn: ~150 pino lines.
const SLICE_CHARS = 32 * 1024;
// How long a full buffer holds the lines back while the backend settles no batch; after that they go in
// and the client's drop policy decides, so an outage cannot stall the app's logging for longer.
const STALL_MS = 5000;

/**
 * The writable pino writes NDJSON to: splits what it gets into lines and hands each to the client's
 * `writeLine` (no JSON.parse, no split2: strings are taken as they are, never re-encoded to bytes).
 * With `backpressure` (the worker-thread transport) a write's callback waits for the client's buffer
 * room (`hasRoom` / `whenRoom`), so thread-stream stops reading and the lines wait in its buffer instead
 * of being dropped. Nothing is
 * read from its readable side; `destroy()` (after `end()`) runs `onClose`, which awaits the final flush.
 *
 * @example
 * const stream = new LineStream(client, false, () => client.shutdown());
 * stream.write('{"level":30,"msg":"hi"}\n');
 */
export class LineStream extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  // An unfinished last line, kept until the rest of it arrives.
  private tail = '';

  constructor(
    private readonly client: CloudSage,
    private readonly backpressure: boolean,
    private readonly onClose: () => Promise<unknown>,
  ) {
    super({ decodeStrings: false, autoDestroy: true });
    // The readable side carries nothing; flowing, it ends right after `end()`, and autoDestroy then closes.
    this.resume();
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer);
    const all = this.tail.length === 0 ? text : this.tail + text;
    this.tail = '';
    this.pump(all, 0, callback);
  }

  override _flush(callback: TransformCallback): void {
    const rest = this.tail + this.decoder.end();
    this.tail = '';
    if (rest.trim() !== '') this.client.writeLine(rest);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void this.onClose().then(
      () => callback(error),
      () => callback(error),
    );
  }

  /**
   * Hands over the lines of `text` from `pos` on; stops and resumes there when the buffer is full, and
   * after every {@link SLICE_CHARS} characters lets the event loop turn once before going on.
   */
  private pump(text: string, pos: number, callback: TransformCallback): void {
    const { client, backpressure } = this;
    let at = pos;
    const stop = pos + SLICE_CHARS;
    for (;;) {
      const nl = text.indexOf('\n', at);
      if (nl < 0) break;
      if (nl > at) {
        if (backpressure && !client.hasRoom(nl - at)) {
          void client.whenRoom({ chars: nl - at, stallMs: STALL_MS }).then(() => this.pump(text, at, callback));
          return;
        }
        client.writeLine(text.slice(at, nl));
      }
      at = nl + 1;
      if (at >= stop && at < text.length) {
        setImmediate(() => this.pump(text, at, callback));
        return;
      }
    }
    this.tail = at < text.length ? text.slice(at) : '';
    callback();
  }
}
