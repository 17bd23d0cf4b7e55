import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeCursor } from '../src/services/logs/logs-cursor.js';
import { queryLogs } from '../src/services/logs/logs-query.js';
import { DirBucket } from '../src/store/bucket/dir-bucket.js';
import { call, newKey, newProject, signUp } from '../test/routes/support/client.js';
import { startTestApp } from '../test/support/app.js';
import { buildWorkload } from './ingest-workload.js';

/*
 * `pnpm --dir backend bench:logs`: how long a selective search takes to answer its first matching
 * page over one project's logs, with the batches' text filters (issue #19) and, in the same run over
 * the same store, without them (the filters nulled: a full scan, as before they existed). Records
 * are the ingest bench's realistic pino/winston mix, 1,000 a batch, posted through the real ingest
 * route; one batch in the middle holds the rare word and the rare service. Each batch covers its own
 * 3 seconds, later batches later, as a live service's do (batches sharing one time span would make
 * every page re-read all of them: a cursor inside overlapping batches must read them whole).
 *
 * BENCH_LOGS_RECORDS (default 1,000,000; the issue's figure is 10,000,000) sets the size.
 */

const RECORDS = Number(process.env.BENCH_LOGS_RECORDS ?? 1_000_000);
const PER_BATCH = 1_000;
/** Time one batch's records span (the workload spaces records 3 ms apart, 1,000 a batch). */
const BATCH_SPAN_MS = 3_000;
const RARE = 'kafka rebalance storm';

const t = await startTestApp({
  env: { CLOUDSAGE_INGEST_RATE_PER_MIN: '0', CLOUDSAGE_SEARCH_RATE_PER_MIN: '0', CLOUDSAGE_INGEST_WORKERS: '2' },
});
try {
  const owner = await signUp(t.url);
  const projectId = await newProject(t.url, owner);
  const { key } = await newKey(t.url, owner, projectId, ['ingest']);
  const batches = Math.ceil(RECORDS / PER_BATCH);
  const middle = Math.floor(batches / 2);
  const now = Date.now();
  // Batch b's records end 3 s per batch before now: time runs forward across batches.
  const bodyOf = (b: number): Buffer => {
    const body = buildWorkload(1, PER_BATCH, now - (batches - b) * BATCH_SPAN_MS).bodies[0] as Buffer;
    if (b !== middle) return body;
    // Stamped inside its batch's span: a record without a time would take the receive time and be the
    // newest of the store, found at once by any scan.
    const time = new Date(now - (batches - b) * BATCH_SPAN_MS - 1).toISOString();
    const rare = JSON.stringify({ time, level: 'error', msg: `consumer group ${RARE}`, service: 'billing-consumer' });
    return gzipSync(`${gunzipSync(body).toString()}${rare}\n`);
  };
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const r = await call(t.url, 'POST', '/api/ingest', {
      auth: { key },
      raw: bodyOf(b),
      contentType: 'application/x-ndjson',
      headers: { 'content-encoding': 'gzip' },
    });
    if (r.status !== 202) throw new Error(`ingest answered ${r.status}: ${r.text}`);
  }
  const loadSeconds = (performance.now() - started) / 1000;
  const bucket = new DirBucket(join(t.sql.dataDir, 'bucket'));

  /** Pages newest first until a page holds a match (or the range ends); answers seconds and objects read. */
  async function firstMatch(q: string): Promise<{ seconds: number; objects: number; found: number }> {
    const t0 = performance.now();
    let objects = 0;
    let cursor: string | null | undefined;
    for (;;) {
      const page = await queryLogs(
        t.sql.store.db,
        bucket,
        projectId,
        { q, limit: 100, cursor: cursor ? decodeCursor(cursor) : undefined },
        undefined,
        (s) => {
          objects += s.objects;
        },
      );
      if (page.logs.length > 0 || page.nextCursor === null) {
        return { seconds: (performance.now() - t0) / 1000, objects, found: page.logs.length };
      }
      cursor = page.nextCursor;
    }
  }

  const queries = [`"${RARE}"`, 'service:billing-consumer', 'ECONNRESET-never-logged'];
  const filtered: Array<{ seconds: number; objects: number; found: number }> = [];
  for (const q of queries) filtered.push(await firstMatch(q));
  await t.sql.store.db.updateTable('ingest_batches').set({ text_filter: null }).execute();
  const full: typeof filtered = [];
  for (const q of queries) full.push(await firstMatch(q));

  console.log(
    `${(batches * PER_BATCH).toLocaleString('en-US')} records in ${batches.toLocaleString('en-US')} batches, loaded in ${loadSeconds.toFixed(1)} s`,
  );
  console.log('| query | with text filters | full scan (same store) | speed-up |');
  console.log('|---|---|---|---|');
  queries.forEach((q, i) => {
    const f = filtered[i]!;
    const s = full[i]!;
    if (f.found !== s.found) throw new Error(`${q}: filtered search found ${f.found}, full scan ${s.found}`);
    console.log(
      `| \`${q}\` | ${f.seconds.toFixed(3)} s, ${f.objects} objects | ${s.seconds.toFixed(3)} s, ${s.objects} objects | ${(s.seconds / f.seconds).toFixed(1)}x |`,
    );
  });
} finally {
  await t.close();
}
