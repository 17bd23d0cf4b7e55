/**
 * `pnpm --dir worker bench:request` (issue #21): how much of the worker's own scoring speed survives the
 * request path. On real windows of microservice logs (the lab's recordings, 1,000-3,100 records of
 * ~400 B; see real-windows.ts), in one run and in interleaved rounds:
 *
 * - scoring only: `scoreWindow` on the already-validated requests, in this process: the ceiling;
 * - `/score` end to end with the JSON body, against the built worker as its own process;
 * - `/score` end to end with NDJSON (the stored form's lines after an envelope line, no gzip), as the
 *   dispatcher sends it;
 * - `/score` end to end with gzip NDJSON, the batch objects as stored after an envelope member.
 *
 * Each end-to-end figure is printed beside its floor, 75% of scoring only in the same round, with the
 * median over rounds. Options: `--seconds N` per case and round (default 4), `--rounds N` (default 3),
 * `--concurrency N` requests in flight (default 4). `BENCH_WORKER_ARGS` adds node flags to the worker
 * process, e.g. `BENCH_WORKER_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'` to profile it.
 */
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { constants, gzipSync } from 'node:zlib';
import { SCORE_NDJSON_CONTENT_TYPE } from '@cloudsage/schema';
import { scoreWindow } from '../src/score/score-window.js';
import { quantile } from '../src/score/stats.js';
import { loadRealWindows, type RealWindow } from './real-windows.js';
import { freePort, postScore, startWorker } from './worker-process.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
/** The issue's floor: end to end at no less than this share of scoring only. */
const FLOOR = 0.75;

/** A request body ready to send, with its headers and how many records it carries. */
interface Body {
  bytes: Buffer;
  headers: Record<string, string>;
  records: number;
}

function jsonBody(w: RealWindow): Body {
  return {
    bytes: Buffer.from(JSON.stringify(w.request)),
    headers: { 'content-type': 'application/json' },
    records: w.request.logs.length,
  };
}

/** NDJSON as the dispatcher sends it: the envelope line, then one record a line. */
function ndjsonBody(w: RealWindow): Body {
  const { logs, ...envelope } = w.request;
  return {
    bytes: Buffer.from([JSON.stringify(envelope), ...logs.map((r) => JSON.stringify(r)), ''].join('\n')),
    headers: { 'content-type': SCORE_NDJSON_CONTENT_TYPE },
    records: logs.length,
  };
}

/** The stored bytes as they are: an envelope member, then the window's batch objects. */
function storedBody(w: RealWindow): Body {
  const { logs, ...envelope } = w.request;
  const head = gzipSync(`${JSON.stringify(envelope)}\n`, { level: constants.Z_BEST_SPEED });
  return {
    bytes: Buffer.concat([head, ...w.batches]),
    headers: { 'content-type': SCORE_NDJSON_CONTENT_TYPE, 'content-encoding': 'gzip' },
    records: logs.length,
  };
}

/** Records/s of `/score` with CONCURRENCY requests in flight, cycling through the bodies. */
async function runHttp(port: number, bodies: Body[]): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  for (const b of bodies.slice(0, 8)) await postScore(agent, port, b.bytes, b.headers); // warm the JIT and the sockets
  let next = 0;
  let records = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const body = bodies[next++ % bodies.length]!;
        await postScore(agent, port, body.bytes, body.headers);
        records += body.records;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return records / elapsed;
}

/** Records/s of `scoreWindow` alone on the same windows, in this process. */
function runScoring(windows: RealWindow[]): number {
  for (const w of windows.slice(0, 8)) scoreWindow(w.request);
  let next = 0;
  let records = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  while (performance.now() < deadline) {
    const w = windows[next++ % windows.length]!;
    scoreWindow(w.request);
    records += w.request.logs.length;
  }
  return records / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => quantile(xs, 0.5);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${Math.round(x * 100)}%`;

const windows = loadRealWindows(['lab-1', 'lab-2'], 1_000, 3_100);
const bodies = { json: windows.map(jsonBody), ndjson: windows.map(ndjsonBody), stored: windows.map(storedBody) };
type Case = 'score' | keyof typeof bodies;
const CASES: Case[] = ['score', 'json', 'ndjson', 'stored'];
const avg = (f: (b: Body) => number, list: Body[]) => list.reduce((a, b) => a + f(b), 0) / list.length;
const kib = (list: Body[]) => `${fmt(avg((b) => b.bytes.length, list) / 1024)} KiB`;
const port = await freePort();
const worker = await startWorker(port);
try {
  console.log(
    `one worker process (node ${process.version}), ${CONCURRENCY} requests in flight, ${SECONDS} s per case, ` +
      `${ROUNDS} interleaved rounds; ${windows.length} real windows (lab-1, lab-2) of ` +
      `${fmt(avg((b) => b.records, bodies.json))} records on average; bodies: JSON ${kib(bodies.json)}, ` +
      `NDJSON ${kib(bodies.ndjson)}, gzip NDJSON ${kib(bodies.stored)}\n`,
  );
  console.log(
    '| round | scoring only (rec/s) | JSON end to end (rec/s) | ratio | NDJSON end to end (rec/s) | ratio | gzip NDJSON end to end (rec/s) | ratio |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const rows: Record<Case, number>[] = [];
  const run = (name: Case) => (name === 'score' ? Promise.resolve(runScoring(windows)) : runHttp(port, bodies[name]));
  const line = (label: string, r: Record<Case, number>, ratio: (c: Case) => number) =>
    `| ${label} | ${fmt(r.score)} | ${(['json', 'ndjson', 'stored'] as const).map((c) => `${fmt(r[c])} | ${pct(ratio(c))}`).join(' | ')} |`;
  for (let round = 0; round < ROUNDS; round++) {
    // A different order each round, so a drift in the machine's load does not favour one case.
    const row = { score: 0, json: 0, ndjson: 0, stored: 0 };
    for (let i = 0; i < CASES.length; i++) {
      const name = CASES[(i + round) % CASES.length]!;
      row[name] = await run(name);
    }
    rows.push(row);
    console.log(line(String(round + 1), row, (c) => row[c] / row.score));
  }
  const med = (c: Case) => median(rows.map((r) => r[c]));
  const ratio = (c: Case) => median(rows.map((r) => r[c] / r.score));
  console.log(
    line('median', { score: med('score'), json: med('json'), ndjson: med('ndjson'), stored: med('stored') }, ratio),
  );
  const verdict = (r: number) => `${pct(r)} of scoring only, floor ${pct(FLOOR)}: ${r >= FLOOR ? 'pass' : 'FAIL'}`;
  console.log(`\nNDJSON end to end (what the dispatcher sends): ${verdict(ratio('ndjson'))}`);
  console.log(`gzip NDJSON end to end (batch objects as stored): ${verdict(ratio('stored'))}`);
  console.log(`JSON end to end (older dispatchers; no floor): ${pct(ratio('json'))} of scoring only`);
} finally {
  worker.kill('SIGTERM');
}
