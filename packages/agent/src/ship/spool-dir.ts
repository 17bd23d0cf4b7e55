import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where standard input's batches are going: what the default spool directory is named after. */
export interface SpoolDestination {
  endpoint: string;
  projectId?: string | undefined;
  service?: string | undefined;
  apiKey: string;
}

// Written into a spool directory whose run ended while the backend refused its key.
const REFUSED_MARKER = 'refused.json';
// A spooled segment, or one claimed for re-sending by a process (`<segment>.<pid>-<id>.claim`).
const SEGMENT_FILE = /^(.+?\.seg)(?:\.[^.]+\.claim)?$/;

/**
 * The default spool directory of standard input: `<stateDir>/spool/<16 hex>`, one per destination
 * (endpoint, project setting, service and API key), so two pipelines with different keys never send
 * each other's batches to the wrong project. The key is only hashed, never written down.
 *
 * @example
 * defaultSpoolDir('/home/me/.local/state/cloudsage', { endpoint, apiKey }); // '.../spool/3f9a0c1d2e4b5a69'
 */
export function defaultSpoolDir(stateDir: string, to: SpoolDestination): string {
  const identity = [to.endpoint, to.projectId ?? '', to.service ?? '', to.apiKey].join('\n');
  return join(stateDir, 'spool', createHash('sha256').update(identity).digest('hex').slice(0, 16));
}

/** Notes that the batches in `dir` wait for a key the backend refused (see {@link adoptRefused}). */
export function markRefused(dir: string, to: SpoolDestination, status: number): void {
  mkdirSync(dir, { recursive: true });
  const { endpoint, projectId, service } = to;
  const note = { endpoint, projectId, service, status, pid: process.pid, at: new Date().toISOString() };
  writeFileSync(join(dir, REFUSED_MARKER), `${JSON.stringify(note)}\n`);
}

/** The backend takes this directory's key: its batches no longer wait for another one. */
export function clearRefused(dir: string): void {
  rmSync(join(dir, REFUSED_MARKER), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves into `dir` the spooled batches of the sibling directories whose run ended while the backend
 * refused their key, for the same endpoint, project setting and service: the run after a key was fixed
 * sends what the run with the wrong key kept. A directory whose run is still alive is left alone.
 * Returns how many batches moved.
 *
 * @example
 * adoptRefused(dir, { endpoint, apiKey }); // 3
 */
export function adoptRefused(dir: string, to: SpoolDestination): number {
  const root = dirname(dir);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  let moved = 0;
  for (const name of names) {
    const other = join(root, name);
    if (other === dir) continue;
    let note: { endpoint?: unknown; projectId?: unknown; service?: unknown; pid?: unknown };
    try {
      note = JSON.parse(readFileSync(join(other, REFUSED_MARKER), 'utf8'));
    } catch {
      continue;
    }
    const same =
      note.endpoint === to.endpoint &&
      (note.projectId ?? '') === (to.projectId ?? '') &&
      (note.service ?? '') === (to.service ?? '');
    if (!same || (typeof note.pid === 'number' && note.pid !== process.pid && isAlive(note.pid))) continue;
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(other)) {
      const segment = SEGMENT_FILE.exec(file)?.[1];
      if (!segment) continue;
      try {
        renameSync(join(other, file), join(dir, segment));
        moved++;
      } catch {
        // taken by another run starting now
      }
    }
    clearRefused(other);
    try {
      rmdirSync(other);
    } catch {
      // something else is left in it
    }
  }
  return moved;
}
