import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newKey, newProject, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';

const ndjson = (n: number, tag: string) =>
  `${Array.from({ length: n }, (_, i) => JSON.stringify({ level: 'info', msg: `${tag} ${i}` })).join('\n')}\n`;

const otlpJson = (n: number) =>
  JSON.stringify({
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: Array.from({ length: n }, (_, i) => ({
              severityText: 'INFO',
              body: { stringValue: `o ${i}` },
            })),
          },
        ],
      },
    ],
  });

describe('the daily ingest quota on the ingest routes', () => {
  let t: TestApp;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { CLOUDSAGE_INGEST_WORKERS: '0', CLOUDSAGE_DAILY_RECORDS_PER_PROJECT: '10' } });
    const owner = await signUp(t.url);
    const projectId = await newProject(t.url, owner);
    ({ key } = await newKey(t.url, owner, projectId, ['ingest']));
    const other = await newProject(t.url, owner);
    ({ key: otherKey } = await newKey(t.url, owner, other, ['ingest']));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts /api/ingest and /v1/logs together and refuses past the quota with its own code', async () => {
    const send = (k: string, n: number) =>
      call(t.url, 'POST', '/api/ingest', {
        auth: { key: k },
        raw: ndjson(n, 'a'),
        contentType: 'application/x-ndjson',
      });
    expect((await send(key, 6)).status).toBe(202);
    const otlp = await call(t.url, 'POST', '/v1/logs', {
      auth: { key },
      raw: otlpJson(4),
      contentType: 'application/json',
    });
    expect(otlp.status).toBe(200);

    const refused = await send(key, 1);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('daily_quota_exceeded');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);

    const otlpRefused = await call(t.url, 'POST', '/v1/logs', {
      auth: { key },
      raw: otlpJson(1),
      contentType: 'application/json',
    });
    expect(otlpRefused.status).toBe(429);
    expect(otlpRefused.text).toContain('daily_quota_exceeded');

    // Another project keeps its own count.
    expect((await send(otherKey, 3)).status).toBe(202);
    const metrics = await call(t.url, 'GET', '/metrics');
    expect(metrics.text).toMatch(/cloudsage_ingest_quota_rejected_total 2\b/);
  });
});
