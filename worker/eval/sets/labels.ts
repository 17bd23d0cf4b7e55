/**
 * A recording's `labels.json` (worker/eval/lab/README.md): the injected faults and their intervals.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Every complete recording under `root` (a folder with both files), by name. */
export function labRecordings(root = LAB_RECORDINGS): RecordingRef[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, d.name))
    .filter((dir) => existsSync(join(dir, 'records.ndjson.gz')) && existsSync(join(dir, 'labels.json')))
    .sort()
    .map((dir) => {
      const labels = readLabels(dir);
      return { set: 'lab', name: labels.name || dir.slice(dir.lastIndexOf('/') + 1), dir, labels };
    });
}
