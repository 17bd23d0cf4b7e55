// Quick single-core throughput check of the normalizer on pino-like records (objects and lines) and on
// plain-text lines in the forms `leadingTimestamp` reads (and one without a time).
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
const texts = [
  '2026-11-25T10:00:05.123Z INFO worker job finished in 12ms',
  '2026-11-25 10:00:05,678 [main] ERROR c.e.App - failed',
  'Jun  3 08:00:01 web-1 CRON[1234]: (root) CMD (run-parts /etc/cron.hourly)',
  '203.0.113.9 - - [15/Jun/2026:13:55:36 +0200] "GET /api/orders?id=7 HTTP/1.1" 200 2326 "-" "curl/8.5.0"',
  '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties',
  '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating',
  '- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed',
  'worker job 42 finished without a time',
];

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
run('normalizeLine(text)   ', (i) => normalizeLine(texts[i % texts.length], now));
