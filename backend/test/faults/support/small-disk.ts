import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A small tmpfs mounted for one test, so its data directory can really run out of space. */
export class SmallDisk {
  readonly #filler: string;

  private constructor(readonly dir: string) {
    this.#filler = join(dir, 'filler');
  }

  /** Mounts a tmpfs of `sizeMiB`; undefined when mounting is not permitted (not root, no CAP_SYS_ADMIN). */
  static async mount(sizeMiB: number): Promise<SmallDisk | undefined> {
    const dir = mkdtempSync(join(tmpdir(), 'cs-fault-disk-'));
    try {
      await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir]);
      return new SmallDisk(dir);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
  }

  /** Writes a filler file until the disk answers ENOSPC; answers the bytes written. */
  fill(): number {
    const fd = openSync(this.#filler, 'w');
    const block = Buffer.alloc(64 * 1024, 0x2e);
    let written = 0;
    try {
      for (;;) written += writeSync(fd, block);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOSPC') throw err;
      // The last bytes: a partial block may still fit.
      try {
        for (;;) {
          const n = writeSync(fd, block, 0, 512);
          if (n === 0) break;
          written += n;
        }
      } catch {
        // Full to the last block.
      }
    } finally {
      closeSync(fd);
    }
    return written;
  }

  /** Space returns. */
  free(): void {
    unlinkSync(this.#filler);
  }

  async dispose(): Promise<void> {
    await run('umount', ['-l', this.dir]).catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
