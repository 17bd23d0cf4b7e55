// Quick single-core throughput check of the normalizer on pino-like records (objects and lines).
// Run after `pnpm --dir packages/schema build`: node packages/schema/bench/normalize-speed.mjs
import { normalizeLine, normalizeRecord } from '../dist/index.js';

const N = 1_000_000;
const base = Date.now();
const records = [];
for (let i = 0; i < 1000; i++) {
  records.push({
    level: 30 + (i % 3) * 10,
    time: base + i,
    pid: 4242,
    hostname: 'web-1',
    name: 'api',
    reqId: `req-${i}`,
    responseTime: i % 250,
    msg: `request completed ${i}`,
  });
}
const lines = records.map((r) => JSON.stringify(r));

function run(label, fn) {
  for (let i = 0; i < 200_000; i++) fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  let ok = 0;
  for (let i = 0; i < N; i++) if (fn(i).ok) ok++;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label}: ${Math.round(N / s).toLocaleString('en')} records/s (${ok} ok)`);
}

const now = base + 5000;
run('normalizeRecord(object)', (i) => normalizeRecord(records[i % 1000], now));
run('normalizeLine(json)   ', (i) => normalizeLine(lines[i % 1000], now));
