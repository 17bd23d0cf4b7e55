// pnpm bench:peers: the same burst through each logger and shipper, one child process per run, into one
// counting sink in a process of its own. Prints one table per logger and writes bench-results/peers.md.
//   BENCH_RECORDS=30000 pnpm bench:peers        a quick check (default 300,000)
//   BENCH_ONLY=pino-cloudsage,pino-file ...     only the runs whose id is listed (ids in cases/registry.mjs)
//   BENCH_LIMIT_MS=60000                        how long a run may take to deliver before it is cut off
//   BENCH_CLOUDSAGE_OPTIONS='{"maxBufferBytes":268435456}'   extra options for every CloudSage shipper (what-if
//                                               runs for the packages' owners, written to peers-whatif.md)
// Each run's stderr goes to bench-results/peers-logs/<id>.stderr.log.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CASES } from './cases/registry.mjs';
import { renderReport } from './report.mjs';
import { medianRows, renderRounds } from './rounds.mjs';

const N = Number(process.env.BENCH_RECORDS ?? 300_000);
const LIMIT_MS = Number(process.env.BENCH_LIMIT_MS ?? 60_000);
// A shipper that has delivered nothing new for this long after its burst has given up (pino-loki pushes
// every 5 s, Axiom and Better Stack every 1 s).
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 8_000);
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
// Interleaved rounds: each case once per round, in turn; the report keeps each case's median run.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const here = import.meta.dirname;
const epochNow = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Next message of `type` from a child, or rejects when it exits first or the deadline passes. */
function nextMessage(child, type, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no '${type}' within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m) => m.type === type && done(null, m);
    const onExit = (code, signal) => done(new Error(`exited (${signal ?? code}) before '${type}'`));
    function done(err, m) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function startSink() {
  const sink = fork(join(here, 'sink.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url } = await nextMessage(sink, 'listening', 10_000);
  let seq = 0;
  return {
    url,
    async stats() {
      const id = ++seq;
      const reply = nextMessage(sink, 'stats', 5_000);
      sink.send({ type: 'stats', id });
      return (await reply).stats;
    },
    async reset() {
      const done = nextMessage(sink, 'reset-done', 5_000);
      sink.send({ type: 'reset' });
      await done;
    },
    stop: () => sink.send({ type: 'stop' }),
  };
}

/** Runs one case end to end; never throws (a crash or a hang becomes the row's note). */
async function runCase(spec, sink) {
  await sink.reset();
  const child = fork(join(here, 'case.mjs'), [spec.id], {
    env: { ...process.env, BENCH_RECORDS: String(N), BENCH_SINK_URL: sink.url },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // e.g. BENCH_CHILD_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the runs (not the sink).
    execArgv: process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? [],
  });
  // Shippers report their troubles on stderr (dropped logs, failed requests): keep the first lines.
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (stderr.length < 64_000) stderr += d;
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const row = { id: spec.id, logger: spec.logger, label: spec.label, spec, notes: [] };
  try {
    await nextMessage(child, 'ready', 30_000);
    const burstP = nextMessage(child, 'burst', LIMIT_MS + 60_000);
    const writtenP = spec.local ? nextMessage(child, 'written', LIMIT_MS + 60_000) : undefined;
    child.send({ type: 'go' });
    const burst = await burstP;
    row.burstMs = burst.burstMs;
    row.usPerCall = (burst.burstMs * 1000) / N;
    const burstEnd = burst.startAt + burst.burstMs;
    if (spec.local) {
      const written = await writtenP;
      row.delivered = N;
      row.wallMs = written.at - burst.startAt;
      row.complete = true;
      if (written.error) row.notes.push(`flush error: ${written.error}`);
    } else {
      for (;;) {
        const s = await sink.stats();
        const now = epochNow();
        if (s.records >= N) {
          row.complete = true;
          row.wallMs = s.lastAt - burst.startAt;
          break;
        }
        if (now - burst.startAt > LIMIT_MS) {
          row.wallMs = now - burst.startAt;
          row.notes.push(`cut off at ${(LIMIT_MS / 1000).toFixed(0)} s, still delivering`);
          break;
        }
        if (now - Math.max(s.lastAt, burstEnd) > QUIET_MS) {
          row.wallMs = s.records > 0 ? s.lastAt - burst.startAt : undefined;
          row.notes.push(`gave up: nothing new for ${QUIET_MS / 1000} s`);
          break;
        }
        await sleep(50);
      }
      const s = await sink.stats();
      row.deliveredLive = s.records;
    }
    const statsP = nextMessage(child, 'stats', 30_000);
    child.send({ type: 'report' });
    const stats = await statsP;
    row.busyUsPerRecord = (stats.busyMs * 1000) / N;
    row.maxRssMb = stats.maxRssKb / 1024;
    row.cpuS = stats.cpuMs / 1000;
    const closedP = nextMessage(child, 'closed', 30_000);
    child.send({ type: 'close' });
    const closed = await closedP;
    row.closeMs = closed.closeMs;
    if (closed.how === 'deadline') row.notes.push('close did not finish within 20 s');
    else if (closed.how !== 'closed') row.notes.push(`close ${closed.how}`);
  } catch (err) {
    row.notes.push(`run failed: ${err.message}`);
  }
  if ((await Promise.race([exited, sleep(5_000).then(() => 'running')])) === 'running') {
    child.kill('SIGKILL');
    row.notes.push('killed after close');
  }
  if (!spec.local) {
    await sleep(500);
    const s = await sink.stats();
    row.delivered = s.records;
    row.requests = s.requests;
    row.wireMb = s.wireBytes / 1024 / 1024;
    row.sinkCpuS = s.cpuMs / 1000;
    if (s.failed > 0) row.notes.push(`${s.failed} request(s) the sink could not take`);
    if (s.errors.length > 0) row.notes.push(`sink: ${s.errors[0]}`);
    if (row.deliveredLive !== undefined && row.delivered > row.deliveredLive) {
      row.notes.push(`${row.delivered - row.deliveredLive} more arrived at close`);
    }
  }
  const firstLine = stderr.split('\n').find((l) => l.trim().length > 0);
  if (firstLine) row.notes.push(`stderr: ${firstLine.trim().slice(0, 160)}`);
  if (stderr) writeFileSync(join(logDir, `${spec.id}.stderr.log`), stderr);
  return row;
}

const outDir = join(here, '..', '..', 'bench-results');
const logDir = join(outDir, 'peers-logs');
mkdirSync(logDir, { recursive: true });
const sink = await startSink();
const selected = CASES.filter((c) => !only || only.includes(c.id));
const rounds = [];
const startedAt = new Date();
for (let round = 1; round <= ROUNDS; round++) {
  const rows = [];
  for (const spec of selected) {
    process.stdout.write(`${ROUNDS > 1 ? `[${round}/${ROUNDS}] ` : ''}${spec.logger} / ${spec.id} ... `);
    const row = await runCase(spec, sink);
    rows.push(row);
    const wall = row.wallMs === undefined ? '-' : `${(row.wallMs / 1000).toFixed(2)} s`;
    process.stdout.write(
      `${row.delivered ?? 0}/${N} in ${wall}${row.notes.length ? ` (${row.notes.join('; ')})` : ''}\n`,
    );
  }
  rounds.push(rows);
}
sink.stop();
const rows = medianRows(rounds);

const md = renderReport(rows, {
  records: N,
  limitMs: LIMIT_MS,
  quietMs: QUIET_MS,
  startedAt,
  loadavg: loadavg(),
  cloudsageOptions: process.env.BENCH_CLOUDSAGE_OPTIONS,
});
const roundsMd = renderRounds(rounds);
const report = roundsMd ? `${md}\n${roundsMd}\n` : md;
process.stdout.write(`\n${report}`);
// A what-if run never overwrites the defaults' figures.
const name = process.env.BENCH_CLOUDSAGE_OPTIONS ? 'peers-whatif' : 'peers';
writeFileSync(join(outDir, `${name}.md`), report);
writeFileSync(
  join(outDir, `${name}.json`),
  `${JSON.stringify({ records: N, startedAt, rows: rows.map(({ spec: _, ...r }) => r) }, null, 2)}\n`,
);
process.stdout.write(`\nwritten to bench-results/${name}.md and ${name}.json\n`);
