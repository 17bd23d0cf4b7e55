import { gunzipSync } from 'node:zlib';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloudSage } from '../src/index.js';
import { forecastBody } from './helpers/fixtures.js';

const ENDPOINT = 'http://cloudsage.test';
const batches: Array<{ headers: Headers; lines: string[] }> = [];
let ingestStatuses: number[] = [];

const server = setupServer(
  http.post(`${ENDPOINT}/api/ingest`, async ({ request }) => {
    const body = Buffer.from(await request.arrayBuffer());
    const lines = gunzipSync(body).toString().split('\n').filter(Boolean);
    batches.push({ headers: request.headers, lines });
    const status = ingestStatuses.shift() ?? 202;
    if (status !== 202) return HttpResponse.json({ error: { code: 'x', message: 'x' } }, { status });
    return HttpResponse.json({ batchId: 'b', accepted: lines.length, rejected: 0, errors: [] }, { status: 202 });
  }),
  http.get(`${ENDPOINT}/api/forecast/:id`, ({ params }) =>
    HttpResponse.json({ ...forecastBody, projectId: params.id }),
  ),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  batches.length = 0;
  ingestStatuses = [];
});
afterAll(() => server.close());

function make() {
  return new CloudSage({
    endpoint: ENDPOINT,
    apiKey: 'csk_fetch',
    exitHooks: false,
    random: () => 0,
    fetch: (url, init) => globalThis.fetch(url, init as RequestInit),
  });
}

describe('with a pluggable fetch (msw)', () => {
  it('ships gzip NDJSON through the given fetch, in order', async () => {
    const c = make();
    for (let i = 0; i < 5; i++) c.info(`m${i}`);
    expect(await c.flush()).toEqual({ sent: 5, dropped: 0, pending: 0 });
    expect(batches[0]!.lines.map((l) => JSON.parse(l).msg)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(batches[0]!.headers.get('content-encoding')).toBe('gzip');
    expect(batches[0]!.headers.get('authorization')).toBe('Bearer csk_fetch');
  });

  it('retries 503 and keeps the Idempotency-Key, keeps a 401 batch for the next probe instead', async () => {
    const c = make();
    ingestStatuses = [503];
    c.info('a');
    await c.flush();
    expect(batches).toHaveLength(2);
    expect(batches[0]!.headers.get('idempotency-key')).toBe(batches[1]!.headers.get('idempotency-key'));
    batches.length = 0;
    ingestStatuses = [401];
    c.info('b');
    expect(await c.flush({ timeoutMs: 200 })).toEqual({ sent: 0, dropped: 0, pending: 1 });
    expect(batches).toHaveLength(1);
  });

  it('reads a forecast through the given fetch', async () => {
    const c = make();
    expect((await c.getForecast('p_9')).projectId).toBe('p_9');
  });
});
