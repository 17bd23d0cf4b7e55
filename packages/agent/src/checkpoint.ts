import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const FileState = z.object({
  /** Where the file was last seen (a hint: the file is known by its identity). */
  path: z.string(),
  /** Acknowledged up to here: the backend has every record before this byte. */
  offset: z.number().int().nonnegative(),
  /** Hex of the file's first bytes, so a reused inode number is not taken for the same file. */
  head: z.string(),
});
export type FileState = z.infer<typeof FileState>;

const PendingRange = z.object({
  id: z.string(),
  path: z.string(),
  /** Bumped each time the file is truncated: offsets of an older generation no longer apply. */
  gen: z.number().int().nonnegative().default(0),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type PendingRange = z.output<typeof PendingRange>;

const PendingBatch = z.object({ key: z.string(), records: z.number().int(), ranges: z.array(PendingRange) });
/** A batch written down before it was sent: its Idempotency-Key and the bytes it was read from. */
export type PendingBatch = z.output<typeof PendingBatch>;

const State = z.object({
  version: z.literal(1),
  files: z.record(z.string(), FileState),
  pending: z.array(PendingBatch),
});
export type CheckpointState = z.output<typeof State>;

/** A file's identity: device and inode, so a renamed file keeps its place. */
export function fileId(stat: { dev: number; ino: number }): string {
  return `${stat.dev}:${stat.ino}`;
}

function readText(path: string, warn: (message: string) => void): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read ${path}: ${String(err)}`);
    return undefined;
  }
}

/**
 * The tailer's durable state: a snapshot (`checkpoint.json`, replaced atomically: write, then rename)
 * holding per file (by identity) the acknowledged offset and the batches sent but not acknowledged, plus
 * an append-only journal (`checkpoint.json.journal`) where each batch is written, with its
 * Idempotency-Key and byte ranges, before it is sent. Appending is cheap enough to do for every batch;
 * the snapshot is written now and then and at exit. A restart re-sends exactly the journaled batches
 * the snapshot does not show as acknowledged, under the same keys.
 *
 * @example
 * const cp = Checkpoint.open('/var/lib/cloudsage/checkpoint.json', warn);
 * cp.journal({ key: 'a1b2c3d4-0', records: 1000, ranges: [...] }); // before sending
 * cp.save();
 */
export class Checkpoint {
  private readonly journalPath: string;
  private timer: NodeJS.Timeout | undefined;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    readonly state: CheckpointState,
    private readonly persist: boolean,
  ) {
    this.journalPath = `${path}.journal`;
  }

  /**
   * Loads the snapshot and the journal; missing files are an empty state, an unreadable snapshot is
   * reported and ignored, a torn last journal line (a crash mid-append) is skipped.
   */
  static open(path: string, warn: (message: string) => void, persist = true): Checkpoint {
    let state: CheckpointState = { version: 1, files: {}, pending: [] };
    const text = readText(path, warn);
    if (text !== undefined) {
      try {
        state = State.parse(JSON.parse(text));
      } catch (err) {
        warn(`checkpoint ${path} is not valid and is ignored (${(err as Error).message.slice(0, 200)})`);
      }
    }
    const journal = readText(`${path}.journal`, warn);
    if (journal) {
      const known = new Set(state.pending.map((p) => p.key));
      for (const line of journal.split('\n')) {
        if (line === '') continue;
        try {
          const entry = PendingBatch.parse(JSON.parse(line));
          if (known.has(entry.key)) continue;
          // Written down before sending, and since acknowledged (the snapshot's offset is past it).
          const settled = entry.ranges.every((r) => (state.files[r.id]?.offset ?? -1) >= r.end);
          if (!settled) state.pending.push(entry);
          known.add(entry.key);
        } catch {
          warn(`skipped a torn journal line in ${path}.journal`);
        }
      }
    }
    return new Checkpoint(path, state, persist);
  }

  /** Writes a batch down before it is sent (appended and flushed to the OS: survives the process dying). */
  journal(entry: PendingBatch): void {
    this.state.pending.push(entry);
    if (!this.persist) return;
    writeSync(this.journalFd(), `${JSON.stringify(entry)}\n`);
  }

  /** Closes the journal (the snapshot is written first, so nothing in it is needed any more). */
  close(): void {
    this.save();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  // Kept open in append mode: a batch costs one write, not an open, a write and a close (and each write
  // still reaches the OS before the batch is sent, which is what survives the process dying).
  private journalFd(): number {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.journalPath, 'a');
    }
    return this.fd;
  }

  /** Writes the snapshot within `ms` (coalescing calls): acknowledged progress may lag a little. */
  saveSoon(ms = 200): void {
    if (!this.persist || this.timer) return;
    this.timer = setTimeout(() => this.save(), ms);
    this.timer.unref();
  }

  /** Writes the snapshot now (atomically), then empties the journal it includes. */
  save(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.persist) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.path);
    // Appends after the truncation land at the new end (the descriptor is in append mode).
    if (this.fd !== undefined) ftruncateSync(this.fd, 0);
    else writeFileSync(this.journalPath, '');
  }
}
