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
import { join } from 'node:path';
import { LAB_RECORDINGS, readLabels } from '../sets/labels.js';
import { ALL_SERVICES, latencyQuantile, logMinutes } from './log-minutes.js';

const MINUTE = 60_000;

/** Per-minute tallies of one recording (`service` '' for every service). */
export async function minuteTable(dir: string, service: string): Promise<string[]> {
  const labels = readLabels(dir);
  const minutes = (await logMinutes(dir)).get(service || ALL_SERVICES) ?? new Map();
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
    const p = (q: number) => latencyQuantile(m, q)?.toFixed(0) ?? '-';
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
