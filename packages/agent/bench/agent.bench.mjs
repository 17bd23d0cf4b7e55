// bench:agent: lines/s the agent ships from a file and from a pipe, beside `cat file > /dev/null` and a
// plain readline loop over the same file, in the same run (ratios are the figures to compare), and the
// agent's peak RSS. The sink is a local gunzip-and-count HTTP server in this process.
//
//   pnpm --dir packages/agent bench:agent                       # ~600k lines (~85 MB)
//   BENCH_MB=1024 pnpm --dir packages/agent bench:agent         # the 1 GB bounded-memory run
//   BENCH_RUNS=file BENCH_PROFILE=/tmp/prof node bench/agent.bench.mjs   # one run, with a .cpuprofile
//   BENCH_FIXTURE=docker pnpm --dir packages/agent bench:agent   # the same lines in Docker's json-file form
//
// The machine is often shared: "CPU s" is the agent's own user+system time, steadier than wall time.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

// BENCH_CLI: another build of the bin (an older commit's, say) to compare with in the same conditions.
const CLI = process.env.BENCH_CLI ?? fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const MB = Number(process.env.BENCH_MB ?? 85);
const RUNS = (process.env.BENCH_RUNS ?? 'file,pipe').split(',');
const PROFILE = process.env.BENCH_PROFILE;
// `docker`: each line as Docker's json-file driver stores it, `{"log":"<line>\n","stream":...,"time":...}`.
const DOCKER = process.env.BENCH_FIXTURE === 'docker';
// Extra node flags and ship flags for experiments, e.g. BENCH_AGENT_ARGS='--stats --stats-interval 500'.
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const AGENT_ARGS = (process.env.BENCH_AGENT_ARGS ?? '').split(' ').filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'cs-agent-bench-'));
const file = join(dir, 'app.log');

async function writeFixture() {
  const out = createWriteStream(file);
  const target = MB * 1024 * 1024;
  let bytes = 0;
  let lines = 0;
  const base = 1_764_000_000_000;
  while (bytes < target) {
    let chunk = '';
    for (let i = 0; i < 1000; i++, lines++) {
      const line =
        lines % 10 < 7
          ? `{"level":30,"time":${base + lines},"pid":4242,"hostname":"web-1","reqId":"req-${lines}","responseTime":${lines % 250},"msg":"request completed"}`
          : `2026-11-25T10:00:${String(lines % 60).padStart(2, '0')}Z ${lines % 50 === 0 ? 'ERROR' : 'INFO'} worker job ${lines} finished in ${lines % 97}ms`;
      chunk += DOCKER
        ? `${JSON.stringify({ log: `${line}\n`, stream: 'stdout', time: new Date(base + lines).toISOString() })}\n`
        : `${line}\n`;
    }
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return lines;
}

function startSink() {
  let records = 0;
  const waiters = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = gunzipSync(Buffer.concat(chunks));
      let n = 0;
      for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, i + 1)) n++;
      records += n;
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(`{"batchId":"b","accepted":${n},"rejected":0,"errors":[]}`);
      for (const w of waiters.splice(0)) w();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        get records() {
          return records;
        },
        reset() {
          records = 0;
        },
        until(n) {
          return new Promise((resolve) => {
            const check = () => (records >= n ? resolve() : waiters.push(check));
            check();
          });
        },
        close: () => new Promise((r) => server.close(r)),
      }),
    ),
  );
}

// utime + stime of a live process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks).
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

async function timeAgent(label, sink, lines, stdinFrom) {
  sink.reset();
  const env = {
    ...process.env,
    CLOUDSAGE_ENDPOINT: sink.url,
    CLOUDSAGE_API_KEY: 'csk_bench',
    CLOUDSAGE_LOG_LEVEL: 'warn',
  };
  const state = join(dir, `state-${label}`);
  const t0 = performance.now();
  let cat;
  let args;
  let stdio;
  if (stdinFrom === 'pipe') {
    cat = spawn('cat', [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    args = ['ship', '--quiet', '--on-full', 'wait'];
    stdio = [cat.stdout, 'ignore', 'inherit'];
  } else {
    // --multiline-timeout 50 and --batch-wait 50: at the end of the file the last record is held for the
    // multiline timeout (500 ms by default: the file may go on with its stack trace) and its batch for the
    // batch wait (1 s), a fixed ~1.5 s that says nothing about throughput (standard input flushes at its
    // end instead).
    args = [
      'ship',
      '--file',
      file,
      '--from-start',
      '--quiet',
      '--state-dir',
      state,
      '--poll-interval',
      '50',
      '--batch-wait',
      '50',
      '--multiline-timeout',
      '50',
    ];
    stdio = ['ignore', 'ignore', 'inherit'];
  }
  const node = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE, ...NODE_ARGS] : NODE_ARGS;
  const child = spawn(process.execPath, [...node, CLI, ...args, ...AGENT_ARGS], { env, stdio });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRssMb(child.pid));
  }, 100);
  await sink.until(lines);
  const seconds = (performance.now() - t0) / 1000;
  peak = Math.max(peak, peakRssMb(child.pid));
  const cpu = cpuSeconds(child.pid);
  clearInterval(sampler);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { label, seconds, linesPerSec: lines / seconds, rssMb: peak, cpu };
}

async function readlineLoop(lines) {
  const t0 = performance.now();
  let n = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const _ of rl) n++;
  if (n !== lines) throw new Error(`readline saw ${n} lines, expected ${lines}`);
  const seconds = (performance.now() - t0) / 1000;
  return {
    label: 'readline loop (no shipping)',
    seconds,
    linesPerSec: lines / seconds,
    rssMb: Number.NaN,
    cpu: Number.NaN,
  };
}

function catToNull(lines) {
  const t0 = performance.now();
  spawnSync('sh', ['-c', `cat '${file}' > /dev/null`], { stdio: 'inherit' });
  const seconds = (performance.now() - t0) / 1000;
  return { label: 'cat file > /dev/null', seconds, linesPerSec: lines / seconds, rssMb: Number.NaN, cpu: Number.NaN };
}

const lines = await writeFixture();
const size = statSync(file).size;
console.log(
  `fixture: ${lines.toLocaleString('en')} lines, ${(size / 1048576).toFixed(0)} MB (70% pino JSON, 30% text${DOCKER ? ', each in Docker json-file form' : ''})`,
);
const sink = await startSink();
const rows = [catToNull(lines), await readlineLoop(lines)];
for (const run of RUNS) rows.push(await timeAgent(run, sink, lines, run));
await sink.close();
const readline = rows[1].linesPerSec;
console.log('');
console.log(
  `load average: ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
);
console.log('| run | seconds | lines/s | vs readline | peak RSS | CPU s |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const label =
    r.label === 'file'
      ? 'cloudsage ship --file (to sink)'
      : r.label === 'pipe'
        ? 'cat | cloudsage ship (to sink)'
        : r.label;
  console.log(
    `| ${label} | ${r.seconds.toFixed(2)} | ${Math.round(r.linesPerSec).toLocaleString('en')} | ${(r.linesPerSec / readline).toFixed(2)}x | ${Number.isNaN(r.rssMb) ? '-' : `${r.rssMb.toFixed(0)} MB`} | ${Number.isNaN(r.cpu) ? '-' : `${r.cpu.toFixed(2)} (${Math.round(lines / r.cpu).toLocaleString('en')} lines/CPU-s)`} |`,
  );
}
const file_ = rows.find((r) => r.label === 'file');
if (file_) {
  console.log('');
  console.log(
    `target: >= 250,000 lines/s from a file with RSS < 100 MB -> ${Math.round(file_.linesPerSec).toLocaleString('en')} lines/s, ${file_.rssMb.toFixed(0)} MB: ${file_.linesPerSec >= 250_000 && file_.rssMb < 100 ? 'met' : 'NOT met'}`,
  );
}
rmSync(dir, { recursive: true, force: true });
