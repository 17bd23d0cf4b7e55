import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Bounds memory when the reader was far behind at the truncation; the rest of the copy is reported lost.
const MAX_RECOVERED = 64 * 1024 * 1024;

/**
 * After a copytruncate, finds the copy logrotate made (a sibling whose name starts with the file's name,
 * whose first bytes are the file's old first bytes, and which is longer than what was read) and returns
 * the bytes of it from `offset` on: the lines written before the truncation that were not read yet.
 *
 * @example
 * recoverFromCopy('logs/app.log', file.head, file.offset)?.bytes; // from logs/app.log.1
 */
export function recoverFromCopy(
  path: string,
  head: string,
  offset: number,
): { path: string; bytes: Buffer } | undefined {
  if (head === '') return undefined;
  const dir = dirname(path);
  const name = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const headBytes = Buffer.from(head, 'hex');
  let best: { path: string; bytes: Buffer; mtimeMs: number } | undefined;
  for (const candidate of names) {
    if (candidate === name || !candidate.startsWith(name)) continue;
    const full = join(dir, candidate);
    let fd: number | undefined;
    try {
      fd = openSync(full, 'r');
      const st = fstatSync(fd);
      if (!st.isFile() || st.size < offset || (best && st.mtimeMs <= best.mtimeMs)) continue;
      const first = Buffer.alloc(headBytes.length);
      readSync(fd, first, 0, first.length, 0);
      if (!first.equals(headBytes)) continue;
      const bytes = Buffer.alloc(Math.min(st.size - offset, MAX_RECOVERED));
      const got = bytes.length > 0 ? readSync(fd, bytes, 0, bytes.length, offset) : 0;
      best = { path: full, bytes: bytes.subarray(0, got), mtimeMs: st.mtimeMs };
    } catch {
      // unreadable candidate: not the copy
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  return best ? { path: best.path, bytes: best.bytes } : undefined;
}
