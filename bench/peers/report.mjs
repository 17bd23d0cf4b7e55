// The markdown report: one table per logger, ratios to that logger's baseline row, and the issue's targets.
import { cpus } from 'node:os';
import { LIKE_FOR_LIKE } from './cases/registry.mjs';

const LOGGERS = [
  { key: 'pino', title: 'pino', wallTarget: 1.2, callTarget: 1.1 },
  { key: 'winston', title: 'winston', wallTarget: 1.5 },
  { key: 'otel', title: 'OpenTelemetry', wallTarget: 1.0 },
];

const fmt = (v, digits = 2) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
const ratio = (v, base) => (v === undefined || base === undefined || base === 0 ? undefined : v / base);
const pct = (d, n) => `${((100 * d) / n).toFixed(d === n ? 0 : 1)}%`;

function table(rows, base, n) {
  const lines = [
    '| shipper | delivered | wall to delivery | × baseline | µs per log call | × baseline | main-thread µs per record, all in | app CPU (all threads) | sink CPU | peak RSS | requests | notes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const delivered =
      r.delivered === undefined ? '-' : `${r.delivered.toLocaleString('en-US')} (${pct(r.delivered, n)})`;
    const wall = r.wallMs === undefined ? '-' : `${fmt(r.wallMs / 1000)} s${r.complete ? '' : ' (gave up)'}`;
    lines.push(
      `| ${r.label} | ${delivered} | ${wall} | ${fmt(ratio(r.wallMs, base?.wallMs))} | ${fmt(r.usPerCall)} | ${fmt(ratio(r.usPerCall, base?.usPerCall))} | ${fmt(r.busyUsPerRecord)} | ${fmt(r.cpuS)} s | ${r.sinkCpuS === undefined ? '-' : `${fmt(r.sinkCpuS)} s`} | ${fmt(r.maxRssMb, 0)} MB | ${r.requests?.toLocaleString('en-US') ?? '-'} | ${r.notes.join('; ').replaceAll('|', '\\|')} |`,
    );
  }
  return lines.join('\n');
}

function targets(logger, rows, base, n) {
  const out = [];
  for (const r of rows.filter((x) => x.spec.cloudsage)) {
    const all = r.delivered === n;
    const wallX = ratio(r.wallMs, base?.wallMs);
    const checks = [`delivered 100%: ${all ? 'yes' : `NO (${r.delivered ?? 0})`}`];
    const wallOk = all && wallX !== undefined && wallX <= logger.wallTarget;
    checks.push(`wall ≤ ${logger.wallTarget}× baseline: ${wallOk ? 'yes' : 'NO'} (${fmt(wallX)}×)`);
    // Against the like-for-like floor over HTTP, when it ran (pino/file to /dev/null pays no HTTP).
    for (const pair of LIKE_FOR_LIKE.filter((p) => p.shipper === r.id)) {
      const floor = rows.find((x) => x.id === pair.floor);
      if (!floor) continue;
      const floorX = ratio(r.wallMs, floor.wallMs);
      const ok = all && floorX !== undefined && floorX <= pair.target;
      checks.push(`wall ≤ ${pair.target}× \`${pair.floor}\`: ${ok ? 'yes' : 'NO'} (${fmt(floorX)}×)`);
    }
    if (logger.callTarget) {
      const callX = ratio(r.usPerCall, base?.usPerCall);
      checks.push(
        `µs per call ≤ ${logger.callTarget}× baseline: ${callX <= logger.callTarget ? 'yes' : 'NO'} (${fmt(callX)}×)`,
      );
    }
    out.push(`- ${r.label}: ${checks.join('; ')}`);
  }
  return out.join('\n');
}

/**
 * @param {object[]} rows results of run.mjs
 * @param {{ records: number, limitMs: number, quietMs: number, startedAt: Date, loadavg: number[], cloudsageOptions?: string }} meta
 */
export function renderReport(rows, meta) {
  const n = meta.records;
  const parts = [
    `# Peer shippers, ${n.toLocaleString('en-US')}-record burst (pnpm bench:peers)`,
    '',
    `${meta.startedAt.toISOString()}, Node ${process.version}, ${cpus().length} CPUs, load average at the end ${meta.loadavg.map((l) => l.toFixed(1)).join(' / ')}. ` +
      'Each run in its own child process; the counting sink (decodes every body in its own protocol) in another. ' +
      `A run ends at full delivery, after ${(meta.limitMs / 1000).toFixed(0)} s, or when nothing new arrived for ${(meta.quietMs / 1000).toFixed(0)} s after the burst. ` +
      '"wall to delivery": from the first log call to the last record counted by the sink (floors: to the local write flushed). ' +
      '"µs per log call": the synchronous loop of log calls divided by the records. ' +
      '"all in": main-thread event-loop busy time from the first call to the end of delivery (work deferred to later ticks included), per record. ' +
      "App CPU: user + system time of the run's process, every thread, from the first call to the end of delivery; sink CPU: the sink process over the same run (decoding and HTTP). " +
      'Peak RSS: the process (worker threads included).',
  ];
  if (meta.cloudsageOptions) {
    parts.push('', `**What-if run: every CloudSage shipper got \`${meta.cloudsageOptions}\` on top of its defaults.**`);
  }
  for (const logger of LOGGERS) {
    const group = rows.filter((r) => r.logger === logger.key);
    if (group.length === 0) continue;
    const base = group.find((r) => r.spec.baseline);
    parts.push('', `## ${logger.title}`, '', table(group, base, n));
    const t = targets(logger, group, base, n);
    if (t) parts.push('', `Targets (baseline: ${base?.label ?? 'not run'}):`, '', t);
  }
  return `${parts.join('\n')}\n`;
}
