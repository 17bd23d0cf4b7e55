/**
 * Real scoring windows for the request-path bench: the lab's recordings of microservice logs
 * (eval/lab/recordings, format in eval/lab/README.md), turned into what the backend would store and
 * send. Each record goes through the schema's normalizer as ingest does; records received in the same
 * minute form a window; records received together (the same `at`) form one stored batch, gzipped at
 * level 1 as `BatchWriter` writes them. Each window carries the baseline learned from the windows
 * before it, so the request is as large as a real one.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { type LogRecord, normalizeRecord, type ScoreRequest } from '@cloudsage/schema';
import { scoreWindow } from '../src/score/score-window.js';

const RECORDINGS = join(dirname(fileURLToPath(import.meta.url)), '..', 'eval', 'lab', 'recordings');
const MINUTE = 60_000;

/** One window as the dispatcher would send it. */
export interface RealWindow {
  /** The recording and minute it comes from. */
  name: string;
  request: ScoreRequest;
  /** The stored gzip NDJSON objects of the window's batches, in order. */
  batches: Buffer[];
}

/**
 * The windows of `recordings` with between `min` and `max` records, in recording order.
 *
 * @example
 * const windows = loadRealWindows(['lab-1', 'lab-2'], 1_000, 3_100);
 */
export function loadRealWindows(recordings: readonly string[], min: number, max: number): RealWindow[] {
  const out: RealWindow[] = [];
  for (const name of recordings) {
    const text = gunzipSync(readFileSync(join(RECORDINGS, name, 'records.ndjson.gz'))).toString('utf8');
    const minutes = new Map<number, { at: number; records: LogRecord[] }[]>();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const { at, record } = JSON.parse(line) as { at: number; record: unknown };
      const r = normalizeRecord(record, at);
      if (!r.ok) continue;
      const minute = Math.floor(at / MINUTE) * MINUTE;
      const batches = minutes.get(minute) ?? [];
      minutes.set(minute, batches);
      const last = batches[batches.length - 1];
      if (last?.at === at) last.records.push(r.record);
      else batches.push({ at, records: [r.record] });
    }
    let baseline: ScoreRequest['metadata']['baseline'];
    for (const [minute, batches] of [...minutes].sort((a, b) => a[0] - b[0])) {
      const logs = batches.flatMap((b) => b.records);
      const window = { from: new Date(minute).toISOString(), to: new Date(minute + MINUTE).toISOString() };
      const request: ScoreRequest = {
        projectId: 'bench',
        logs,
        metadata: { window, ...(baseline ? { baseline } : {}), samplingRatio: 1, totalRecords: logs.length },
      };
      if (logs.length >= min && logs.length <= max) {
        const stored = batches.map((b) =>
          gzipSync(b.records.map((r) => `${JSON.stringify(r)}\n`).join(''), { level: constants.Z_BEST_SPEED }),
        );
        out.push({ name: `${name}@${window.from}`, request, batches: stored });
      }
      baseline = scoreWindow(request).baseline;
    }
  }
  return out;
}
