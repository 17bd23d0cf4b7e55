import { AppError } from '../../errors.js';
import { LongLineReader } from './long-line.js';

/**
 * Splits a byte stream into lines on `\n`, without decoding bytes that are not yet a whole line.
 * Blank lines are skipped (a trailing newline or an empty line is not a record). A line longer
 * than `maxLineBytes` that holds a JSON object is read field by field as it streams
 * (`LongLineReader`, each field kept up to `maxFieldBytes`), so it stays a record with its level,
 * time and fields; any other over-long line keeps only its first `maxLineBytes` bytes, stored as
 * text. Either way one endless line (a gzip bomb of zeros) costs a few MB at most.
 * More than `maxLines` lines answers 413 at once, while the body is still streaming. Each line is
 * handed to `onLine` as soon as it is complete, so a body's lines are never all held at once.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private count = 0;
  /** Reading the current line as an over-long object, once it passed `maxLineBytes`. */
  private long: LongLineReader | undefined;

  constructor(
    private readonly maxLines: number,
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    /** Kept of each field of an over-long object line; without it such a line is cut as text. */
    private readonly maxFieldBytes?: number,
  ) {}

  /** Adds a chunk of the body. */
  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      if (this.pendingBytes === 0 && !this.overLong(nl - start)) this.emit(chunk, start, nl);
      else {
        this.keep(chunk, start, nl);
        this.flush();
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /** Ends the body: a last line without a newline is a line too. */
  end(): void {
    if (this.pendingBytes > 0) this.flush();
  }

  private overLong(bytes: number): boolean {
    return this.maxFieldBytes !== undefined && bytes > this.maxLineBytes;
  }

  /** Hands on the held line: the long reader's record when it read one, else the held prefix. */
  private flush(): void {
    const joined = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const read = this.long?.finish();
    this.long = undefined;
    if (read === undefined) this.emit(joined, 0, joined.length);
    else {
      this.countLine();
      this.onLine(read);
    }
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    if (this.long) this.long.push(chunk, start, end);
    else if (this.maxFieldBytes !== undefined && this.pendingBytes + (end - start) > this.maxLineBytes) {
      // The line just became over-long: read what is held and the rest as fields.
      this.long = new LongLineReader(this.maxFieldBytes, this.maxLineBytes);
      for (const held of this.pending) this.long.push(held, 0, held.length);
      this.long.push(chunk, start, end);
    }
    const room = this.maxLineBytes - this.pendingBytes;
    if (room <= 0) return;
    const take = Math.min(room, end - start);
    // A copy, because the chunk's memory belongs to the stream and may be reused.
    this.pending.push(Buffer.from(chunk.subarray(start, start + take)));
    this.pendingBytes += take;
  }

  private countLine(): void {
    if (this.count >= this.maxLines) {
      throw new AppError('too_many_records', `a batch holds at most ${this.maxLines} records`);
    }
    this.count++;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    const stop = Math.min(end, start + this.maxLineBytes);
    if (isBlank(buf, start, stop)) return;
    this.countLine();
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
