import { join } from 'node:path';
import { Project } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteProject } from '../../src/services/projects/projects.js';
import type { Bucket } from '../../src/store/bucket/bucket.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import {
  call,
  expectError,
  type ManualClock,
  manualClock,
  newKey,
  newProject,
  type Session,
  signUp,
} from './support/client.js';

async function listKeys(bucket: DirBucket, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of bucket.list(prefix)) keys.push(key);
  return keys;
}

describe.each(SQL_DIALECTS)('project routes on %s', (dialect) => {
  let t: TestApp;
  let url: string;
  let clock: ManualClock;
  let owner: Session;

  beforeAll(async () => {
    clock = manualClock();
    // Ingest decodes inline (no worker threads), keeping this suite cheap; logs.test.ts reads what the pool writes.
    t = await startTestApp({ dialect, now: clock.now, env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    url = t.url;
    owner = await signUp(url);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function addRiskPoints(projectId: string, scores: number[]): Promise<void> {
    // Oldest first; scoring writes these rows in production (its own issue), the list only reads them.
    const base = clock.now() - scores.length * 60_000;
    await t.sql.store.db
      .insertInto('risk_history')
      .values(
        scores.map((score, i) => ({
          id: `r_${projectId}_${i}`,
          project_id: projectId,
          window_start: base + i * 60_000,
          timestamp: base + i * 60_000,
          score,
          labels: '[]',
          signals: '{}',
          explanations: '[]',
          created_at: base + i * 60_000,
        })),
      )
      .execute();
  }

  it('creates (201), reads, lists newest first with latestScore and trend, renames and deletes a project', async () => {
    const user = await signUp(url);
    const auth = { bearer: user.token };
    expect((await call(url, 'GET', '/api/projects', { auth })).body).toEqual([]);

    const created = await call(url, 'POST', '/api/projects', { auth, json: { name: '  Checkout API ' } });
    expect(created.status).toBe(201);
    const first = Project.parse(created.body);
    expect(first).toEqual({
      id: expect.stringMatching(/^p_[\w-]{22}$/),
      name: 'Checkout API',
      createdAt: new Date(clock.now()).toISOString(),
      updatedAt: new Date(clock.now()).toISOString(),
      alert: null,
    });
    clock.advance(1000);
    const second = (await call(url, 'POST', '/api/projects', { auth, json: { name: 'Billing' } })).body;
    await addRiskPoints(first.id, [10, 12, 11, 60, 70, 80]);
    await addRiskPoints(second.id, [40]);

    const list = await call(url, 'GET', '/api/projects', { auth });
    expect(list.status).toBe(200);
    expect(list.body.map((p: Project) => [p.name, p.latestScore, p.trend])).toEqual([
      ['Billing', 40, null],
      ['Checkout API', 80, 'up'],
    ]);
    for (const p of list.body) Project.parse(p);

    const got = await call(url, 'GET', `/api/projects/${first.id}`, { auth });
    // One project also tells how its scoring stands (no windows parked yet).
    expect(got.body).toEqual({ ...first, scoring: { parkedWindows: 0 } });

    clock.advance(5000);
    const renamed = await call(url, 'PUT', `/api/projects/${first.id}`, { auth, json: { name: 'Checkout' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id: first.id,
      name: 'Checkout',
      createdAt: first.createdAt,
      updatedAt: new Date(clock.now()).toISOString(),
      latestScore: 80,
    });
    expect((await call(url, 'GET', `/api/projects/${first.id}`, { auth })).body.name).toBe('Checkout');

    const deleted = await call(url, 'DELETE', `/api/projects/${first.id}`, { auth });
    expect(deleted.status).toBe(204);
    expectError(await call(url, 'GET', `/api/projects/${first.id}`, { auth }), 404, 'not_found');
    expectError(await call(url, 'DELETE', `/api/projects/${first.id}`, { auth }), 404, 'not_found');
    expect((await call(url, 'GET', '/api/projects', { auth })).body.map((p: Project) => p.id)).toEqual([second.id]);
  });

  it('sets and clears the alert webhook; a private target is refused unless allowed', async () => {
    const id = await newProject(url, owner);
    const auth = { bearer: owner.token };
    const alert = { url: 'https://hooks.example.com/cloudsage', threshold: 70 };
    const set = await call(url, 'PUT', `/api/projects/${id}`, { auth, json: { alert } });
    expect(set.body.alert).toEqual(alert);
    expect((await call(url, 'GET', `/api/projects/${id}`, { auth })).body).toMatchObject({ alert, name: 'project' });
    const cleared = await call(url, 'PUT', `/api/projects/${id}`, { auth, json: { alert: null } });
    expect(cleared.body.alert).toBeNull();

    for (const target of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://10.1.2.3/x', 'http://[::1]/x']) {
      const r = await call(url, 'PUT', `/api/projects/${id}`, {
        auth,
        json: { alert: { url: target, threshold: 50 } },
      });
      expectError(r, 400, 'invalid_body');
      expect(r.body.error.details).toEqual({ field: 'alert.url' });
    }
    expect((await call(url, 'GET', `/api/projects/${id}`, { auth })).body.alert).toBeNull();
  });

  it('answers 400 naming the field for invalid project bodies', async () => {
    const id = await newProject(url, owner);
    const auth = { bearer: owner.token };
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/projects', {}, 'name'],
      ['POST', '/api/projects', { name: '   ' }, 'name'],
      ['POST', '/api/projects', { name: 'x'.repeat(101) }, 'name'],
      ['POST', '/api/projects', { name: 42 }, 'name'],
      ['PUT', `/api/projects/${id}`, { name: '' }, 'name'],
      ['PUT', `/api/projects/${id}`, { alert: { url: 'ftp://example.com/x', threshold: 50 } }, 'alert.url'],
      ['PUT', `/api/projects/${id}`, { alert: { url: 'https://example.com/x', threshold: 101 } }, 'alert.threshold'],
      ['PUT', `/api/projects/${id}`, { alert: { url: 'https://example.com/x' } }, 'alert.threshold'],
    ];
    for (const [method, path, json, field] of cases) {
      const r = await call(url, method, path, { auth, json });
      expectError(r, 400, 'invalid_body');
      expect(r.body.error.details).toEqual({ field });
    }
  });

  it('strips bidi control characters from names on create and rename', async () => {
    const auth = { bearer: owner.token };
    // U+202E (right-to-left override) would show "invoice\u202Egnp.exe" as "invoiceexe.png".
    const created = await call(url, 'POST', '/api/projects', { auth, json: { name: 'invoice\u202Egnp.exe' } });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('invoicegnp.exe');
    const id = created.body.id as string;
    const every = '\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
    const renamed = await call(url, 'PUT', `/api/projects/${id}`, { auth, json: { name: `a${every}b` } });
    expect(renamed.body.name).toBe('ab');
    expect((await call(url, 'GET', `/api/projects/${id}`, { auth })).body.name).toBe('ab');
    // Other right-to-left text is a name like any other and stays.
    const hebrew = await call(url, 'PUT', `/api/projects/${id}`, { auth, json: { name: 'קופה' } });
    expect(hebrew.body.name).toBe('קופה');
    // A name of nothing but controls is no name.
    const empty = await call(url, 'POST', '/api/projects', { auth, json: { name: ` ${every} ` } });
    expectError(empty, 400, 'invalid_body');
    expect(empty.body.error.details).toEqual({ field: 'name' });
  });

  it('answers 401 without credentials and 403 for API keys where only the owner may act', async () => {
    const id = await newProject(url, owner);
    const read = await newKey(url, owner, id, ['read']);
    const ingest = await newKey(url, owner, id, ['ingest']);
    expectError(await call(url, 'GET', '/api/projects'), 401, 'unauthorized');
    expectError(await call(url, 'POST', '/api/projects', { json: { name: 'x' } }), 401, 'unauthorized');
    expectError(await call(url, 'GET', `/api/projects/${id}`), 401, 'unauthorized');
    expectError(await call(url, 'PUT', `/api/projects/${id}`, { json: { name: 'x' } }), 401, 'unauthorized');
    expectError(await call(url, 'DELETE', `/api/projects/${id}`), 401, 'unauthorized');

    for (const key of [read.key, ingest.key]) {
      const auth = { key };
      expectError(await call(url, 'POST', '/api/projects', { auth, json: { name: 'x' } }), 403, 'insufficient_scope');
      expectError(
        await call(url, 'PUT', `/api/projects/${id}`, { auth, json: { name: 'x' } }),
        403,
        'insufficient_scope',
      );
      expectError(await call(url, 'DELETE', `/api/projects/${id}`, { auth }), 403, 'insufficient_scope');
    }
    // A read key sees its one project (docs/architecture.md, "Keys in the read API"); an ingest key may not read.
    const listed = await call(url, 'GET', '/api/projects', { auth: { key: read.key } });
    expect(listed.body.map((p: Project) => p.id)).toEqual([id]);
    expect((await call(url, 'GET', `/api/projects/${id}`, { auth: { key: read.key } })).body.id).toBe(id);
    expectError(await call(url, 'GET', '/api/projects', { auth: { key: ingest.key } }), 403, 'insufficient_scope');
    expectError(
      await call(url, 'GET', `/api/projects/${id}`, { auth: { key: ingest.key } }),
      403,
      'insufficient_scope',
    );
    expect((await call(url, 'GET', `/api/projects/${id}`, { auth: { bearer: owner.token } })).body.name).toBe(
      'project',
    );
  });

  it('asks for the CSRF token on cookie-authenticated writes only', async () => {
    const session = owner;
    const noToken = await call(url, 'POST', '/api/projects', { auth: { session, csrf: false }, json: { name: 'a' } });
    expectError(noToken, 403, 'csrf_failed');
    const wrong = await call(url, 'POST', '/api/projects', {
      auth: { session, csrf: `${session.csrf.slice(0, -1)}${session.csrf.endsWith('A') ? 'B' : 'A'}` },
      json: { name: 'a' },
    });
    expectError(wrong, 403, 'csrf_failed');
    // Header matching a planted cookie is not enough: the token is bound to the session.
    const planted = await call(url, 'POST', '/api/projects', {
      headers: { cookie: `cloudsage_session=${session.token}; csrf=planted`, 'x-csrf-token': 'planted' },
      json: { name: 'a' },
    });
    expectError(planted, 403, 'csrf_failed');
    // Header without the cookie (double submit means both) is refused too.
    const headerOnly = await call(url, 'POST', '/api/projects', {
      headers: { cookie: `cloudsage_session=${session.token}`, 'x-csrf-token': session.csrf },
      json: { name: 'a' },
    });
    expectError(headerOnly, 403, 'csrf_failed');
    const before = (await call(url, 'GET', '/api/projects', { auth: { session, csrf: false } })).body.length;

    const ok = await call(url, 'POST', '/api/projects', { auth: { session }, json: { name: 'via cookie' } });
    expect(ok.status).toBe(201);
    const id = ok.body.id;
    expectError(
      await call(url, 'PUT', `/api/projects/${id}`, { auth: { session, csrf: false }, json: { name: 'b' } }),
      403,
      'csrf_failed',
    );
    expectError(
      await call(url, 'DELETE', `/api/projects/${id}`, { auth: { session, csrf: false } }),
      403,
      'csrf_failed',
    );
    const list = await call(url, 'GET', '/api/projects', { auth: { session, csrf: false } });
    expect(list.body.length).toBe(before + 1);
    expect((await call(url, 'DELETE', `/api/projects/${id}`, { auth: { session } })).status).toBe(204);
    // A Bearer token needs no CSRF token: a cross-site page cannot attach one.
    expect(
      (await call(url, 'POST', '/api/projects', { auth: { bearer: session.token }, json: { name: 'c' } })).status,
    ).toBe(201);
  });

  it('deleting a project deletes its bucket objects, rows and keys, and leaves other projects alone', async () => {
    const id = await newProject(url, owner, 'doomed');
    const keep = await newProject(url, owner, 'kept');
    const ingestKey = await newKey(url, owner, id, ['ingest', 'read']);
    const keptKey = await newKey(url, owner, keep, ['ingest']);
    const lines = ['{"level":"error","msg":"boom","time":"2026-11-25T11:59:00.000Z"}', '{"level":"info","msg":"ok"}'];
    for (const key of [ingestKey.key, keptKey.key]) {
      const r = await call(url, 'POST', '/api/ingest', {
        auth: { key },
        raw: `${lines.join('\n')}\n`,
        contentType: 'application/x-ndjson',
      });
      expect(r.status).toBe(202);
    }
    await addRiskPoints(id, [30, 40]);
    const bucket = new DirBucket(join(t.sql.dataDir, 'bucket'));
    expect(await listKeys(bucket, `logs/${id}/`)).toHaveLength(1);
    await bucket.put(`forecasts/${id}/2026-11-25.json`, Buffer.from('{}'));

    const db = t.sql.store.db;
    const count = async (table: 'ingest_batches' | 'minute_metrics' | 'scoring_jobs' | 'risk_history' | 'api_keys') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('project_id', '=', id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const table of ['ingest_batches', 'minute_metrics', 'scoring_jobs', 'risk_history', 'api_keys'] as const) {
      expect(await count(table), table).toBeGreaterThan(0);
    }

    expect((await call(url, 'DELETE', `/api/projects/${id}`, { auth: { bearer: owner.token } })).status).toBe(204);
    for (const table of ['ingest_batches', 'minute_metrics', 'scoring_jobs', 'risk_history', 'api_keys'] as const) {
      expect(await count(table), table).toBe(0);
    }
    expect(await listKeys(bucket, `logs/${id}/`)).toEqual([]);
    expect(await listKeys(bucket, `forecasts/${id}/`)).toEqual([]);
    expectError(await call(url, 'GET', '/api/auth/me', { auth: { key: ingestKey.key } }), 401, 'invalid_key');

    expect(await listKeys(bucket, `logs/${keep}/`)).toHaveLength(1);
    expect((await call(url, 'GET', '/api/auth/me', { auth: { key: keptKey.key } })).status).toBe(200);
  });

  it('a failed bucket sweep is reported, and the project is deleted all the same', async () => {
    const id = await newProject(url, owner, 'sweep');
    const dir = new DirBucket(join(t.sql.dataDir, 'bucket'));
    await dir.put(`logs/${id}/2026-11-25/12/b_1.ndjson.gz`, Buffer.from('x'));
    await dir.put(`forecasts/${id}/2026-11-25.json`, Buffer.from('{}'));
    // The object store refuses deletes of logs (an S3 policy, a read-only mount); forecasts go.
    const refusing: Bucket = {
      put: (key, body) => dir.put(key, body),
      get: (key) => dir.get(key),
      list: (prefix) => dir.list(prefix),
      delete: (key) => dir.delete(key),
      ping: () => dir.ping(),
      close: () => dir.close(),
      deletePrefix: async (prefix) => {
        if (prefix.startsWith('logs/')) throw Object.assign(new Error('AccessDenied'), { code: 'AccessDenied' });
        await dir.deletePrefix(prefix);
      },
    };
    const reported: string[] = [];
    await deleteProject(t.sql.store.db, refusing, id, (_err, prefix) => reported.push(prefix));
    expect(reported).toEqual([`logs/${id}/`]);
    expectError(await call(url, 'GET', `/api/projects/${id}`, { auth: { bearer: owner.token } }), 404, 'not_found');
    expect(await listKeys(dir, `forecasts/${id}/`)).toEqual([]);
    expect(await listKeys(dir, `logs/${id}/`)).toHaveLength(1);
    // Without a handler the failure is thrown, so a caller cannot miss it.
    const again = await newProject(url, owner, 'sweep-2');
    await dir.put(`logs/${again}/2026-11-25/12/b_1.ndjson.gz`, Buffer.from('x'));
    await expect(deleteProject(t.sql.store.db, refusing, again)).rejects.toThrow('AccessDenied');
  });
});
