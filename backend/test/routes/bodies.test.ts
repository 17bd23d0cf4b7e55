import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_BODY_LIMIT } from '../../src/http/json-body.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import {
  type Auth,
  call,
  expectError,
  newKey,
  newProject,
  PASSWORD,
  type Session,
  signUp,
  uniqueEmail,
} from './support/client.js';

/** A JSON write route and a body it accepts, to check the refusals against. */
interface Target {
  name: string;
  method: 'POST' | 'PUT';
  path: () => string;
  auth: () => Auth;
  valid: () => Record<string, unknown>;
}

describe.each(SQL_DIALECTS)('malformed, oversized and hostile bodies on %s', (dialect) => {
  let t: TestApp;
  let url: string;
  let owner: Session;
  let projectId: string;
  let targets: Target[];

  beforeAll(async () => {
    // Ingest decodes inline (no worker threads), keeping this suite cheap; logs.test.ts reads what the pool writes.
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    url = t.url;
    owner = await signUp(url);
    projectId = await newProject(url, owner);
    const user = () => ({ bearer: owner.token });
    targets = [
      {
        name: 'register',
        method: 'POST',
        path: () => '/api/auth/register',
        auth: () => undefined,
        valid: () => ({ email: uniqueEmail(), password: PASSWORD }),
      },
      {
        name: 'login',
        method: 'POST',
        path: () => '/api/auth/login',
        auth: () => undefined,
        valid: () => ({ email: owner.email, password: owner.password }),
      },
      { name: 'create project', method: 'POST', path: () => '/api/projects', auth: user, valid: () => ({ name: 'p' }) },
      {
        name: 'update project',
        method: 'PUT',
        path: () => `/api/projects/${projectId}`,
        auth: user,
        valid: () => ({ name: 'p' }),
      },
      {
        name: 'create key',
        method: 'POST',
        path: () => `/api/projects/${projectId}/keys`,
        auth: user,
        valid: () => ({ name: 'k', scopes: ['read'] }),
      },
    ];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts each target body as given (the control for the refusals below)', async () => {
    for (const target of targets) {
      const r = await call(url, target.method, target.path(), { auth: target.auth(), json: target.valid() });
      expect({ target: target.name, ok: r.status < 300 }).toEqual({ target: target.name, ok: true });
    }
  });

  it('answers 400 invalid_body for JSON that does not parse or is not an object', async () => {
    const bodies = [
      '{"name":',
      '{name: "x"}',
      "{'name':'x'}",
      '{"name":"x"}garbage',
      '[]',
      'null',
      '"name"',
      '42',
      'true',
    ];
    for (const target of targets) {
      for (const raw of bodies) {
        const r = await call(url, target.method, target.path(), { auth: target.auth(), raw });
        expect({ target: target.name, raw, status: r.status }).toEqual({ target: target.name, raw, status: 400 });
        expectError(r, 400, 'invalid_body');
      }
    }
  });

  it('refuses prototype-poisoning keys with 400 invalid_body', async () => {
    for (const target of targets) {
      const valid = JSON.stringify(target.valid()).slice(1, -1);
      for (const raw of [
        `{${valid},"__proto__":{"isAdmin":true}}`,
        `{${valid},"constructor":{"prototype":{"isAdmin":true}}}`,
      ]) {
        const r = await call(url, target.method, target.path(), { auth: target.auth(), raw });
        expectError(r, 400, 'invalid_body');
      }
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('answers 415 for other content types and for compressed JSON', async () => {
    for (const target of targets) {
      const json = JSON.stringify(target.valid());
      const auth = target.auth();
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        expectError(
          await call(url, target.method, target.path(), { auth, raw: json, contentType }),
          415,
          'unsupported_media_type',
        );
      }
      const gz = await call(url, target.method, target.path(), {
        auth,
        raw: gzipSync(json),
        headers: { 'content-encoding': 'gzip' },
      });
      expectError(gz, 415, 'unsupported_media_type');
      // No Content-Type at all on a body is refused the same way.
      const res = await fetch(`${url}${target.path()}`, {
        method: target.method,
        headers: auth && 'bearer' in auth ? { authorization: `Bearer ${auth.bearer}` } : {},
        body: new Blob([json]),
      });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    }
  });

  it(`answers 413 payload_too_large over ${JSON_BODY_LIMIT} bytes, and takes a body just under it`, async () => {
    for (const target of targets) {
      const pad = 'x'.repeat(JSON_BODY_LIMIT);
      const raw = JSON.stringify({ ...target.valid(), pad });
      expectError(
        await call(url, target.method, target.path(), { auth: target.auth(), raw }),
        413,
        'payload_too_large',
      );
    }
    // Unknown fields are ignored, so a body just under the limit is judged on its content.
    const under = JSON.stringify({ name: 'big', pad: 'x'.repeat(JSON_BODY_LIMIT - 40) });
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(JSON_BODY_LIMIT);
    expect((await call(url, 'POST', '/api/projects', { auth: { bearer: owner.token }, raw: under })).status).toBe(201);
  });

  it('does not read the body of an unauthenticated write: 401 even when it is oversized or garbage', async () => {
    const big = `{"name":"${'x'.repeat(2 * JSON_BODY_LIMIT)}"}`;
    expectError(await call(url, 'POST', '/api/projects', { raw: big }), 401, 'unauthorized');
    expectError(await call(url, 'POST', `/api/projects/${projectId}/keys`, { raw: '{"' }), 401, 'unauthorized');
    expectError(
      await call(url, 'PUT', `/api/projects/${projectId}`, { raw: 'x', contentType: 'text/plain' }),
      401,
      'unauthorized',
    );
  });

  it('answers 400 naming the field for deeply nested and wrongly typed values, without falling over', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const cases: Array<[string, string]> = [
      [`{"name":${deep}}`, 'name'],
      ['{"name":{"$gt":""}}', 'name'],
      ['{"name":["a","b"]}', 'name'],
      [`{"name":"${'é'.repeat(101)}"}`, 'name'],
      // PostgreSQL text cannot hold NUL: refused as input, not failed as a 500.
      ['{"name":"a\\u0000b"}', 'name'],
    ];
    for (const [raw, field] of cases) {
      const r = await call(url, 'POST', '/api/projects', { auth: { bearer: owner.token }, raw });
      expectError(r, 400, 'invalid_body');
      expect(r.body.error.details).toEqual({ field });
    }
    const keyName = await call(url, 'POST', `/api/projects/${projectId}/keys`, {
      auth: { bearer: owner.token },
      json: { name: 'k\u0000', scopes: ['read'] },
    });
    expectError(keyName, 400, 'invalid_body');
    expect(keyName.body.error.details).toEqual({ field: 'name' });
    const alert = await call(url, 'PUT', `/api/projects/${projectId}`, {
      auth: { bearer: owner.token },
      json: { name: 'ok', alert: { url: 'https://example.com/a\u0000b', threshold: 5 } },
    });
    expect(alert.status).toBeLessThan(500);
    const register = await call(url, 'POST', '/api/auth/register', {
      json: { email: 'a\u0000@example.com', password: `${PASSWORD}\u0000` },
    });
    expectError(register, 400, 'invalid_body');
    const login = await call(url, 'POST', '/api/auth/login', {
      raw: JSON.stringify({ email: { $ne: null }, password: { $ne: null } }),
    });
    expectError(login, 400, 'invalid_body');
    const tooLong = await call(url, 'POST', '/api/auth/login', {
      json: { email: owner.email, password: 'p'.repeat(1025) },
    });
    expectError(tooLong, 400, 'invalid_body');
    expect((await call(url, 'GET', '/healthz')).status).toBe(200);
  });

  it('stores names with any Unicode as given but bidi controls, and answers them back unchanged', async () => {
    const name = 'Zahlungs-API 🚀 <script>alert(1)</script> \u202e ünïcødé';
    const r = await call(url, 'POST', '/api/projects', { auth: { bearer: owner.token }, json: { name } });
    expect(r.status).toBe(201);
    const got = await call(url, 'GET', `/api/projects/${r.body.id}`, { auth: { bearer: owner.token } });
    // A right-to-left override would render the rest of the name reversed (a spoofing vector): dropped.
    expect(got.body.name).toBe(name.replace('\u202e', ''));
    expect(got.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers 404 for odd and hostile project ids in the path', async () => {
    const auth = { bearer: owner.token };
    const { key } = await newKey(url, owner, projectId, ['read']);
    const odd = [
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      'p_%00',
      'p_%27%20or%201%3D1--',
      'x'.repeat(2000),
      `${projectId}%20`,
      '%E0%A4%A',
    ];
    for (const id of odd) {
      expectError(await call(url, 'GET', `/api/projects/${id}`, { auth }), 404, 'not_found');
      expectError(await call(url, 'GET', `/api/projects/${id}/logs`, { auth: { key } }), 404, 'not_found');
      expectError(await call(url, 'DELETE', `/api/projects/${id}`, { auth }), 404, 'not_found');
      expectError(await call(url, 'DELETE', `/api/projects/${projectId}/keys/${id}`, { auth }), 404, 'not_found');
    }
    expect((await call(url, 'GET', `/api/projects/${projectId}`, { auth })).status).toBe(200);
  });
});
