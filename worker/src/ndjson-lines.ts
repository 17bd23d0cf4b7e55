/**
 * Splits a stream of UTF-8 bytes into lines as they arrive. Each chunk is cut at its last newline
 * byte and only whole lines are decoded, so a multi-byte character is never split (0x0A never occurs
 * inside a UTF-8 sequence) and no text larger than one chunk is ever built: decoding a whole
 * multi-megabyte body into one string costs about as much as parsing it, in V8's large-object space.
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
    if (last >= start) {
      const text = chunk.toString('utf8', start, last);
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        this.#onLine(text.slice(from, nl));
        from = nl + 1;
      }
      this.#onLine(text.slice(from));
      start = last + 1;
    }
    if (start < chunk.length) this.#pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** Ends the stream: text after the last newline is a line too (NDJSON allows a missing final newline). */
  end(): void {
    if (this.#pending.length === 0) return;
    const line = Buffer.concat(this.#pending).toString('utf8');
    this.#pending = [];
    this.#onLine(line);
  }
}
