/** Called for each complete line with the absolute offset just past its newline. */
export type LineHandler = (line: string, endOffset: number) => void;

/**
 * Cuts a byte stream into lines and keeps the offset of each line's end, so a checkpoint can name the
 * exact byte to resume from. A partial last line is held (not emitted) until its newline arrives;
 * a line longer than `maxLineBytes` is emitted in pieces so memory stays bounded.
 *
 * @example
 * const splitter = new LineSplitter();
 * splitter.push(Buffer.from('a\nb'), 3, (line, end) => {}); // 'a' (end 2); 'b' is held
 */
export class LineSplitter {
  private rest: Buffer | undefined;

  constructor(private readonly maxLineBytes = 1024 * 1024) {}

  /** Bytes of a partial line held back. */
  get held(): number {
    return this.rest?.length ?? 0;
  }

  /**
   * Feeds `chunk`, whose last byte sits just before absolute offset `chunkEnd`. The chunk may be a
   * view of a reused buffer: whatever is kept is copied.
   */
  push(chunk: Buffer, chunkEnd: number, onLine: LineHandler): void {
    const base = chunkEnd - chunk.length;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      let text: string;
      if (this.rest) {
        text = Buffer.concat([this.rest, chunk.subarray(start, nl)]).toString('utf8');
        this.rest = undefined;
      } else {
        text = chunk.toString('utf8', start, nl);
      }
      if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
      onLine(text, base + nl + 1);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const tail = chunk.subarray(start);
      this.rest = this.rest ? Buffer.concat([this.rest, tail]) : Buffer.from(tail);
      if (this.rest.length >= this.maxLineBytes) {
        // A runaway line: emit what we have rather than grow without bound.
        const text = this.rest.toString('utf8');
        this.rest = undefined;
        onLine(text, chunkEnd);
      }
    }
  }

  /** Emits a held partial line (a file rotated away, or standard input ended). */
  end(endOffset: number, onLine: LineHandler): void {
    if (!this.rest) return;
    const text = this.rest.toString('utf8');
    this.rest = undefined;
    onLine(text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text, endOffset);
  }

  /** Forgets a held partial line (the file was truncated under it). */
  reset(): void {
    this.rest = undefined;
  }
}
