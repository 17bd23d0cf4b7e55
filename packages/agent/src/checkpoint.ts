import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/**
 * The tailer's durable state in one JSON file, replaced atomically (write, then rename): per file
 * (by identity) the acknowledged offset, and the batches sent but not yet acknowledged with their
 * Idempotency-Keys, so a restart re-sends exactly those under the same keys.
 *
 * @example
 * const cp = Checkpoint.open('/var/lib/cloudsage/checkpoint.json', warn);
 * cp.state.files['2049:1234'] = { path: 'logs/app.log', offset: 0, head: '' };
 * cp.save();
 */
export class Checkpoint {
  private constructor(
    readonly path: string,
    readonly state: CheckpointState,
  ) {}

  /** Loads the checkpoint; a missing file is an empty state, an unreadable one is reported and ignored. */
  static open(path: string, warn: (message: string) => void): Checkpoint {
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read checkpoint ${path}: ${String(err)}`);
    }
    if (text !== undefined) {
      try {
        return new Checkpoint(path, State.parse(JSON.parse(text)));
      } catch (err) {
        warn(`checkpoint ${path} is not valid and is ignored (${(err as Error).message.slice(0, 200)})`);
      }
    }
    return new Checkpoint(path, { version: 1, files: {}, pending: [] });
  }

  /** Writes the state (atomically; a crash leaves the old or the new file, never half of one). */
  save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.path);
  }
}
