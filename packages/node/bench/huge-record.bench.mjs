// What one huge record costs the caller: `client.error(msg, fields)` with a 7 MB message, beside
// JSON.stringify of the same record in the same run (the least any logger pays for it).
// Run after `pnpm --dir packages/node build`:  node --expose-gc packages/node/bench/huge-record.bench.mjs
// BENCH_ROUNDS (default 15) sets the rounds; exits 1 when the median ratio is over 1.5.
import { performance } from 'node:perf_hooks';
import { LIMITS } from '@cloudsage/schema';
import { CloudSage, InMemorySink } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const TARGET = 1.5;
const SIZE = 7 * 1024 * 1024;

// A dumped request log: quotes and line breaks that JSON escapes, digits the card pattern looks at.
const LINE = 'GET /api/orders/1234?page=2 "user":"u-42" status=504 upstream=payments ms=30012 retry=3\n';
const huge = LINE.repeat(Math.ceil(SIZE / LINE.length)).slice(0, SIZE);
// `err` as pino serializes it: a plain object, so JSON.stringify writes the same fields the client does.
const fields = {
  orderId: 8,
  reqId: 'req-7f3a',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  err: {
    type: 'Error',
    message: 'upstream timeout',
    stack: `Error: upstream timeout\n${'    at handler (/srv/app/orders.js:42:13)\n'.repeat(10)}`,
  },
};

function gc() {
  globalThis.gc?.();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Times `log(client)` against JSON.stringify of `record()`, alternating which runs first. */
async function compare(name, record, log) {
  const sink = new InMemorySink();
  const client = new CloudSage({ transport: sink, exitHooks: false });
  const baseMs = [];
  const clientMs = [];
  let bytes = 0;
  const timeBase = () => {
    gc();
    const t0 = performance.now();
    bytes = JSON.stringify(record()).length;
    baseMs.push(performance.now() - t0);
  };
  const timeClient = () => {
    gc();
    const t0 = performance.now();
    log(client);
    clientMs.push(performance.now() - t0);
  };
  timeBase(); // warm-up
  timeClient();
  baseMs.length = 0;
  clientMs.length = 0;
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2) {
      timeClient();
      timeBase();
    } else {
      timeBase();
      timeClient();
    }
    await client.flush();
  }
  await client.shutdown();
  // A fast answer is worth nothing if the record did not arrive whole in shape.
  const stored = sink.records.at(-1);
  const storedBytes = Buffer.byteLength(JSON.stringify(stored));
  if (stored?.orderId !== 8 || storedBytes > LIMITS.maxRecordBytes || client.stats().dropped.oversize > 0) {
    throw new Error(`${name}: the stored record lost its shape or its size (${storedBytes} bytes)`);
  }
  const ratios = baseMs.map((b, i) => clientMs[i] / b);
  return {
    name,
    bytes,
    base: median(baseMs),
    client: median(clientMs),
    ratio: median(ratios),
    worst: Math.max(...ratios),
  };
}

const fmt = (n, d = 1) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });

const inMessage = await compare(
  '7 MB message: client.error(msg, fields)',
  () => ({ ...fields, level: 'error', msg: huge }),
  (c) => c.error(huge, fields),
);
// Shown, not gated. A top-level attribute is found by a look at each field, like the message; a value
// nested deeper is found by the serialized line's length, so it costs that one full serialization more.
const inAttribute = await compare(
  '7 MB attribute: client.error(msg, { ...fields, body })',
  () => ({ ...fields, body: huge, level: 'error', msg: 'payload rejected' }),
  (c) => c.error('payload rejected', { ...fields, body: huge }),
);
const nested = await compare(
  '7 MB nested: client.error(msg, { ...fields, req: { body } })',
  () => ({ ...fields, req: { method: 'POST', body: huge }, level: 'error', msg: 'payload rejected' }),
  (c) => c.error('payload rejected', { ...fields, req: { method: 'POST', body: huge } }),
);

console.log(`\n@cloudsage/node: one huge record, median of ${ROUNDS} rounds (Node ${process.version})\n`);
console.log('| record | JSON bytes | JSON.stringify ms | client call ms | median ratio | worst ratio |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of [inMessage, inAttribute, nested]) {
  console.log(
    `| ${r.name} | ${fmt(r.bytes, 0)} | ${fmt(r.base)} | ${fmt(r.client)} | ${fmt(r.ratio, 2)} | ${fmt(r.worst, 2)} |`,
  );
}
const met = inMessage.ratio <= TARGET;
console.log(`\ntarget (7 MB message: client call <= ${TARGET}x JSON.stringify, median): ${met ? 'met' : 'NOT met'}`);
if (!met) process.exitCode = 1;
