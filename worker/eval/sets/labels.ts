/**
 * A recording's `labels.json` (worker/eval/lab/README.md): the injected faults and their intervals.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { ClientMinute } from '../lab/client-minutes.js';

/** One injected fault. `benign` ones are labelled events that are no incident. */
export interface Fault {
  kind: string;
  service: string;
  /** ISO 8601 UTC. */
  from: string;
  to: string;
  benign?: boolean;
  note?: string;
}

/** What a recording's labels say. */
export interface Labels {
  name: string;
  startedAt?: string;
  endedAt?: string;
  services?: string[];
  faults: Fault[];
  /**
   * False for a set whose lines carry no labels at all (most public samples): its windows count only
   * for false alarms. Absent means labelled (lab recordings).
   */
  labelled?: boolean;
  /**
   * The whole recording is known abnormal but its fault has no interval (a job labelled as failed):
   * none of its windows is healthy, so it stays out of the false alarms. Says why.
   */
  abnormal?: string;
  /** Lab recordings: what the load generator's requests met, per minute (recorded since lab-9). */
  clients?: ClientMinute[];
}

/** A recording folder with its labels. */
export interface RecordingRef {
  /** Set name: lab, public. */
  set: string;
  name: string;
  dir: string;
  labels: Labels;
}

const here = dirname(fileURLToPath(import.meta.url));
/** Where the fault lab writes its recordings. */
export const LAB_RECORDINGS = join(here, '..', 'lab', 'recordings');

/** Reads `<dir>/labels.json`, checking the fields the evaluation relies on. */
export function readLabels(dir: string): Labels {
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Labels;
  if (!Array.isArray(labels.faults)) throw new Error(`${dir}/labels.json: faults is not a list`);
  for (const f of labels.faults) {
    if (typeof f.kind !== 'string' || Number.isNaN(Date.parse(f.from)) || Number.isNaN(Date.parse(f.to))) {
      throw new Error(`${dir}/labels.json: a fault needs kind, from and to: ${JSON.stringify(f)}`);
    }
  }
  return labels;
}

/** Whether the gzip stream is whole: a recording still being written, or whose recorder died, ends mid-stream. */
function gzipComplete(file: string): boolean {
  try {
    gunzipSync(readFileSync(file));
    return true;
  } catch {
    return false;
  }
}

/** A truncated recording untouched this long is taken as finished (its recorder stopped without closing it). */
const SETTLED_MS = 120_000;

/**
 * Every recording under `root` (a folder with both files), by name. One whose gzip stream is cut
 * short is used up to its last whole line when it has not changed for two minutes, and left out
 * while it may still be written; either is named to `onNote`.
 */
export function labRecordings(root = LAB_RECORDINGS, onNote: (why: string) => void = () => {}): RecordingRef[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, d.name))
    .filter((dir) => existsSync(join(dir, 'records.ndjson.gz')) && existsSync(join(dir, 'labels.json')))
    .filter((dir) => {
      const file = join(dir, 'records.ndjson.gz');
      if (gzipComplete(file)) return true;
      const settled = Date.now() - statSync(file).mtimeMs > SETTLED_MS;
      onNote(
        settled
          ? `${dir}: records.ndjson.gz is truncated (gzip stream not closed); replayed up to its last whole line`
          : `${dir}: records.ndjson.gz is still being written; left out`,
      );
      return settled;
    })
    .sort()
    .map((dir) => {
      const labels = readLabels(dir);
      return { set: 'lab', name: labels.name || dir.slice(dir.lastIndexOf('/') + 1), dir, labels };
    });
}
