/**
 * `pnpm --dir worker bench:score`: records/s that ONE worker process scores over HTTP, on windows of
 * 1,000 and 50,000 records, with p50/p99 request latency. The worker runs as its own process (the built
 * `dist/server.js`, as in production); this process only sends. Beside it, in the same run, the
 * baseline: `JSON.parse` of the same request body in this process, the floor every JSON API pays before
 * it does any work; and, to show where the time goes, validation plus scoring alone in this process.
 * The machine's load moves the absolute figures; the ratio to `JSON.parse` moves much less. Options: `--seconds N` per case (default 8), `--concurrency N` (default 2).
 */
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import type { Baseline, LogRecord } from '@cloudsage/schema';
import { Rng } from '../eval/prng.js';
import { NORMAL, webApi } from '../eval/profiles.js';
import { parseScoreRequest } from '../src/parse-request.js';
import { scoreWindow } from '../src/score/score-window.js';
import { freePort, postScore, startWorker } from './worker-process.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '8' }, concurrency: { type: 'string', default: '2' } },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const MINUTE = 60_000;
const START = Date.parse('2026-01-05T00:00:00.000Z');

/** A web API's window of about `n` records, and a baseline learned from 30 normal windows. */
function makeBody(n: number): { body: Buffer; records: number } {
  const rng = new Rng(n);
  let baseline: Baseline | undefined;
  for (let i = 0; i < 30; i++) {
    const from = START + i * MINUTE;
    const logs = webApi.window(rng, i, from, { ...NORMAL, volume: n / 600 });
    const window = { from: new Date(from).toISOString(), to: new Date(from + MINUTE).toISOString() };
    baseline = scoreWindow({ projectId: 'bench', logs, metadata: { window, baseline } }).baseline;
  }
  const from = START + 30 * MINUTE;
  let logs: LogRecord[] = webApi.window(rng, 30, from, { ...NORMAL, volume: n / 600 });
  logs = logs.slice(0, n);
  const window = { from: new Date(from).toISOString(), to: new Date(from + MINUTE).toISOString() };
  const body = Buffer.from(JSON.stringify({ projectId: 'bench', logs, metadata: { window, baseline } }));
  return { body, records: logs.length };
}

function pctl(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

interface Result {
  recPerSec: number;
  p50: number;
  p99: number;
  requests: number;
}

async function runHttp(port: number, body: Buffer, records: number): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  for (let i = 0; i < 3; i++) await postScore(agent, port, body, JSON_HEADERS); // warm the JIT
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) latencies.push(await postScore(agent, port, body, JSON_HEADERS));
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    recPerSec: (latencies.length * records) / elapsed,
    p50: pctl(latencies, 0.5),
    p99: pctl(latencies, 0.99),
    requests: latencies.length,
  };
}

/** Runs `work` over and over for a few seconds in this process. */
function runLocal(records: number, work: () => void): Result {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + Math.min(SECONDS, 3) * 1000;
  while (performance.now() < deadline) {
    const t = performance.now();
    work();
    latencies.push(performance.now() - t);
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    recPerSec: (latencies.length * records) / elapsed,
    p50: pctl(latencies, 0.5),
    p99: pctl(latencies, 0.99),
    requests: latencies.length,
  };
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => `${x.toFixed(1)} ms`;

const port = await freePort();
const worker = await startWorker(port);
try {
  console.log(
    `one worker process (node ${process.version}), ${CONCURRENCY} requests in flight, ${SECONDS} s per case\n`,
  );
  console.log(
    '| window | body | scored over HTTP (rec/s) | p50 | p99 | JSON.parse only (rec/s) | ratio | validate + score in-process (rec/s) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const n of [1_000, 50_000]) {
    const { body, records } = makeBody(n);
    const http = await runHttp(port, body, records);
    const text = body.toString('utf8');
    const parse = runLocal(records, () => JSON.parse(text));
    const parsed = JSON.parse(text);
    const score = runLocal(records, () => {
      const r = parseScoreRequest(parsed);
      if (r.ok) scoreWindow(r.data);
    });
    console.log(
      `| ${fmt(records)} records | ${(body.length / 1048576).toFixed(1)} MiB | ${fmt(http.recPerSec)} | ` +
        `${ms(http.p50)} | ${ms(http.p99)} | ${fmt(parse.recPerSec)} | ${(http.recPerSec / parse.recPerSec).toFixed(2)} | ${fmt(score.recPerSec)} |`,
    );
  }
  console.log('\ntarget: >= 200,000 records/s for one worker');
} finally {
  worker.kill('SIGTERM');
}
