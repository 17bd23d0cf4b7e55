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
 * The writable pino writes NDJSON to: hands the complete lines of what it gets to the client's
 * `writeLines`, a slice of many lines at a time (no JSON.parse, no split2: strings are taken as they
 * are, never re-encoded to bytes). With `backpressure` (the worker-thread transport) a write's callback
 * waits for the client's buffer room (`writeLines` stops at a line that does not fit, then `whenRoom`),
 * so thread-stream stops reading and the lines wait in its buffer instead of being dropped. Nothing is
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
    if (this.tail.length === 0) {
      this.pump(text, 0, callback);
      return;
    }
    // The unfinished line is completed on its own: `tail + text` would be a cons string of the whole
    // chunk, which V8 searches and slices far slower than a flat one (~0.25 s over a 300,000-line burst).
    const nl = text.indexOf('\n');
    if (nl < 0) {
      this.tail += text;
      callback();
      return;
    }
    const first = this.tail + text.slice(0, nl + 1);
    this.tail = '';
    this.pump(first, 0, (err) => (err ? callback(err) : this.pump(text, nl + 1, callback)));
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
   * Hands over the lines of `text` from `pos` on, about {@link SLICE_CHARS} characters at a time
   * (`writeLines`: runs of lines go to the buffer as one entry each), letting the event loop turn
   * once between slices; stops and resumes at the line that does not fit when the buffer is full.
   */
  private pump(text: string, pos: number, callback: TransformCallback): void {
    const { client, backpressure } = this;
    const at = pos;
    // The slice ends at the first line end from SLICE_CHARS on, else at the last one before.
    // (Not `lastIndexOf`: V8's scans back from the string's end, ~0.3 ms a slice early in a 4 MB chunk.)
    let end = text.indexOf('\n', at + SLICE_CHARS);
    if (end < 0) end = lastNewline(text, at, Math.min(at + SLICE_CHARS, text.length));
    if (end < 0) {
      this.tail = at < text.length ? text.slice(at) : '';
      callback();
      return;
    }
    const next = end + 1;
    const upTo = client.writeLines(text, at, next, backpressure);
    if (upTo < next) {
      const chars = text.indexOf('\n', upTo) - upTo;
      void client.whenRoom({ chars, stallMs: STALL_MS }).then(() => this.pump(text, upTo, callback));
      return;
    }
    if (next < text.length) {
      setImmediate(() => this.pump(text, next, callback));
      return;
    }
    this.tail = '';
    callback();
  }
}

/** Where the last `\n` in `text[from, to)` is, or -1. */
function lastNewline(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (text.charCodeAt(i) === 10) return i;
  return -1;
}
