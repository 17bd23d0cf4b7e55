import { emptyDropCounts } from '@cloudsage/schema';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CloudSage,
  createBatch,
  createFetchHttp,
  createIngestSender,
  createNodeHttp,
  createUndiciHttp,
  type HttpClient,
  InMemorySender,
  InMemorySink,
  type SendResult,
} from '../src/index.js';
import { type Scripted, startServer } from './helpers/ingest-server.js';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  await server?.close();
  server = undefined;
});

// The three HTTP layers behind the one ingest request: whichever carries it, the same answer must be
// classified the same way (the agent's former copy differed on timeouts and the ingest response).
const layers: Array<[string, (endpoint: string) => HttpClient]> = [
  ['node:http', (e) => createNodeHttp(e, 2)],
  ['undici', (e) => createUndiciHttp(e, 2)],
  ['fetch', (e) => createFetchHttp(e, globalThis.fetch)],
];

const answers: Array<[string, Scripted, (r: SendResult) => void]> = [
  [
    '202 with the ingest response',
    { status: 202, body: { batchId: 'b1', accepted: 2, rejected: 0, errors: [] } },
    (r) =>
      expect(r).toEqual({
        kind: 'sent',
        status: 202,
        response: { batchId: 'b1', accepted: 2, rejected: 0, errors: [] },
      }),
  ],
  [
    '413',
    { status: 413, body: { error: { code: 'too_large', message: 'too big' } } },
    (r) => expect(r).toEqual({ kind: 'too_large', status: 413, message: 'too big' }),
  ],
  [
    '503 with Retry-After',
    { status: 503, headers: { 'retry-after': '7' }, body: { error: { code: 'store_unavailable', message: 'down' } } },
    (r) => expect(r).toEqual({ kind: 'retryable', status: 503, retryAfterMs: 7000, message: 'down' }),
  ],
  [
    '401 with the server code',
    { status: 401, body: { error: { code: 'invalid_key', message: 'bad key' } } },
    (r) => expect(r).toEqual({ kind: 'failed', status: 401, serverCode: 'invalid_key', message: 'bad key' }),
  ],
  [
    'a connection reset',
    { reset: true },
    (r) => expect(r).toMatchObject({ kind: 'retryable', message: /network error/ }),
  ],
  [
    'no answer',
    { hang: true },
    (r) => expect(r).toEqual({ kind: 'retryable', message: 'request timed out after 300 ms' }),
  ],
];

describe('the one ingest sender over each HTTP layer', () => {
  for (const [layer, make] of layers) {
    for (const [what, scripted, check] of answers) {
      it(`${layer}: classifies ${what}`, async () => {
        server = await startServer();
        server.script.push(scripted);
        const http = make(server.url);
        closers.push(() => http.close());
        // A short deadline only where the server never answers: undici loads on its first request.
        const requestTimeoutMs = 'hang' in scripted ? 300 : 10_000;
        const sender = createIngestSender({ http, apiKey: 'csk_k', projectId: 'p_1', requestTimeoutMs });
        const batch = createBatch('key-1', ['{"msg":"a"}', '{"msg":"b"}'], 24, {
          ...emptyDropCounts(),
          overflow: 3,
        });
        check(await sender.send(batch, { signal: new AbortController().signal }));
        const got = server.requests[0]!;
        expect(got.url).toBe('/api/ingest');
        expect(got.headers).toMatchObject({
          authorization: 'Bearer csk_k',
          'idempotency-key': 'key-1',
          'x-cloudsage-project': 'p_1',
          'x-cloudsage-dropped': 'overflow=3,oversize=0,before_send=0',
          'content-encoding': 'gzip',
        });
        expect(got.lines).toEqual(['{"msg":"a"}', '{"msg":"b"}']);
      });
    }
  }

  it('a shutdown ends a request in flight as failed, not retryable', async () => {
    server = await startServer();
    server.script.push({ hang: true });
    const http = createNodeHttp(server.url);
    closers.push(() => http.close());
    const sender = createIngestSender({ http, apiKey: 'csk_k', requestTimeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = sender.send(createBatch('k', ['{}'], 2, emptyDropCounts()), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toEqual({ kind: 'failed', message: 'client shut down before the batch was sent' });
  });

  it('keeps a path prefix of the endpoint (a backend behind a reverse proxy)', async () => {
    server = await startServer();
    const http = createNodeHttp(`${server.url}/cloudsage/`);
    closers.push(() => http.close());
    const sender = createIngestSender({ http, apiKey: 'csk_k', requestTimeoutMs: 1000 });
    await sender.send(createBatch('k', ['{}'], 2, emptyDropCounts()), { signal: new AbortController().signal });
    expect(server.requests[0]!.url).toBe('/cloudsage/api/ingest');
  });
});

describe('the sender option', () => {
  it('takes a Sender as `sender`, and still as the deprecated `transport`', async () => {
    expect(InMemorySink).toBe(InMemorySender);
    for (const key of ['sender', 'transport'] as const) {
      const sink = new InMemorySender();
      const c = new CloudSage({ [key]: sink, exitHooks: false });
      c.info('hello', { n: 1 });
      expect(await c.flush()).toEqual({ sent: 1, dropped: 0, pending: 0 });
      expect(sink.records).toMatchObject([{ msg: 'hello', n: 1 }]);
      await c.shutdown();
    }
  });
});
