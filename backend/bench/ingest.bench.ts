import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';
import { startChildBackend } from '../test/durability/child-backend.js';
import { createTenant } from '../test/ingest/ingest-fixture.js';
import { createPgDatabase, TEST_PG_URL } from '../test/support/sql-stores.js';
import { buildWorkload, type Workload, type WorkloadShape } from './ingest-workload.js';

/*
 * `pnpm --dir backend bench:ingest`: gzip NDJSON batches of 1,000 realistic records posted by 8
 * connections (undici) to POST /api/ingest, on SQLite+files and on PostgreSQL+s3rver, beside a
 * ceiling measured in the same run: a bare Fastify route that only gunzips and parses the same
 * bodies (STYLE habit 14). Each server runs in its own process (the backend as `node dist/server.js`,
 * so the script builds first); RSS is read from /proc.
 *
 * BENCH_SECONDS (default 10) and BENCH_WARMUP_SECONDS (default 2) set the run; BENCH_TARGETS
 * (default "ceiling,sqlite,postgres"; also "sqlite-inline": SQLite with CLOUDSAGE_INGEST_WORKERS=0) picks targets; BENCH_PROFILE=<dir> CPU-profiles the servers.
 * BENCH_WORKLOAD (default "stored") picks the bodies: "stored", records already normalized, as a
 * normalizing producer ships them; "raw", the same records as pino and winston write them.
 * Each figure is printed beside its target from issue #21: records/s against the same-run ceiling
 * (>= 50% SQLite, >= 25% PostgreSQL), p99 <= 100 ms, and RSS flat once warm (end within 1.25x of mid, the soak's rule).
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = 8;
const RECORDS_PER_BATCH = 1_000;
const PROFILE_DIR = process.env.BENCH_PROFILE;
const TARGETS = (process.env.BENCH_TARGETS ?? 'ceiling,sqlite,postgres').split(',');
const SHAPE = (process.env.BENCH_WORKLOAD ?? 'stored') as WorkloadShape;
// Issue #21's targets: a share of the same-run ceiling per store, the p99 and the RSS rule.
const CEILING_FLOOR: Record<string, number> = { sqlite: 0.5, 'sqlite-inline': 0.5, postgres: 0.25 };
const P99_MAX_MS = 100;
// The soak's rule (scripts/soak.mjs): memory after the warm-up grows under 1.25x; here end against mid.
const RSS_GROWTH_MAX = 0.25;

interface Result {
  name: string;
  recordsPerSecond: number;
  /** Records per second of the server's own CPU time (all its threads): a figure the machine's other load does not move much. */
  recordsPerCpuSecond: number;
  batchesPerSecond: number;
  p50: number;
  p99: number;
  rssStartMb: number;
  /** At half time: the end against it says whether memory is flat once warm. */
  rssMidMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  errors: number;
}

interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

async function forkChild(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ child: Child; ready: Record<string, unknown> }> {
  const proc = fork(join(HERE, file), args, {
    // BENCH_PROFILE=<dir> writes a CPU profile of each server process there.
    execArgv: ['--import', 'tsx', ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    proc.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'ready') resolve(m);
    });
    proc.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
  });
  const child: Child = {
    process: proc,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = once(proc, 'exit');
      proc.send('stop');
      await exited;
    },
  };
  return { child, ready: await ready };
}

/** Samples a process's resident set size from /proc every 250 ms (Linux). */
function sampleRss(pid: number): { samples: number[]; stop(): void } {
  const samples: number[] = [];
  const timer = setInterval(() => {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kb) samples.push(Number(kb) * 1024);
    } catch {
      // The process is gone or /proc is missing: no sample.
    }
  }, 250);
  return { samples, stop: () => clearInterval(timer) };
}

/** User + system CPU seconds a process has used, all threads, from /proc (Linux; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Posts the workload over 8 connections; measures after the warm-up. */
async function load(
  name: string,
  url: string,
  headers: Record<string, string>,
  workload: Workload,
  rss: number[],
  pid: number,
): Promise<Result> {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  const run = `${Date.now().toString(36)}`;
  let measuring = false;
  let stop = false;
  let batches = 0;
  let errors = 0;
  let firstError = '';
  const loop = async (c: number) => {
    for (let n = c; !stop; n += CONNECTIONS) {
      const body = workload.bodies[n % workload.bodies.length] as Buffer;
      const started = performance.now();
      const res = await pool.request({
        path: '/api/ingest',
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/x-ndjson',
          'content-encoding': 'gzip',
          'idempotency-key': `${run}-${n}`,
        },
        body,
      });
      const text = await res.body.text();
      const elapsed = performance.now() - started;
      if (res.statusCode !== 202) {
        errors++;
        firstError ||= `${res.statusCode} ${text.slice(0, 200)}`;
        continue;
      }
      if (measuring) {
        latencies.push(elapsed);
        batches++;
      }
    }
  };
  const loops = Array.from({ length: CONNECTIONS }, (_, c) => loop(c));
  await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
  measuring = true;
  const rssFrom = rss.length;
  const cpuFrom = cpuSeconds(pid);
  const started = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  const samples = rss.slice(rssFrom);
  const cpu = cpuSeconds(pid) - cpuFrom;
  stop = true;
  await Promise.all(loops);
  await pool.close();
  if (firstError) process.stderr.write(`${name}: ${errors} errors, first: ${firstError}\n`);
  latencies.sort((a, b) => a - b);
  const mb = (b: number | undefined) => (b ?? 0) / 1024 / 1024;
  return {
    name,
    recordsPerSecond: (batches * workload.recordsPerBody) / elapsed,
    recordsPerCpuSecond: cpu > 0 ? (batches * workload.recordsPerBody) / cpu : Number.NaN,
    batchesPerSecond: batches / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rssStartMb: mb(samples[0]),
    rssMidMb: mb(samples[Math.floor(samples.length / 2)]),
    rssEndMb: mb(samples.at(-1)),
    rssPeakMb: mb(Math.max(...samples)),
    errors,
  };
}

async function pgReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** CLOUDSAGE_* settings given to the bench (e.g. CLOUDSAGE_INGEST_WORKERS) reach the backend. */
function inherited(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('CLOUDSAGE_') && v !== undefined) out[k] = v;
  return out;
}

async function benchTarget(name: string, workload: Workload): Promise<Result | undefined> {
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const env: Record<string, string> = {
      LOG_LEVEL: 'silent',
      // The per-project request limit (6,000 a minute by default) would cap the run at 100 batches/s.
      CLOUDSAGE_INGEST_RATE_PER_MIN: '0',
    };
    if (name === 'sqlite-inline') env.CLOUDSAGE_INGEST_WORKERS = '0';
    if (name !== 'ceiling') {
      const dataDir = mkdtempSync(join(tmpdir(), 'cs-bench-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      env.CLOUDSAGE_DATA_DIR = dataDir;
    }
    if (name === 'postgres') {
      if (!(await pgReachable())) {
        process.stderr.write(`postgres: skipped, ${TEST_PG_URL} is not reachable\n`);
        return undefined;
      }
      const database = await createPgDatabase();
      cleanups.push(() => database.drop());
      const s3 = await forkChild('s3rver-process.ts', [], {});
      cleanups.push(() => s3.child.stop());
      Object.assign(env, {
        DATABASE_URL: database.url,
        JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123',
        BUCKET_URL: s3.ready.bucketUrl as string,
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
      });
    }
    if (name === 'ceiling') {
      const target = await forkChild('ceiling-target.ts', [], env);
      cleanups.push(() => target.child.stop());
      const rss = sampleRss(target.child.process.pid as number);
      cleanups.push(() => rss.stop());
      const pid = target.child.process.pid as number;
      return await load(name, `http://127.0.0.1:${target.ready.port as number}`, {}, workload, rss.samples, pid);
    }
    // The backend runs as in production: `node dist/server.js`, scoring dispatcher included.
    const backend = await startChildBackend(
      // Hour-long scoring windows keep the dispatcher idle during the run: with no worker to
      // answer, it would otherwise re-read each due window on every retry, which is not ingest.
      { CLOUDSAGE_SCORE_WINDOW_MS: '3600000', ...inherited(), ...env, WORKER_URL: 'http://127.0.0.1:9' },
      PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    );
    cleanups.push(async () => {
      await backend.stop();
    });
    const rss = sampleRss(backend.process.pid as number);
    cleanups.push(() => rss.stop());
    const key = (await createTenant(backend.url)).key;
    return await load(
      name,
      backend.url,
      { 'x-cloudsage-key': key },
      workload,
      rss.samples,
      backend.process.pid as number,
    );
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

const LABELS: Record<string, string> = {
  ceiling: 'ceiling (gunzip+parse)',
  sqlite: 'SQLite + files',
  'sqlite-inline': 'SQLite + files, no workers',
  postgres: 'PostgreSQL + s3rver',
};

/** A share of the ceiling, beside its floor when the target has one. */
function versus(share: number, floor: number | undefined): string {
  const pct = `${(share * 100).toFixed(0)}%`;
  if (floor === undefined) return pct;
  return `${pct} (>= ${(floor * 100).toFixed(0)}% ${share >= floor ? 'ok' : 'MISS'})`;
}

function table(results: Result[]): string {
  const ceiling = results.find((r) => r.name === 'ceiling');
  const rows = [
    [
      'target',
      'records/s',
      'vs ceiling',
      'records/CPU-s',
      'vs ceiling',
      'batches/s',
      'p50 ms',
      'p99 ms',
      'RSS start/mid/end/peak MB',
      'errors',
    ],
    ...results.map((r) => [
      LABELS[r.name] ?? r.name,
      Math.round(r.recordsPerSecond).toLocaleString('en-US'),
      ceiling ? versus(r.recordsPerSecond / ceiling.recordsPerSecond, CEILING_FLOOR[r.name]) : '-',
      Math.round(r.recordsPerCpuSecond).toLocaleString('en-US'),
      ceiling ? `${((r.recordsPerCpuSecond / ceiling.recordsPerCpuSecond) * 100).toFixed(0)}%` : '-',
      r.batchesPerSecond.toFixed(1),
      r.p50.toFixed(1),
      r.name === 'ceiling'
        ? r.p99.toFixed(1)
        : `${r.p99.toFixed(1)} (<= ${P99_MAX_MS} ${r.p99 <= P99_MAX_MS ? 'ok' : 'MISS'})`,
      `${r.rssStartMb.toFixed(0)} / ${r.rssMidMb.toFixed(0)} / ${r.rssEndMb.toFixed(0)} / ${r.rssPeakMb.toFixed(0)}` +
        (r.name === 'ceiling' ? '' : r.rssEndMb <= r.rssMidMb * (1 + RSS_GROWTH_MAX) ? ' (flat ok)' : ' (GROWS)'),
      String(r.errors),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows.map((row) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`).join('\n');
}

const workload = buildWorkload(16, RECORDS_PER_BATCH, Date.now(), SHAPE);
console.log(
  `ingest bench: ${CONNECTIONS} connections, ${RECORDS_PER_BATCH} ${SHAPE} records a batch ` +
    `(${(workload.rawBytesPerBody / 1024).toFixed(0)} KiB raw, ` +
    `${((workload.bodies[0]?.length ?? 0) / 1024).toFixed(0)} KiB gzip), ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured; ` +
    `${availableParallelism()} cores, ingest workers ${process.env.CLOUDSAGE_INGEST_WORKERS ?? Math.min(4, availableParallelism())}, ` +
    `load average ${loadavg()[0]?.toFixed(1)} before the run`,
);
const results: Result[] = [];
for (const name of TARGETS) {
  const result = await benchTarget(name, workload);
  if (result) {
    results.push(result);
    console.log(`${name}: ${Math.round(result.recordsPerSecond).toLocaleString('en-US')} records/s`);
  }
}
console.log(`\n${table(results)}`);
// Other processes on the machine take CPU from every target; records/CPU-s is the steadier figure.
console.log(`load average ${loadavg()[0]?.toFixed(1)} after the run`);
