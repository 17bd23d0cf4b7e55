import { createHash } from 'node:crypto';
import { ApiKey, CreatedApiKey } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAST_USED_RESOLUTION_MS } from '../../src/services/auth/api-key-lookup.js';
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

describe.each(SQL_DIALECTS)('API key routes on %s', (dialect) => {
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

  it('creates a key (201, shown once, not cached), lists it without the secret, and stores only its hash', async () => {
    const id = await newProject(url, owner);
    const auth = { bearer: owner.token };
    const r = await call(url, 'POST', `/api/projects/${id}/keys`, {
      auth,
      json: { name: ' prod shipper ', scopes: ['read', 'ingest'] },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const created = CreatedApiKey.strict().parse(r.body);
    expect(created).toMatchObject({
      name: 'prod shipper',
      scopes: ['ingest', 'read'],
      createdAt: new Date(clock.now()).toISOString(),
      lastUsedAt: null,
    });
    expect(created.key).toMatch(/^csk_[\w-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.prefix).toHaveLength(12);

    const list = await call(url, 'GET', `/api/projects/${id}/keys`, { auth });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      {
        id: created.id,
        name: 'prod shipper',
        scopes: ['ingest', 'read'],
        prefix: created.prefix,
        createdAt: created.createdAt,
        lastUsedAt: null,
      },
    ]);
    ApiKey.strict().parse(list.body[0]);
    expect(list.text).not.toContain(created.key.slice(created.prefix.length));

    const row = await t.sql.store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(Object.values(row).join(' ')).not.toContain(created.key.slice(created.prefix.length));
  });

  it('defaults scopes to ingest and lists newest first', async () => {
    const id = await newProject(url, owner);
    const auth = { bearer: owner.token };
    const a = await call(url, 'POST', `/api/projects/${id}/keys`, { auth, json: { name: 'a' } });
    expect(a.body.scopes).toEqual(['ingest']);
    clock.advance(1000);
    const b = await call(url, 'POST', `/api/projects/${id}/keys`, { auth, json: { name: 'b', scopes: ['read'] } });
    const list = await call(url, 'GET', `/api/projects/${id}/keys`, { auth });
    expect(list.body.map((k: ApiKey) => k.id)).toEqual([b.body.id, a.body.id]);
  });

  it('answers 400 naming the field for bad key requests', async () => {
    const id = await newProject(url, owner);
    const auth = { bearer: owner.token };
    const cases: Array<[unknown, string]> = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'k', scopes: [] }, 'scopes'],
      [{ name: 'k', scopes: ['admin'] }, 'scopes.0'],
      [{ name: 'k', scopes: 'read' }, 'scopes'],
    ];
    for (const [json, field] of cases) {
      const r = await call(url, 'POST', `/api/projects/${id}/keys`, { auth, json });
      expectError(r, 400, 'invalid_body');
      expect(r.body.error.details).toEqual({ field });
    }
    expect((await call(url, 'GET', `/api/projects/${id}/keys`, { auth })).body).toEqual([]);
  });

  it('records lastUsedAt when a key is used, at most once a resolution period', async () => {
    const id = await newProject(url, owner);
    const { id: keyId, key } = await newKey(url, owner, id, ['read']);
    const lastUsed = async () =>
      (await call(url, 'GET', `/api/projects/${id}/keys`, { auth: { bearer: owner.token } })).body.find(
        (k: ApiKey) => k.id === keyId,
      ).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    clock.advance(5000);
    const firstUse = clock.now();
    expect((await call(url, 'GET', '/api/auth/me', { auth: { key } })).status).toBe(200);
    expect(await lastUsed()).toBe(new Date(firstUse).toISOString());
    clock.advance(LAST_USED_RESOLUTION_MS - 1);
    await call(url, 'GET', '/api/auth/me', { auth: { key } });
    expect(await lastUsed()).toBe(new Date(firstUse).toISOString());
    clock.advance(1);
    await call(url, 'GET', '/api/auth/me', { auth: { key } });
    expect(await lastUsed()).toBe(new Date(clock.now()).toISOString());
  });

  it('revokes a key: 204, it answers 401 from then on and leaves the list; revoking again is 204', async () => {
    const id = await newProject(url, owner);
    const auth = { bearer: owner.token };
    const kept = await newKey(url, owner, id, ['ingest']);
    const doomed = await newKey(url, owner, id, ['read', 'ingest']);
    expect((await call(url, 'GET', `/api/projects/${id}/logs`, { auth: { key: doomed.key } })).status).toBe(200);

    const r = await call(url, 'DELETE', `/api/projects/${id}/keys/${doomed.id}`, { auth });
    expect(r.status).toBe(204);
    for (const via of ['bearer', 'header'] as const) {
      expectError(
        await call(url, 'GET', `/api/projects/${id}/logs`, { auth: { key: doomed.key, via } }),
        401,
        'invalid_key',
      );
    }
    // A key in the URL is taken by the events stream only; there the revoked key is refused too.
    expectError(
      await call(url, 'GET', `/api/projects/${id}/events`, { auth: { key: doomed.key, via: 'query' } }),
      401,
      'invalid_key',
    );
    expectError(
      await call(url, 'POST', '/api/ingest', {
        auth: { key: doomed.key },
        raw: '{"msg":"x"}\n',
        contentType: 'application/x-ndjson',
      }),
      401,
      'invalid_key',
    );
    const list = await call(url, 'GET', `/api/projects/${id}/keys`, { auth });
    expect(list.body.map((k: ApiKey) => k.id)).toEqual([kept.id]);
    expect((await call(url, 'DELETE', `/api/projects/${id}/keys/${doomed.id}`, { auth })).status).toBe(204);
    expect((await call(url, 'GET', '/api/auth/me', { auth: { key: kept.key } })).status).toBe(200);
  });

  it('answers 404 for a key id that is unknown or belongs to another project of the same user', async () => {
    const a = await newProject(url, owner, 'a');
    const b = await newProject(url, owner, 'b');
    const keyOfB = await newKey(url, owner, b, ['read']);
    const auth = { bearer: owner.token };
    expectError(await call(url, 'DELETE', `/api/projects/${a}/keys/k_nope`, { auth }), 404, 'not_found');
    expectError(await call(url, 'DELETE', `/api/projects/${a}/keys/${keyOfB.id}`, { auth }), 404, 'not_found');
    expect((await call(url, 'GET', '/api/auth/me', { auth: { key: keyOfB.key } })).status).toBe(200);
  });

  it('lets only the owner manage keys: 401 without credentials, 403 insufficient_scope for the project own keys', async () => {
    const id = await newProject(url, owner);
    const read = await newKey(url, owner, id, ['read', 'ingest']);
    expectError(await call(url, 'GET', `/api/projects/${id}/keys`), 401, 'unauthorized');
    expectError(await call(url, 'POST', `/api/projects/${id}/keys`, { json: { name: 'x' } }), 401, 'unauthorized');
    expectError(await call(url, 'DELETE', `/api/projects/${id}/keys/${read.id}`), 401, 'unauthorized');
    const auth = { key: read.key };
    expectError(await call(url, 'GET', `/api/projects/${id}/keys`, { auth }), 403, 'insufficient_scope');
    expectError(
      await call(url, 'POST', `/api/projects/${id}/keys`, { auth, json: { name: 'x' } }),
      403,
      'insufficient_scope',
    );
    expectError(await call(url, 'DELETE', `/api/projects/${id}/keys/${read.id}`, { auth }), 403, 'insufficient_scope');
    // Cookie-authenticated key writes need the CSRF token like every other cookie write.
    expectError(
      await call(url, 'POST', `/api/projects/${id}/keys`, {
        auth: { session: owner, csrf: false },
        json: { name: 'x' },
      }),
      403,
      'csrf_failed',
    );
    expect(
      (await call(url, 'POST', `/api/projects/${id}/keys`, { auth: { session: owner }, json: { name: 'x' } })).status,
    ).toBe(201);
  });
});
