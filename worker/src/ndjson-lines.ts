// Well below V8's largest young-generation object (128 KiB), so each decoded span is a cheap young string.
const SPAN_BYTES = 64 * 1024;

/**
 * Splits a stream of UTF-8 bytes into lines as they arrive. Chunks are cut at newline bytes and only
 * whole lines are decoded, so a multi-byte character is never split (0x0A never occurs inside a UTF-8
 * sequence), 64 KiB at a time (or one longer line): decoding a whole multi-megabyte body into one
 * string costs about as much as parsing it, in V8's large-object space.
 *
 * @example
 * const lines: string[] = [];
 * const splitter = new LineSplitter((line) => lines.push(line));
 * splitter.write(Buffer.from('{"a":1}\n{"b"'));
 * splitter.write(Buffer.from(':2}\n'));
 * splitter.end(); // lines: ['{"a":1}', '{"b":2}']
 */
export class LineSplitter {
  readonly #onLine: (line: string) => void;
  /** Bytes of a line begun in an earlier chunk (copied: a chunk may be a view of a reused buffer). */
  #pending: Buffer[] = [];

  /** `onLine` gets each line without its newline; it may throw to stop the stream. */
  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  /** Takes the next chunk of bytes. */
  write(chunk: Buffer): void {
    let start = 0;
    if (this.#pending.length > 0) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.#pending.push(Buffer.from(chunk));
        return;
      }
      this.#pending.push(chunk.subarray(0, nl));
      const line = Buffer.concat(this.#pending).toString('utf8');
      this.#pending = [];
      this.#onLine(line);
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    while (start <= last) {
      // At most SPAN_BYTES decoded at a time (cut at a newline), unless one line is longer.
      let end = last;
      if (end - start > SPAN_BYTES) {
        end = chunk.lastIndexOf(10, start + SPAN_BYTES);
        if (end < start) end = chunk.indexOf(10, start + SPAN_BYTES);
      }
      this.#lines(chunk.toString('utf8', start, end));
      start = end + 1;
    }
    if (start < chunk.length) this.#pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** Hands on each line of `text`, whole lines joined by newlines. */
  #lines(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.#onLine(text.slice(from, nl));
      from = nl + 1;
    }
    this.#onLine(text.slice(from));
  }

  /** Ends the stream: text after the last newline is a line too (NDJSON allows a missing final newline). */
  end(): void {
    if (this.#pending.length === 0) return;
    const line = Buffer.concat(this.#pending).toString('utf8');
    this.#pending = [];
    this.#onLine(line);
  }
}
