// Main-thread cost and delivery of @cloudsage/node, beside JSON.stringify + gzip of the same records.
// Run after `pnpm --dir packages/node build`:  node --expose-gc packages/node/bench/client.bench.mjs
// BENCH_RECORDS=30000 gives a quick run. The sink runs in a worker thread so its decoding does not
// count as the client's main-thread time.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { CloudSage } from '../dist/index.js';

const N = Number(process.env.BENCH_RECORDS ?? 300_000);
const BATCH = 1000;

function makeRecords(n) {
  const base = Date.now();
  const routes = ['/api/orders', '/api/users/:id', '/healthz', '/api/cart', '/api/search'];
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      level: i % 50 === 0 ? 'error' : 'info',
      time: base + i,
      msg: i % 50 === 0 ? `upstream timeout after ${1000 + (i % 900)}ms` : 'request completed',
      service: 'checkout',
      reqId: `req-${i.toString(36)}`,
      req: { method: i % 3 === 0 ? 'POST' : 'GET', url: routes[i % routes.length] },
      res: { statusCode: i % 50 === 0 ? 504 : 200 },
      responseTime: 5 + (i % 120),
    };
  }
  return out;
}

/** The sink: a node:http server in a worker thread that gunzips, counts records and answers 202 (or stalls). */
const SINK = `
const { parentPort, workerData } = require('node:worker_threads');
const { createServer } = require('node:http');
const { gunzipSync } = require('node:zlib');
let records = 0, stalled = workerData.stalled;
const held = [];
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (stalled) { held.push(res); return; }
    const text = gunzipSync(Buffer.concat(chunks)).toString('utf8');
    let n = 0;
    for (let i = text.indexOf('\\n'); i !== -1; i = text.indexOf('\\n', i + 1)) n++;
    records += n;
    parentPort.postMessage({ records });
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ batchId: 'b', accepted: n, rejected: 0, errors: [] }));
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => { if (m === 'close') { for (const r of held) r.destroy(); server.close(); server.closeAllConnections(); } });
`;

async function startSink(stalled = false) {
  const worker = new Worker(SINK, { eval: true, workerData: { stalled } });
  let records = 0;
  let waiters = [];
  const port = await new Promise((resolve) => {
    worker.on('message', (m) => {
      if (m.port) resolve(m.port);
      if (m.records !== undefined) {
        records = m.records;
        waiters = waiters.filter((w) => {
          if (records < w.n) return true;
          w.resolve();
          return false;
        });
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    get records() {
      return records;
    },
    until: (n) => new Promise((resolve) => (records >= n ? resolve() : waiters.push({ n, resolve }))),
    async close() {
      worker.postMessage('close');
      await new Promise((r) => setTimeout(r, 50));
      await worker.terminate();
    },
  };
}

function gc() {
  globalThis.gc?.();
  globalThis.gc?.();
}

/** Baseline: what any shipper must at least do on the main thread, per record. */
function baseline(records) {
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += BATCH) {
    const lines = [];
    for (let j = i; j < Math.min(i + BATCH, records.length); j++) lines.push(JSON.stringify(records[j]));
    bytes += gzipSync(`${lines.join('\n')}\n`).length;
  }
  const ms = performance.now() - t0;
  return { ms, bytes };
}

async function clientRun(records, extra = {}) {
  const sink = await startSink();
  const client = new CloudSage({
    endpoint: sink.url,
    apiKey: 'csk_bench',
    exitHooks: false,
    maxBufferRecords: records.length,
    maxBufferBytes: 1024 * 1024 * 1024,
    ...extra,
  });
  gc();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  let callMs = 0;
  for (let i = 0; i < records.length; i += BATCH) {
    const c0 = performance.now();
    for (let j = i; j < Math.min(i + BATCH, records.length); j++) client.log(records[j]);
    callMs += performance.now() - c0;
    // Yield like a real service between bursts of work, so sending overlaps logging.
    if ((i / BATCH) % 20 === 19) await new Promise((r) => setImmediate(r));
  }
  await client.flush({ timeoutMs: 120_000 });
  await sink.until(records.length);
  const wallMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  const stats = client.stats();
  await client.shutdown({ timeoutMs: 1000 });
  await sink.close();
  return { wallMs, callMs, activeMs: elu.active, delivered: sink.records, dropped: stats.dropped };
}

async function stalledHeap(records) {
  const maxBufferBytes = 8 * 1024 * 1024;
  const sink = await startSink(true);
  const client = new CloudSage({
    endpoint: sink.url,
    apiKey: 'csk_bench',
    exitHooks: false,
    maxBufferBytes,
    maxBufferRecords: 10_000_000,
    retry: false,
    requestTimeoutMs: 600_000,
  });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < records.length; i++) {
    client.log(records[i]);
    if (i % 10_000 === 9_999) await new Promise((r) => setImmediate(r));
  }
  gc();
  const growth = process.memoryUsage().heapUsed - before;
  const stats = client.stats();
  await client.shutdown({ timeoutMs: 100 });
  await sink.close();
  return { growth, maxBufferBytes, stats };
}

const fmt = (n, d = 0) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
const records = makeRecords(N);
baseline(records.slice(0, 20_000)); // warm-up
await clientRun(records.slice(0, 20_000));
gc();
const base = baseline(records);
const run = await clientRun(records);
gc();
// The default redaction patterns are a feature with a price; this row shows the pipeline without them.
const plain = await clientRun(records, { redact: false });
const heap = await stalledHeap(records);
const droppedTotal = Object.values(run.dropped ?? {}).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);

const rows = [
  ['JSON.stringify + gzipSync (baseline)', fmt((N / base.ms) * 1000), fmt((base.ms * 1000) / N, 2), '1.00', '-'],
  ['@cloudsage/node log() calls only', '-', fmt((run.callMs * 1000) / N, 2), fmt(run.callMs / base.ms, 2), '-'],
  [
    '@cloudsage/node whole main thread',
    fmt((N / run.wallMs) * 1000),
    fmt((run.activeMs * 1000) / N, 2),
    fmt(run.activeMs / base.ms, 2),
    `${fmt(run.delivered)}/${fmt(N)}`,
  ],
  [
    '@cloudsage/node whole main thread, redact: false',
    fmt((N / plain.wallMs) * 1000),
    fmt((plain.activeMs * 1000) / N, 2),
    fmt(plain.activeMs / base.ms, 2),
    `${fmt(plain.delivered)}/${fmt(N)}`,
  ],
];
console.log(
  `\n@cloudsage/node: ${fmt(N)} records into a local sink that gunzips and counts (Node ${process.version})\n`,
);
console.log('| run | records/s | main-thread µs/record | ratio to baseline | delivered |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(
  `\nrecords/s for the client is wall time until the sink counted every record; "whole main thread" is the event loop's active time (log calls, batching, serialization, request handling; gzip runs on the libuv pool).`,
);
console.log(`dropped while delivering: ${droppedTotal}`);
console.log(
  `\nStalled sink: heap grew ${fmt(heap.growth / 1024 / 1024, 1)} MiB with maxBufferBytes ${fmt(heap.maxBufferBytes / 1024 / 1024, 1)} MiB ` +
    `(${fmt(heap.stats.buffered ?? 0)} records buffered, ${fmt(Object.values(heap.stats.dropped ?? {}).reduce((a, b) => a + b, 0))} dropped by policy)`,
);
const pass =
  run.delivered === N && run.activeMs / base.ms <= 1.5 && heap.growth <= heap.maxBufferBytes + 16 * 1024 * 1024;
console.log(
  `\ntargets (all delivered, main thread <= 1.5x baseline, heap <= buffer + 16 MiB): ${pass ? 'met' : 'NOT met'}`,
);
