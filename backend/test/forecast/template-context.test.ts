import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateOrigins } from '../../src/services/forecast/template-context.js';
import type { SkippedInput } from '../../src/services/logs/batch-reader.js';
import { call, manualClock, newProject, type Session, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { seedBaseline, seedBatch, seedRiskHistory, TEMPLATE } from './store-fixture.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const HOUR = 3_600_000;

// The forecast's template context reads raw batches through the one batch reader: torn lines and
// an unreadable object are left out and counted, and the forecast is still made.
describe('template context over torn and unreadable batch objects', () => {
  const clock = manualClock(Date.parse('2026-11-25T12:30:00.000Z'));
  let t: TestApp;
  let owner: Session;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now });
    owner = await signUp(t.url);
    projectId = await newProject(t.url, owner, 'shop');
    const db = t.sql.store.db;
    await seedRiskHistory(db, projectId, clock.now());
    await seedBaseline(db, projectId, clock.now());
    await seedBatch(db, t.app.bucket, projectId, clock.now());
    // Tear lines 0 and 2 of the seeded object: the first two checkout-api error lines.
    const batch = await db
      .selectFrom('ingest_batches')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    const text = (await gunzipAsync((await t.app.bucket.get(batch.object_key))!)).toString('utf8');
    const lines = text.split('\n');
    lines[0] = lines[0]!.slice(0, 30);
    lines[2] = lines[2]!.slice(0, 30);
    await t.app.bucket.put(batch.object_key, await gzipAsync(lines.join('\n')));
    // And a second batch whose object is not gzip at all.
    const garbage = `${batch.object_key}.garbage`;
    await t.app.bucket.put(garbage, Buffer.from('not gzip'));
    await db
      .insertInto('ingest_batches')
      .values({ ...batch, id: `${batch.id}_2`, object_key: garbage, received_at: batch.received_at + 1 })
      .execute();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts services of the readable lines and tells what it skipped', async () => {
    const told: SkippedInput[] = [];
    const origins = await templateOrigins(
      t.sql.store.db,
      t.app.bucket,
      projectId,
      [{ id: 't1', pattern: TEMPLATE }],
      clock.now() - 24 * HOUR,
      undefined,
      (s) => told.push(s),
    );
    expect(origins.get('t1')?.services).toEqual([
      { name: 'checkout-api', count: 23 },
      { name: 'billing', count: 5 },
    ]);
    expect(told).toEqual([{ lines: 2, unreadableObjects: 1 }]);
  });

  it('still answers the forecast, with the skipped input in /metrics', async () => {
    const forecast = await call(t.url, 'GET', `/api/forecast/${projectId}`, { auth: { bearer: owner.token } });
    expect(forecast.status).toBe(200);
    expect(forecast.body.actions[0]).toContain('checkout-api');
    const metrics = (await call(t.url, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/^cloudsage_batch_lines_skipped_total\{reader="forecast"\} 2$/m);
    expect(metrics).toMatch(/^cloudsage_batch_objects_unreadable_total\{reader="forecast"\} 1$/m);
  });
});
