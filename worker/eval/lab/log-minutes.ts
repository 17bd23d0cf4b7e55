/**
 * A recording's records tallied by arrival minute (the windows the replay scores), per service and for
 * every service: records, error/fatal records and the latencies the scorer reads (`latencyOf`). The
 * logs' side of what a fault did, read from the recording itself, for the minute table (`minutes.ts`)
 * and for the evaluation's detections, beside what the clients met (`client-minutes.ts`).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { LEVEL_RANK, normalizeLine, normalizeRecord } from '@cloudsage/schema';
import { latencyOf } from '../../src/score/latency.js';
import { quantile } from '../../src/score/stats.js';

const MINUTE = 60_000;
/** The key of every service together. */
export const ALL_SERVICES = '';

/** One arrival minute of one service (or of all). */
export interface LogMinute {
  records: number;
  errors: number;
  latencies: number[];
}

/** Minute start (ms) -> tally. */
export type LogMinutes = Map<number, LogMinute>;

function tally(minutes: LogMinutes, key: number): LogMinute {
  let m = minutes.get(key);
  if (m === undefined) {
    m = { records: 0, errors: 0, latencies: [] };
    minutes.set(key, m);
  }
  return m;
}

/** Every service's minutes (`ALL_SERVICES` for all of them), read as the ingest reads the records. */
export async function logMinutes(dir: string): Promise<Map<string, LogMinutes>> {
  const out = new Map<string, LogMinutes>([[ALL_SERVICES, new Map()]]);
  const lines = createInterface({ input: createReadStream(join(dir, 'records.ndjson.gz')).pipe(createGunzip()) });
  for await (const line of lines) {
    if (line === '') continue;
    const { at, record } = JSON.parse(line) as { at: number; record: unknown };
    // A record the shipper sent as text (a line redaction left unparsable) is read as the ingest reads it.
    const n = typeof record === 'string' ? normalizeLine(record, new Date(at)) : normalizeRecord(record, new Date(at));
    if (!n.ok) continue;
    const key = Math.floor(at / MINUTE) * MINUTE;
    const service = n.record.service;
    const targets = [tally(out.get(ALL_SERVICES)!, key)];
    if (service !== undefined && service !== ALL_SERVICES) {
      let byMinute = out.get(service);
      if (byMinute === undefined) {
        byMinute = new Map();
        out.set(service, byMinute);
      }
      targets.push(tally(byMinute, key));
    }
    const error = LEVEL_RANK[n.record.level] >= LEVEL_RANK.error;
    const ms = latencyOf(n.record);
    for (const m of targets) {
      m.records++;
      if (error) m.errors++;
      if (!Number.isNaN(ms)) m.latencies.push(ms);
    }
  }
  return out;
}

/** A minute's latency quantile, or null without readings (sorts the minute's readings in place). */
export function latencyQuantile(m: LogMinute, q: number): number | null {
  return m.latencies.length === 0 ? null : quantile(m.latencies, q);
}
