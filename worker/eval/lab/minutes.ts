/**
 * `pnpm --dir worker eval:lab:minutes <recording> [service]`: a recording minute by minute, by arrival
 * time (the windows the replay scores), for one service or all: records, error/fatal records, and the
 * median, p90, p95 and p99 of the latency the scorer reads (`latencyOf`; it judges all but the p99),
 * each minute marked with the fault it falls in; for a recording that kept them, what the clients met
 * that minute (`client-minutes.ts`: requests that got a 5xx, none or were never sent, and the median
 * and p95 of the time to the whole answer).
 * What the lab README's per-fault figures are read from, so a claim about a fault's trace in the logs
 * can be checked against the recording itself and against what users waited for.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { LEVEL_RANK, normalizeLine, normalizeRecord } from '@cloudsage/schema';
import { latencyOf } from '../../src/score/latency.js';
import { quantile } from '../../src/score/stats.js';
import { LAB_RECORDINGS, readLabels } from '../sets/labels.js';

const MINUTE = 60_000;

interface Minute {
  records: number;
  errors: number;
  latencies: number[];
}

/** Per-minute tallies of one recording (`service` '' for every service). */
export async function minuteTable(dir: string, service: string): Promise<string[]> {
  const labels = readLabels(dir);
  const minutes = new Map<number, Minute>();
  const lines = createInterface({ input: createReadStream(join(dir, 'records.ndjson.gz')).pipe(createGunzip()) });
  for await (const line of lines) {
    if (line === '') continue;
    const { at, record } = JSON.parse(line) as { at: number; record: unknown };
    // A record the shipper sent as text (a line redaction left unparsable) is read as the ingest reads it.
    const n = typeof record === 'string' ? normalizeLine(record, new Date(at)) : normalizeRecord(record, new Date(at));
    if (!n.ok || (service !== '' && n.record.service !== service)) continue;
    const key = Math.floor(at / MINUTE) * MINUTE;
    let m = minutes.get(key);
    if (m === undefined) {
      m = { records: 0, errors: 0, latencies: [] };
      minutes.set(key, m);
    }
    m.records++;
    if (LEVEL_RANK[n.record.level] >= LEVEL_RANK.error) m.errors++;
    const ms = latencyOf(n.record);
    if (!Number.isNaN(ms)) m.latencies.push(ms);
  }
  const faultAt = (start: number) =>
    labels.faults
      .filter((f) => Date.parse(f.from) < start + MINUTE && Date.parse(f.to) > start)
      .map((f) => f.kind)
      .join('+') || 'healthy';
  const clients = new Map((labels.clients ?? []).map((c) => [Date.parse(c.minute), c]));
  const clientHead =
    clients.size > 0 ? ' client requests | client not served | client median ms | client p95 ms |' : '';
  const out = [
    `${labels.name ?? dir}, ${service || 'every service'}, by arrival minute (UTC)`,
    '',
    `| minute | fault | records | errors | latency readings | median ms | p90 ms | p95 ms | p99 ms |${clientHead}`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|${clients.size > 0 ? '---:|---:|---:|---:|' : ''}`,
  ];
  for (const [start, m] of [...minutes].sort((a, b) => a[0] - b[0])) {
    const p = (q: number) => (m.latencies.length === 0 ? '-' : quantile(m.latencies, q).toFixed(0));
    const c = clients.get(start);
    const client =
      clients.size === 0
        ? ''
        : c === undefined
          ? ' - | - | - | - |'
          : ` ${c.requests} | ${c.status5xx + c.failed + c.dropped} | ${c.p50Ms ?? '-'} | ${c.p95Ms ?? '-'} |`;
    out.push(
      `| ${new Date(start).toISOString().slice(11, 16)} | ${faultAt(start)} | ${m.records} | ${m.errors} | ${m.latencies.length} | ${p(0.5)} | ${p(0.9)} | ${p(0.95)} | ${p(0.99)} |${client}`,
    );
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [name, service = ''] = process.argv.slice(2);
  if (!name) {
    process.stderr.write('usage: pnpm --dir worker eval:lab:minutes <recording> [service]\n');
    process.exit(2);
  }
  const dir = name.includes('/') ? name : join(LAB_RECORDINGS, name);
  process.stdout.write(`${(await minuteTable(dir, service)).join('\n')}\n`);
}
