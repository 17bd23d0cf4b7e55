/**
 * Called for each complete line with the absolute offset just past its newline. `originalBytes` is set
 * when the line was longer than the limit and cut (truncating splitters only): its true length in bytes,
 * without the newline, of which `line` is the start.
 */
export type LineHandler = (line: string, endOffset: number, originalBytes?: number) => void;

/** What a splitter does with a line longer than its limit. */
export type OverLongLines = 'split' | 'truncate';

/** The length of `buf` cut back to a UTF-8 character boundary (drops a character cut in the middle). */
function utf8Boundary(buf: Buffer): number {
  let start = buf.length - 1;
  while (start > 0 && buf.length - start < 4 && (buf[start]! & 0xc0) === 0x80) start--;
  if (start < 0) return 0;
  const lead = buf[start]!;
  const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + size <= buf.length ? buf.length : start;
}

/**
 * Cuts a byte stream into lines and keeps the offset of each line's end, so a checkpoint can name the
 * exact byte to resume from. A partial last line is held (not emitted) until its newline arrives.
 * Memory stays bounded by `maxLineBytes`: by default (`'split'`) a longer line is emitted in pieces as it
 * grows; with `'truncate'` (what the agent uses) only its first `maxLineBytes` are kept, the rest is
 * counted, and the line is emitted once, at its newline, as one cut line with its true size.
 *
 * @example
 * const splitter = new LineSplitter(1024 * 1024, 'truncate');
 * splitter.push(Buffer.from('a\nb'), 3, (line, end) => {}); // 'a' (end 2); 'b' is held
 */
export class LineSplitter {
  private rest: Buffer | undefined;
  // 'truncate': bytes of the current line dropped past the kept head.
  private over = 0;

  constructor(
    private readonly maxLineBytes = 1024 * 1024,
    private readonly overLong: OverLongLines = 'split',
  ) {}

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
    const truncate = this.overLong === 'truncate';
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      if (truncate && (this.over > 0 || this.held + nl - start > this.maxLineBytes)) {
        this.keep(chunk.subarray(start, nl));
        this.emitCut(base + nl + 1, onLine);
        start = nl + 1;
        continue;
      }
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
      if (truncate) {
        this.keep(tail);
        return;
      }
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
    if (this.over > 0) {
      this.emitCut(endOffset, onLine);
      return;
    }
    if (!this.rest) return;
    const text = this.rest.toString('utf8');
    this.rest = undefined;
    onLine(text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text, endOffset);
  }

  /** Forgets a held partial line (the file was truncated under it). */
  reset(): void {
    this.rest = undefined;
    this.over = 0;
  }

  /** 'truncate': holds `bytes` of the current line up to the limit and counts the rest. */
  private keep(bytes: Buffer): void {
    const room = this.over > 0 ? 0 : this.maxLineBytes - this.held;
    if (bytes.length > room) this.over += bytes.length - room;
    if (room <= 0) return;
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.rest = this.rest ? Buffer.concat([this.rest, kept]) : Buffer.from(kept);
  }

  /** 'truncate': emits the held start of an over-long line, cut at a character boundary, with its size. */
  private emitCut(endOffset: number, onLine: LineHandler): void {
    const head = this.rest ?? Buffer.alloc(0);
    const originalBytes = head.length + this.over;
    this.rest = undefined;
    this.over = 0;
    onLine(head.toString('utf8', 0, utf8Boundary(head)), endOffset, originalBytes);
  }
}
