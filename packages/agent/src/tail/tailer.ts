import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { fileId } from '../checkpoint.js';
import { recoverFromCopy } from './copy-recovery.js';
import { expandPattern } from './glob.js';
import { LineSplitter } from './line-splitter.js';

// Bytes read from a file per turn of the event loop. Small, so the gzip completions and HTTP answers of
// the batches in flight are handled between slices: at 1 MB per turn (~8,000 lines, ~30 ms) the sender
// waited on the reader (bench:agent, three interleaved pairs: 187-224k lines/s at 1 MB, 202-258k at 32 KB).
const SLICE = 32 * 1024;
const FINGERPRINT = 32;

/** One file being read. Its identity (dev:ino) stays while renames and truncations come and go. */
export interface TailedFile {
  readonly id: string;
  path: string;
  fd: number;
  /** Next byte to read. */
  offset: number;
  /** Hex of the first bytes: tells a copytruncate copy, and a reused inode, from the file. */
  head: string;
  /** The bytes just before `offset`: if they change, the file was truncated and written again. */
  tailBytes: Buffer;
  size: number;
  mtimeMs: number;
  /** When it stopped matching any pattern (rotated away or deleted), if it did. */
  orphanSince: number | undefined;
  lastGrowth: number;
  /** Set by SIGHUP for a file no longer at its path: read it to its end, then close it at once. */
  drainAndClose: boolean;
  readonly splitter: LineSplitter;
}

/** What the tailer asks of and tells its owner. */
export interface TailerHooks {
  /** Where to start a file found now: its checkpoint offset if it is known (and still the same file). */
  startOffset(id: string, head: string, size: number, initialScan: boolean): number;
  /** A file (or a new generation of it, after truncation) starts at `file.offset`. */
  opened(file: TailedFile): void;
  /** One complete line and the offset past it; `originalBytes` when it was cut at the line limit. */
  line(file: TailedFile, text: string, endOffset: number, originalBytes?: number): void;
  /** The file's current generation ended (truncated or closed): emit what is held for it. */
  ended(file: TailedFile): void;
  /** The file was closed for good (rotated away and quiet for `rotateWaitMs`). */
  closed(file: TailedFile): void;
  /** Bytes that may be read now without overfilling the client's buffer (0 = wait). */
  budget(): number;
  warn(message: string): void;
}

/** Tailer settings. */
export interface TailerOptions {
  patterns: readonly string[];
  rotateWaitMs: number;
  /** Longer lines are cut to their first this many bytes, as one line (default 1 MiB). */
  maxLineBytes?: number;
  now?: () => number;
}

function readHead(fd: number, size: number): string {
  const n = Math.min(FINGERPRINT, size);
  if (n === 0) return '';
  const buf = Buffer.alloc(n);
  const got = readSync(fd, buf, 0, n, 0);
  return buf.subarray(0, got).toString('hex');
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const got = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, got);
}

/**
 * Follows files and globs the way `tail -F` does, and more: new files matching a pattern are picked up;
 * a file renamed away (rename rotation) is read to its end and closed after `rotateWaitMs` of quiet while
 * the new file is read from its start; a truncated file (copytruncate) is noticed by its size or by the
 * bytes before the read offset changing, the lines it had not read yet are taken from the rotated copy
 * when one is found, and reading restarts at 0. Files are known by identity, so a rename never re-reads.
 *
 * @example
 * const tailer = new Tailer({ patterns: ['logs/*.log'], rotateWaitMs: 2000 }, hooks);
 * while (running) { const more = tailer.poll(); if (!more) await sleep(250); }
 */
export class Tailer {
  private readonly files = new Map<string, TailedFile>();
  private readonly buf = Buffer.allocUnsafe(SLICE);
  private initialScan = true;
  private readonly now: () => number;

  constructor(
    private readonly options: TailerOptions,
    private readonly hooks: TailerHooks,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Files open now. */
  get open(): TailedFile[] {
    return [...this.files.values()];
  }

  /** Bytes written to the open files but not read yet. */
  unread(): number {
    let n = 0;
    for (const f of this.files.values()) n += Math.max(0, f.size - f.offset);
    return n;
  }

  /**
   * One round: rescans the patterns, checks each file for rotation and truncation, and reads what the
   * budget allows. Returns whether unread data is left (call again soon) or not (wait for the poll interval).
   */
  poll(): boolean {
    this.scan();
    let more = false;
    for (const f of [...this.files.values()]) {
      if (this.check(f)) more = this.read(f) || more;
    }
    return more;
  }

  /**
   * Reads the next slice of every file known to have unread bytes, without rescanning or checking the
   * files (cheap enough to call on every turn between polls). Returns whether unread data is left.
   */
  readMore(): boolean {
    let more = false;
    for (const f of this.files.values()) if (f.offset < f.size) more = this.read(f) || more;
    return more;
  }

  /** SIGHUP: reopens every file by its path; one that is no longer there is read to its end, then closed. */
  reopen(): void {
    for (const f of [...this.files.values()]) {
      let reopened = false;
      try {
        const fd = openSync(f.path, 'r');
        if (fileId(fstatSync(fd)) === f.id) {
          closeSync(f.fd);
          f.fd = fd;
          reopened = true;
        } else closeSync(fd);
      } catch {
        reopened = false;
      }
      // Moved or deleted: the next polls read what is left (as the budget allows), then close it.
      if (!reopened) f.drainAndClose = true;
    }
    this.scan();
  }

  /** Ends every file's generation (held records are emitted) and closes the descriptors. */
  stop(): void {
    for (const f of this.files.values()) {
      this.hooks.ended(f);
      try {
        closeSync(f.fd);
      } catch {
        // already closed
      }
    }
    this.files.clear();
  }

  private scan(): void {
    const seen = new Set<string>();
    const now = this.now();
    for (const pattern of this.options.patterns) {
      for (const path of expandPattern(pattern)) {
        let id: string;
        try {
          const st = statSync(path);
          if (!st.isFile()) continue;
          id = fileId(st);
        } catch {
          continue;
        }
        seen.add(id);
        const known = this.files.get(id);
        if (known) {
          known.path = path;
          known.orphanSince = undefined;
        } else {
          this.openFile(path);
        }
      }
    }
    for (const f of this.files.values()) if (!seen.has(f.id) && f.orphanSince === undefined) f.orphanSince = now;
    this.initialScan = false;
  }

  private openFile(path: string): void {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      this.hooks.warn(`cannot open ${path}: ${(err as Error).message}`);
      return;
    }
    const st = fstatSync(fd);
    const id = fileId(st);
    if (this.files.has(id)) {
      closeSync(fd);
      return;
    }
    const head = readHead(fd, st.size);
    const offset = Math.min(this.hooks.startOffset(id, head, st.size, this.initialScan), st.size);
    const file: TailedFile = {
      id,
      path,
      fd,
      offset,
      head,
      tailBytes:
        offset > 0 ? readAt(fd, Math.max(0, offset - FINGERPRINT), Math.min(FINGERPRINT, offset)) : Buffer.alloc(0),
      size: st.size,
      mtimeMs: st.mtimeMs,
      orphanSince: undefined,
      lastGrowth: this.now(),
      drainAndClose: false,
      splitter: new LineSplitter(this.options.maxLineBytes, 'truncate'),
    };
    this.files.set(id, file);
    this.hooks.opened(file);
  }

  /** Notices truncation and closes rotated files that went quiet; returns whether the file is still open. */
  private check(f: TailedFile): boolean {
    let st: ReturnType<typeof fstatSync>;
    try {
      st = fstatSync(f.fd);
    } catch {
      this.close(f);
      return false;
    }
    const changed = st.size !== f.size || st.mtimeMs !== f.mtimeMs;
    if (st.size > f.size) f.lastGrowth = this.now();
    f.size = st.size;
    f.mtimeMs = st.mtimeMs;
    if (changed && (st.size < f.offset || (f.offset > 0 && !this.sameTail(f)))) this.truncated(f);
    if (f.head === '' && f.size > 0) f.head = readHead(f.fd, f.size);
    if (f.drainAndClose && f.offset >= f.size) {
      this.close(f);
      return false;
    }
    if (
      f.orphanSince !== undefined &&
      f.offset >= f.size &&
      this.now() - Math.max(f.lastGrowth, f.orphanSince) >= this.options.rotateWaitMs
    ) {
      this.close(f);
      return false;
    }
    return true;
  }

  private sameTail(f: TailedFile): boolean {
    const now = readAt(f.fd, f.offset - f.tailBytes.length, f.tailBytes.length);
    return now.equals(f.tailBytes);
  }

  private truncated(f: TailedFile): void {
    // The lines written before the truncation that we had not read are in the copy, if there is one.
    const copy = recoverFromCopy(f.path, f.head, f.offset);
    if (copy) {
      f.splitter.push(copy.bytes, f.offset + copy.bytes.length, (text, end, cut) => this.hooks.line(f, text, end, cut));
      f.offset += copy.bytes.length;
    }
    f.splitter.end(f.offset, (text, end, cut) => this.hooks.line(f, text, end, cut));
    this.hooks.ended(f);
    if (!copy) this.hooks.warn(`${f.path} was truncated; reading it again from the start`);
    f.splitter.reset();
    f.offset = 0;
    f.tailBytes = Buffer.alloc(0);
    f.head = readHead(f.fd, f.size);
    this.hooks.opened(f);
  }

  /** Reads one slice, within the budget; returns whether unread bytes remain. */
  private read(f: TailedFile): boolean {
    let left = SLICE;
    while (f.offset < f.size && left > 0) {
      const budget = Math.min(this.hooks.budget(), left, f.size - f.offset);
      if (budget <= 0) return true;
      const n = readSync(f.fd, this.buf, 0, budget, f.offset);
      if (n <= 0) break;
      const chunk = this.buf.subarray(0, n);
      f.offset += n;
      left -= n;
      f.splitter.push(chunk, f.offset, (text, end, cut) => this.hooks.line(f, text, end, cut));
      f.tailBytes =
        n >= FINGERPRINT
          ? Buffer.from(chunk.subarray(n - FINGERPRINT))
          : Buffer.concat([f.tailBytes, chunk]).subarray(-FINGERPRINT);
    }
    return f.offset < f.size;
  }

  private close(f: TailedFile): void {
    f.splitter.end(f.offset, (text, end, cut) => this.hooks.line(f, text, end, cut));
    this.hooks.ended(f);
    try {
      closeSync(f.fd);
    } catch {
      // already closed
    }
    this.files.delete(f.id);
    this.hooks.closed(f);
  }
}
