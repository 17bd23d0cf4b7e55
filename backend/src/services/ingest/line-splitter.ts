import { AppError } from '../../errors.js';

/**
 * Splits a byte stream into lines on `\n`, without decoding bytes that are not yet a whole line.
 * Blank lines are skipped (a trailing newline or an empty line is not a record). A line longer
 * than `maxLineBytes` keeps only its first `maxLineBytes` bytes, so one endless line (a gzip
 * bomb of zeros) never grows memory; the normalizer then stores that prefix truncated and flagged.
 * More than `maxLines` lines answers 413 at once, while the body is still streaming. Each line is
 * handed to `onLine` as soon as it is complete, so a body's lines are never all held at once.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private count = 0;

  constructor(
    private readonly maxLines: number,
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Adds a chunk of the body. */
  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      if (this.pendingBytes === 0) this.emit(chunk, start, nl);
      else {
        this.keep(chunk, start, nl);
        const joined = Buffer.concat(this.pending, this.pendingBytes);
        this.pending = [];
        this.pendingBytes = 0;
        this.emit(joined, 0, joined.length);
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /** Ends the body: a last line without a newline is a line too. */
  end(): void {
    if (this.pendingBytes > 0) {
      const joined = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.emit(joined, 0, joined.length);
    }
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const room = this.maxLineBytes - this.pendingBytes;
    if (room <= 0) return;
    const take = Math.min(room, end - start);
    // A copy, because the chunk's memory belongs to the stream and may be reused.
    this.pending.push(Buffer.from(chunk.subarray(start, start + take)));
    this.pendingBytes += take;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    const stop = Math.min(end, start + this.maxLineBytes);
    if (isBlank(buf, start, stop)) return;
    if (this.count >= this.maxLines) {
      throw new AppError('too_many_records', `a batch holds at most ${this.maxLines} records`);
    }
    this.count++;
    this.onLine(buf.toString('utf8', start, stop));
  }
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
