import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudSageError } from '../errors.js';
import { decodeSegment, encodeSegment, type SpooledBatch } from './segment-codec.js';

/** The caps of a spool directory. */
export interface SpoolLimits {
  /** Bytes all segments may take together; the oldest go first when a new one would not fit. */
  maxBytes: number;
  /** Segments older than this are deleted unsent (kept below the backend's 24 h idempotency window). */
  maxAgeMs: number;
}

/** A segment this process has claimed for re-sending. */
export interface ClaimedSegment {
  /** The segment's file name (without the claim suffix). */
  name: string;
  batch: SpooledBatch;
}

const SEGMENT = /^(\d{15})-\d+-\d{6}\.seg$/;
const CLAIM = /^(.+\.seg)\.(\d+)-([0-9a-f]+)\.claim$/;
const TMP = /^(.+\.seg)\.(\d+)\.tmp$/;
// Instances of this process that hold claims: a claim by our own pid but another run is stale.
const liveInstances = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ageOf(name: string): number | undefined {
  const m = SEGMENT.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * The on-disk spool: one segment file per batch, written atomically (temp file + rename) so a crash
 * mid-write leaves no half segment under a segment name; claimed by rename before re-sending, so two
 * processes sharing a directory never send the same segment at once. Capped by total bytes (oldest
 * deleted first) and by age. Problems are reported, never thrown.
 *
 * @example
 * const store = new SpoolStore('/var/spool/app', { maxBytes: 256 << 20, maxAgeMs: 23 * 3600_000 }, Date.now, report);
 * store.writeSync({ idempotencyKey, spooledAt: Date.now(), lines, dropped });
 */
export class SpoolStore {
  private seq = 0;
  private readonly instance = randomBytes(4).toString('hex');
  private readonly claimed = new Set<string>();
  private made = false;

  constructor(
    readonly dir: string,
    private readonly limits: SpoolLimits,
    private readonly now: () => number,
    private readonly report: (error: CloudSageError) => void,
  ) {
    liveInstances.add(this.instance);
  }

  /**
   * Writes one batch as a new segment, synchronously (it runs on exit paths, where nothing async
   * completes). Makes room by deleting the oldest unclaimed segments. Answers whether it was written.
   */
  writeSync(batch: SpooledBatch): boolean {
    try {
      const bytes = encodeSegment(batch);
      if (!this.made) {
        mkdirSync(this.dir, { recursive: true });
        this.made = true;
      }
      if (!this.makeRoom(bytes.length)) {
        this.report(
          new CloudSageError(
            'spool_overflow',
            `spool full: a batch of ${batch.lines.length} record(s) (${bytes.length} bytes) does not fit in spool.maxBytes`,
            { details: { idempotencyKey: batch.idempotencyKey, records: batch.lines.length } },
          ),
        );
        return false;
      }
      const stamp = String(Math.max(0, Math.floor(batch.spooledAt))).padStart(15, '0');
      const name = `${stamp}-${process.pid}-${String(this.seq++ % 1_000_000).padStart(6, '0')}.seg`;
      const tmp = join(this.dir, `${name}.${process.pid}.tmp`);
      writeFileSync(tmp, bytes);
      renameSync(tmp, join(this.dir, name));
      return true;
    } catch (err) {
      this.report(
        new CloudSageError('spool_io', `could not write to the spool: ${(err as Error).message}`, { cause: err }),
      );
      return false;
    }
  }

  private makeRoom(incoming: number): boolean {
    if (incoming > this.limits.maxBytes) return false;
    const entries = readdirSync(this.dir)
      .filter((n) => n.endsWith('.seg') || n.endsWith('.claim'))
      .map((n) => {
        try {
          return { n, size: statSync(join(this.dir, n)).size };
        } catch {
          return { n, size: 0 };
        }
      })
      .sort((a, b) => (a.n < b.n ? -1 : 1));
    let used = entries.reduce((s, e) => s + e.size, 0);
    let deleted = 0;
    let freed = 0;
    for (const e of entries) {
      if (used + incoming <= this.limits.maxBytes) break;
      if (!e.n.endsWith('.seg')) continue; // a claimed segment is being re-sent right now
      try {
        unlinkSync(join(this.dir, e.n));
        used -= e.size;
        freed += e.size;
        deleted++;
      } catch {
        // gone already: another process sent or deleted it
      }
    }
    if (deleted > 0) {
      this.report(
        new CloudSageError(
          'spool_overflow',
          `spool full: deleted the ${deleted} oldest segment(s) (${freed} bytes) unsent`,
          {
            details: { segments: deleted, bytes: freed },
          },
        ),
      );
    }
    return used + incoming <= this.limits.maxBytes;
  }

  /**
   * The segments waiting to be re-sent, oldest first. Deletes expired segments and leftover temp
   * files, and returns stale claims (their process died mid-send) to the queue first.
   */
  async pending(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.report(
        new CloudSageError('spool_io', `could not read the spool: ${(err as Error).message}`, { cause: err }),
      );
      return [];
    }
    const ready: string[] = [];
    let expired = 0;
    const cutoff = this.now() - this.limits.maxAgeMs;
    for (let name of names) {
      const claim = CLAIM.exec(name);
      if (claim) {
        const pid = Number(claim[2]);
        const stale = pid === process.pid ? !liveInstances.has(claim[3] as string) : !isAlive(pid);
        if (!stale) continue;
        const back = claim[1] as string;
        if (!(await this.tryRename(name, back))) continue;
        name = back;
      }
      const tmp = TMP.exec(name);
      if (tmp) {
        if (!isAlive(Number(tmp[2])) || Number(tmp[2]) === process.pid)
          await unlink(join(this.dir, name)).catch(() => {});
        continue;
      }
      const at = ageOf(name);
      if (at === undefined) continue;
      if (at < cutoff) {
        if (
          await unlink(join(this.dir, name)).then(
            () => true,
            () => false,
          )
        )
          expired++;
        continue;
      }
      ready.push(name);
    }
    if (expired > 0) {
      this.report(
        new CloudSageError('spool_expired', `deleted ${expired} spooled segment(s) older than spool.maxAgeMs unsent`, {
          details: { segments: expired },
        }),
      );
    }
    return ready.sort();
  }

  /**
   * Claims a segment and reads it. Undefined when another process claimed it first, or when it is
   * damaged: then it is deleted and reported as `spool_corrupt`.
   */
  async claim(name: string): Promise<ClaimedSegment | undefined> {
    const claimName = this.claimName(name);
    if (!(await this.tryRename(name, claimName))) return undefined;
    this.claimed.add(name);
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.dir, claimName));
    } catch (err) {
      this.claimed.delete(name);
      this.report(new CloudSageError('spool_io', `could not read spooled segment ${name}: ${(err as Error).message}`));
      return undefined;
    }
    const decoded = decodeSegment(bytes);
    if (!decoded.ok) {
      await this.done(name);
      this.report(
        new CloudSageError('spool_corrupt', `skipped spooled segment ${name}: ${decoded.reason}`, {
          details: { segment: name, reason: decoded.reason },
        }),
      );
      return undefined;
    }
    return { name, batch: decoded.batch };
  }

  /** Deletes a claimed segment (sent, or given up). */
  async done(name: string): Promise<void> {
    await unlink(join(this.dir, this.claimName(name))).catch(() => {});
    this.claimed.delete(name);
  }

  /** Returns a claimed segment to the queue (the backend is still down). */
  async unclaim(name: string): Promise<void> {
    await this.tryRename(this.claimName(name), name);
    this.claimed.delete(name);
  }

  /** Returns every claim of this instance to the queue, synchronously (exit paths). */
  unclaimAllSync(): void {
    for (const name of this.claimed) {
      try {
        renameSync(join(this.dir, this.claimName(name)), join(this.dir, name));
      } catch {
        // already sent and deleted
      }
    }
    this.claimed.clear();
  }

  /** Forgets this instance (its claims become stale for later runs). */
  close(): void {
    liveInstances.delete(this.instance);
  }

  private claimName(name: string): string {
    return `${name}.${process.pid}-${this.instance}.claim`;
  }

  private async tryRename(from: string, to: string): Promise<boolean> {
    try {
      await rename(join(this.dir, from), join(this.dir, to));
      return true;
    } catch {
      return false;
    }
  }
}
