/**
 * `pnpm --dir worker bench:fields`: in-process scoring of 50,000 app records whose attributes carry no
 * HTTP field (every record misses the usual names, so the other-names scan of `field-names.ts` runs for
 * the error rate and the latency signal) against the floor measured in the same run: the same records
 * carrying pino-http's `responseTime` and `res.statusCode` (found by name, no scan). Median of 7 runs each.
 */
import type { LogRecord, ScoreRequest } from '@cloudsage/schema';
import { scoreWindow } from '../src/score/score-window.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const N = 50_000;

function request(http: boolean): ScoreRequest {
  const logs: LogRecord[] = [];
  for (let i = 0; i < N; i++) {
    const attributes: Record<string, unknown> = {
      queue: 'emails',
      jobId: `j-${i}`,
      attempt: i % 3,
      pid: 4242,
      hostname: 'worker-1',
      tenant: 'acme',
    };
    if (http) Object.assign(attributes, { responseTime: 20 + (i % 40), res: { statusCode: 200 } });
    logs.push({
      time: new Date(T0 + i).toISOString(),
      level: i % 97 === 0 ? 'warn' : 'info',
      msg: `job ${i % 500} step ${i % 7} done`,
      service: `svc-${i % 4}`,
      attributes,
    });
  }
  const window = { from: new Date(T0).toISOString(), to: new Date(T0 + 60_000).toISOString() };
  return { projectId: 'p', logs, metadata: { window } };
}

function median(req: ScoreRequest): number {
  for (let i = 0; i < 3; i++) scoreWindow(req);
  const ms: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = process.hrtime.bigint();
    scoreWindow(req);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return ms.sort((a, b) => a - b)[3] as number;
}

const floor = median(request(true));
const scanned = median(request(false));
const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString('en');
process.stdout.write(
  `| records | ms per window | records/s |\n|---|---:|---:|\n` +
    `| found by name (floor) | ${floor.toFixed(1)} | ${rate(floor)} |\n` +
    `| no HTTP field: scanned | ${scanned.toFixed(1)} | ${rate(scanned)} |\n\n` +
    `scan / floor: ${(scanned / floor).toFixed(2)}x\n`,
);
