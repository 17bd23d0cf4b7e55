import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryLogs, type ScanStats } from '../../src/services/logs/logs-query.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { call, newKey, newProject, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';

const BATCHES = 12;
const T0 = Date.parse('2026-12-04T10:00:00.000Z');

describe.each(SQL_DIALECTS)('searches skip batches their text filter rules out, on %s', (dialect) => {
  let t: TestApp;
  let projectId: string;
  let bucket: DirBucket;

  beforeAll(async () => {
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    const owner = await signUp(t.url);
    projectId = await newProject(t.url, owner);
    const { key } = await newKey(t.url, owner, projectId, ['ingest']);
    for (let b = 0; b < BATCHES; b++) {
      const lines = Array.from({ length: 50 }, (_, i) => ({
        time: new Date(T0 + (b * 50 + i) * 1000).toISOString(),
        level: b === 4 && i === 7 ? 'error' : 'info',
        msg:
          b === 4 && i === 7
            ? 'ERROR: deadlock detected on relation "orders"'
            : `request completed GET /api/cart/${i} 200`,
        service: b % 3 === 0 ? 'payments' : 'checkout',
      }));
      const r = await call(t.url, 'POST', '/api/ingest', {
        auth: { key },
        raw: `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`,
        contentType: 'application/x-ndjson',
      });
      expect(r.status).toBe(202);
    }
    bucket = new DirBucket(join(t.sql.dataDir, 'bucket'));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function search(q: string): Promise<{ msgs: string[]; stats: ScanStats }> {
    let stats: ScanStats | undefined;
    const page = await queryLogs(t.sql.store.db, bucket, projectId, { q, limit: 1000 }, undefined, (s) => {
      stats = s;
    });
    return { msgs: page.logs.map((l) => `${l.service} ${l.msg}`), stats: stats as ScanStats };
  }

  it('reads only the batches that may match, and finds what a full scan finds', async () => {
    const rare = await search('Deadlock');
    expect(rare.msgs).toEqual(['checkout ERROR: deadlock detected on relation "orders"']);
    expect(rare.stats.objects).toBeLessThanOrEqual(2);
    expect(rare.stats.skippedByFilter).toBeGreaterThanOrEqual(BATCHES - 2);
    const bySvc = await search('service:payments completed');
    expect(bySvc.stats.objects).toBeLessThanOrEqual(BATCHES / 3 + 1);

    // The same searches over rows without filters (as stored before them) read everything, find the same.
    await t.sql.store.db.updateTable('ingest_batches').set({ text_filter: null }).execute();
    const full = await search('Deadlock');
    expect(full.stats.objects).toBe(BATCHES);
    expect(full.msgs).toEqual(rare.msgs);
    expect((await search('service:payments completed')).msgs).toEqual(bySvc.msgs);
  });
});
