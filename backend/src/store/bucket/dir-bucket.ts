import { randomBytes } from 'node:crypto';
import { type Dirent, constants as fsConstants } from 'node:fs';
import { access, type FileHandle, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { assertSafeKey, type Bucket } from './bucket.js';

// Temp files start with a dot: a safe key's segments never do, so list() can never return one.
const TEMP_PREFIX = '.tmp-';
// Keys are dated by the hour, so few directories are live at once; the cache only has to stay bounded.
const KNOWN_DIRS_MAX = 4096;

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/**
 * The embedded bucket: one file per object under `<dataDir>/bucket/`. A put writes a temp file in
 * the target directory, fsyncs it, renames it over the key and fsyncs the directory, so an object
 * whose put resolved survives SIGKILL and is never seen half-written.
 *
 * @example
 * const bucket = new DirBucket('.cloudsage');
 * await bucket.put('logs/p1/2026-01-01/00/b1.ndjson.gz', bytes);
 */
export class DirBucket implements Bucket {
  /** Absolute path of the bucket's root directory. */
  readonly root: string;
  // Directories made (durably, once the promise resolves) or seen by a put of this process.
  readonly #dirs = new Map<string, Promise<void>>();
  // Per directory: the fsync running now, and the one queued to start after it.
  readonly #dirSyncs = new Map<string, { running: Promise<void> | undefined; next: Promise<void> | undefined }>();

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'bucket');
  }

  /** The file path of a key; throws for an unsafe key or one that would resolve outside the root. */
  private pathOf(key: string): string {
    assertSafeKey(key);
    const path = resolve(this.root, key);
    // Belt and braces beside assertSafeKey: no key may ever name a file outside the root.
    if (!path.startsWith(this.root + sep)) throw new Error(`unsafe bucket key: ${JSON.stringify(key.slice(0, 80))}`);
    return path;
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    if (key.endsWith('/')) throw new Error('bucket key must not end with /');
    const dir = dirname(path);
    await this.#ensureDir(dir);
    const temp = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    let handle: FileHandle;
    try {
      handle = await open(temp, 'wx', 0o600);
    } catch (err) {
      if ((err as { code?: string })?.code !== 'ENOENT') throw err;
      // The directory was removed since an earlier put made it (a project's logs deleted).
      this.#dirs.delete(dir);
      await this.#ensureDir(dir);
      handle = await open(temp, 'wx', 0o600);
    }
    try {
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await unlink(temp).catch(() => {});
      throw err;
    }
    await this.#syncDir(dir);
  }

  /**
   * Makes a directory durably: new directories exist only once their parents' entries are synced
   * too. Most puts land in a directory an earlier put made, and share its promise instead of
   * repeating the mkdir; a put that comes while the first is still syncing parents waits for it.
   */
  #ensureDir(dir: string): Promise<void> {
    let ready = this.#dirs.get(dir);
    if (!ready) {
      if (this.#dirs.size >= KNOWN_DIRS_MAX) this.#dirs.clear();
      ready = (async () => {
        const created = await mkdir(dir, { recursive: true });
        if (!created) return;
        const top = dirname(created);
        for (let d = dirname(dir); ; d = dirname(d)) {
          await this.#syncDir(d);
          if (d === top || dirname(d) === d) break;
        }
      })();
      const made = ready;
      this.#dirs.set(dir, made);
      made.catch(() => {
        if (this.#dirs.get(dir) === made) this.#dirs.delete(dir);
      });
    }
    return ready;
  }

  /**
   * Fsyncs a directory after an entry was renamed into it. Concurrent puts into one directory
   * share fsyncs: a caller that finds one running waits for the next, which starts after the
   * running one ends and so after the caller's rename; every later caller joins that one too.
   */
  #syncDir(dir: string): Promise<void> {
    let state = this.#dirSyncs.get(dir);
    if (!state) {
      state = { running: undefined, next: undefined };
      this.#dirSyncs.set(dir, state);
    }
    const s = state;
    const start = (): Promise<void> => {
      const run = fsyncPath(dir).finally(() => {
        if (s.running === run) s.running = undefined;
        if (!s.running && !s.next) this.#dirSyncs.delete(dir);
      });
      s.running = run;
      return run;
    };
    if (!s.running) return start();
    if (!s.next) {
      s.next = s.running
        .catch(() => {})
        .then(() => {
          s.next = undefined;
          return start();
        });
    }
    return s.next;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    if (prefix !== '') assertSafeKey(prefix);
    // Walk from the deepest directory the prefix names fully; filter the rest by string prefix.
    const slash = prefix.lastIndexOf('/');
    const base = slash < 0 ? '' : prefix.slice(0, slash + 1);
    yield* this.walk(base, prefix);
  }

  // Entries are visited sorted by name with directories as "name/", which is exactly the
  // lexicographic order of the full keys, so keys stream out sorted without collecting them.
  private async *walk(dirKey: string, prefix: string): AsyncIterable<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(dirKey === '' ? this.root : join(this.root, dirKey), { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    const named = entries
      .filter((e) => !e.name.startsWith('.') && (e.isFile() || e.isDirectory()))
      .map((e) => ({ key: dirKey + e.name + (e.isDirectory() ? '/' : ''), dir: e.isDirectory() }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const entry of named) {
      if (entry.dir) {
        if (entry.key.startsWith(prefix) || prefix.startsWith(entry.key)) yield* this.walk(entry.key, prefix);
      } else if (entry.key.startsWith(prefix)) {
        yield entry.key;
      }
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (prefix.endsWith('/')) {
      // A whole directory: one recursive remove instead of a file-by-file walk.
      await rm(this.pathOf(prefix), { recursive: true, force: true });
      return;
    }
    const keys: string[] = [];
    for await (const key of this.list(prefix)) keys.push(key);
    for (const key of keys) await this.delete(key);
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, fsConstants.R_OK | fsConstants.W_OK);
  }

  async close(): Promise<void> {}
}
