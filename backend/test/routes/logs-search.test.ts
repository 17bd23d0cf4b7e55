import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { call, newKey, newProject, signUp } from './support/client.js';

// What pino-http and a driver error look like once stored.
const lines = [
  { level: 'info', msg: 'request completed', service: 'checkout', req: { method: 'GET' }, res: { statusCode: 200 } },
  { level: 'error', msg: 'connect ECONNREFUSED 127.0.0.1:6379', service: 'checkout', traceId: 'abc123' },
  { level: 'warn', msg: 'GET /healthcheck slow', service: 'payments', host: 'pay-1', res: { statusCode: 503 } },
];

describe('logs search through the API', () => {
  let t: TestApp;
  let projectId: string;
  let readKey: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    const owner = await signUp(t.url);
    projectId = await newProject(t.url, owner);
    const { key } = await newKey(t.url, owner, projectId, ['ingest']);
    ({ key: readKey } = await newKey(t.url, owner, projectId, ['read']));
    const r = await call(t.url, 'POST', '/api/ingest', {
      auth: { key },
      raw: `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`,
      contentType: 'application/x-ndjson',
    });
    expect(r.status).toBe(202);
  });
  afterAll(async () => {
    await t?.close();
  });

  const logs = (query: string) =>
    call(t.url, 'GET', `/api/projects/${projectId}/logs?${query}`, { auth: { key: readKey } });
  const msgs = async (query: string) => {
    const r = await logs(query);
    expect(r.status, r.text).toBe(200);
    return (r.body.logs as { msg: string }[]).map((l) => l.msg).sort();
  };

  it('takes field terms, phrases and negation in q, and service/host/traceId parameters', async () => {
    expect(await msgs(`q=${encodeURIComponent('service:checkout -"request completed"')}`)).toEqual([
      'connect ECONNREFUSED 127.0.0.1:6379',
    ]);
    expect(await msgs(`q=${encodeURIComponent('res.statusCode:>=500')}`)).toEqual(['GET /healthcheck slow']);
    expect(await msgs('service=checkout')).toHaveLength(2);
    expect(await msgs('host=pay-1')).toEqual(['GET /healthcheck slow']);
    expect(await msgs('traceId=abc123')).toEqual(['connect ECONNREFUSED 127.0.0.1:6379']);
  });

  it('answers 400 for an unknown parameter or a malformed query, naming it', async () => {
    const unknown = await logs('servce=checkout');
    expect([unknown.status, unknown.body.error.code, unknown.body.error.details]).toEqual([
      400,
      'invalid_query',
      { field: 'servce' },
    ]);
    const bad = await logs(`q=${encodeURIComponent('"unclosed')}`);
    expect([bad.status, bad.body.error.details]).toEqual([400, { field: 'q' }]);
  });

  it('counts levels, services and hosts over what the filter selects', async () => {
    const all = await call(t.url, 'GET', `/api/projects/${projectId}/logs/facets`, { auth: { key: readKey } });
    expect(all.status, all.text).toBe(200);
    expect(all.body).toEqual({
      records: 3,
      levels: { info: 1, error: 1, warn: 1 },
      services: {
        values: [
          { value: 'checkout', count: 2 },
          { value: 'payments', count: 1 },
        ],
        other: 0,
      },
      hosts: { values: [{ value: 'pay-1', count: 1 }], other: 0 },
    });
    const some = await call(
      t.url,
      'GET',
      `/api/projects/${projectId}/logs/facets?q=${encodeURIComponent('-service:payments')}&level=warn`,
      {
        auth: { key: readKey },
      },
    );
    expect([some.body.records, some.body.levels]).toEqual([1, { error: 1 }]);
    const unknown = await call(t.url, 'GET', `/api/projects/${projectId}/logs/facets?limit=5`, {
      auth: { key: readKey },
    });
    expect([unknown.status, unknown.body.error.details]).toEqual([400, { field: 'limit' }]);
  });
});
