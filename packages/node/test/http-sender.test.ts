import { afterEach, describe, expect, it } from 'vitest';
import { CloudSage, type CloudSageError, type CloudSageOptions } from '../src/index.js';
import { eventually, startServer } from './helpers/ingest-server.js';
import { ManualClock } from './helpers/manual-clock.js';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
const clients: CloudSage[] = [];

function make(options: Partial<CloudSageOptions> = {}) {
  const c = new CloudSage({
    endpoint: server.url,
    apiKey: 'csk_test_key',
    exitHooks: false,
    random: () => 0,
    retry: { retries: 5, minDelayMs: 100, maxDelayMs: 10_000, maxRetryTimeMs: 60_000 },
    ...options,
  });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.shutdown({ timeoutMs: 100 })));
  await server?.close();
});

describe('HTTP sender against a real node:http server', () => {
  it('posts gzip NDJSON that decodes to exactly the records logged, in order, with the contract headers', async () => {
    server = await startServer();
    // One batch in flight at a time: with more, batches may arrive in either order.
    const c = make({ projectId: 'p_1', redact: false, concurrency: 1 });
    const logged = Array.from({ length: 2500 }, (_, i) => ({ level: i % 7 === 0 ? 'error' : 'info', msg: `m${i}`, i }));
    for (const r of logged) c.log(r);
    const result = await c.flush();
    expect(result).toEqual({ sent: 2500, dropped: 0, pending: 0 });
    const got = server.batches.flatMap((b) => b.records);
    expect(got.map(({ time: _t, ...rest }) => rest)).toEqual(logged);
    const h = server.batches[0]!.headers;
    expect(server.batches[0]!.url).toBe('/api/ingest');
    expect(h['content-type']).toBe('application/x-ndjson');
    expect(h['content-encoding']).toBe('gzip');
    expect(h.authorization).toBe('Bearer csk_test_key');
    expect(h['x-cloudsage-project']).toBe('p_1');
    expect(h['x-cloudsage-dropped']).toBeUndefined();
    const keys = new Set(server.batches.map((b) => b.headers['idempotency-key']));
    expect(keys.size).toBe(server.batches.length);
  });

  it.each([503, 500, 408])('retries %i with one Idempotency-Key across every attempt', async (status) => {
    server = await startServer();
    server.script.push({ status, body: { error: { code: 'unavailable', message: 'down' } } }, { status });
    const c = make();
    c.info('a');
    c.info('b');
    const result = await c.flush();
    expect(result.sent).toBe(2);
    expect(server.batches).toHaveLength(3);
    expect(new Set(server.batches.map((b) => b.headers['idempotency-key'])).size).toBe(1);
    expect(server.batches[2]!.records.map((r) => r.msg)).toEqual(['a', 'b']);
    expect(c.stats()).toMatchObject({ sent: 2, retried: 2, failed: 0 });
  });

  it('waits the full-jitter backoff on the injected clock between attempts', async () => {
    server = await startServer();
    server.script.push({ status: 503 }, { status: 503 });
    const clock = new ManualClock();
    const c = make({ clock, random: () => 0.5 });
    c.info('x');
    const flushed = c.flush({ timeoutMs: 60_000 });
    await eventually(() => clock.pending.includes(50), 'first backoff');
    expect(server.batches).toHaveLength(1);
    await clock.advance(50);
    await eventually(() => clock.pending.includes(100), 'second backoff');
    expect(server.batches).toHaveLength(2);
    await clock.advance(100);
    await eventually(() => server.batches.length === 3);
    expect((await flushed).sent).toBe(1);
  });

  it('honours Retry-After on 429', async () => {
    server = await startServer();
    server.script.push({
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { code: 'rate_limited', message: 'slow down' } },
    });
    const clock = new ManualClock();
    const c = make({ clock });
    c.info('x');
    const flushed = c.flush({ timeoutMs: 60_000 });
    await eventually(() => clock.pending.includes(2000), 'Retry-After wait');
    await clock.advance(1999);
    expect(server.batches).toHaveLength(1);
    await clock.advance(1);
    await eventually(() => server.batches.length === 2);
    expect(await flushed).toEqual({ sent: 1, dropped: 0, pending: 0 });
    expect(server.batches[0]!.headers['idempotency-key']).toBe(server.batches[1]!.headers['idempotency-key']);
  });

  it('retries network errors (connection reset)', async () => {
    server = await startServer();
    server.script.push({ reset: true }, { reset: true });
    const c = make({ random: () => 0 });
    c.info('survives');
    expect(await c.flush()).toEqual({ sent: 1, dropped: 0, pending: 0 });
    expect(server.batches).toHaveLength(3);
    expect(server.batches[2]!.records[0]!.msg).toBe('survives');
  });

  it.each([
    [400, 'batch_failed'],
    [422, 'unstorable_value'],
  ])('never retries %i, counts the records as failed and reports %s', async (status, code) => {
    server = await startServer();
    server.script.push({ status, body: { error: { code: 'nope', message: `status ${status}` } } });
    const errors: CloudSageError[] = [];
    const c = make({ onError: (e) => errors.push(e) });
    c.info('a');
    c.info('b');
    expect(await c.flush()).toEqual({ sent: 0, dropped: 2, pending: 0 });
    expect(server.batches).toHaveLength(1);
    expect(c.stats()).toMatchObject({ failed: 2, retried: 0, failedBy: { [code]: 2 } });
    expect(errors.map((e) => [e.code, e.status, e.serverCode])).toEqual([[code, status, 'nope']]);
  });

  it.each([
    [401, { error: { code: 'invalid_key', message: 'The API key is invalid' } }, 'ingest_unauthorized', /apiKey/],
    [403, { error: { code: 'insufficient_scope', message: 'no ingest' } }, 'ingest_unauthorized', /apiKey/],
    [404, { error: { code: 'not_found', message: 'project not found' } }, 'project_not_found', /projectId/],
    [404, { error: { code: 'not_found', message: 'route not found' } }, 'endpoint_not_cloudsage', /not a CloudSage/],
    [404, '<html>Not Found</html>', 'endpoint_not_cloudsage', /not a CloudSage backend/],
  ] as const)(
    'keeps a batch answered %i, says which setting to fix, re-probes it, and delivers it once the setting is fixed',
    async (status, body, code, fix) => {
      let refuse = true;
      server = await startServer(() => (refuse ? { status, body } : undefined));
      const errors: CloudSageError[] = [];
      const c = make({ onError: (e) => errors.push(e), retry: { reprobeMs: 100, maxAgeMs: 60_000 } });
      c.info('a');
      c.info('b');
      // Held, not given up: nothing counts as dropped, the records stay pending.
      expect(await c.flush({ timeoutMs: 50 })).toEqual({ sent: 0, dropped: 0, pending: 2 });
      expect(c.stats()).toMatchObject({ failed: 0, held: 2 });
      expect(errors[0]).toMatchObject({ code, status });
      expect(errors[0]!.message).toMatch(fix);
      expect(errors[0]!.message).toMatch(/2 record\(s\) are kept and tried again every 100 ms for up to 60 s/);
      await eventually(() => server!.batches.length >= 2, 'the re-probe');
      refuse = false;
      // flush() does not wait on a batch only a new setting can deliver; the next probe delivers it.
      await eventually(() => c.stats().sent === 2, 'the delivery after the fix');
      expect(c.stats()).toMatchObject({ sent: 2, failed: 0, held: 0 });
      // The same Idempotency-Key on every probe: the backend stores the records once.
      expect(new Set(server.batches.map((b) => b.headers['idempotency-key'])).size).toBe(1);
    },
  );

  it('gives a held batch up past retry.maxAgeMs, counted by cause', async () => {
    server = await startServer(() => ({ status: 401, body: { error: { code: 'invalid_key', message: 'bad key' } } }));
    const errors: CloudSageError[] = [];
    const c = make({ onError: (e) => errors.push(e), retry: { reprobeMs: 20, maxAgeMs: 200 } });
    c.info('a');
    await eventually(() => c.stats().failed === 1, 'the batch given up');
    expect(server.batches.length).toBeGreaterThan(2);
    expect(c.stats()).toMatchObject({ failed: 1, held: 0, failedBy: { ingest_unauthorized: 1 } });
    expect(errors.at(-1)).toMatchObject({ code: 'ingest_unauthorized', message: /^gave up 1 record\(s\): bad key/ });
  });

  it('rides out an outage longer than the old budget with the default retry settings', async () => {
    // Down for ~40 attempts' worth of fast backoff (the old default gave up after 5 retries).
    let down = 12;
    server = await startServer(() => (down-- > 0 ? { reset: true } : undefined));
    const c = make({ retry: { minDelayMs: 1, maxDelayMs: 5 } });
    c.info('a');
    expect(await c.flush({ timeoutMs: 5000 })).toEqual({ sent: 1, dropped: 0, pending: 0 });
    expect(c.stats()).toMatchObject({ retried: 12, failed: 0 });
  });

  it('gives up when the (deprecated) retry count is spent', async () => {
    server = await startServer(() => ({ status: 503 }));
    const c = make({ random: () => 0, retry: { retries: 2, minDelayMs: 0 } });
    c.info('x');
    expect(await c.flush()).toEqual({ sent: 0, dropped: 1, pending: 0 });
    expect(server.batches).toHaveLength(3);
  });

  it('splits a batch in halves on 413 until the halves fit', async () => {
    server = await startServer((req) =>
      req.lines.length > 3 ? { status: 413, body: { error: { code: 'too_large', message: 'too many' } } } : undefined,
    );
    const c = make();
    for (let i = 0; i < 10; i++) c.info(`m${i}`);
    expect(await c.flush()).toEqual({ sent: 10, dropped: 0, pending: 0 });
    const accepted = server.batches.filter((b) => b.lines.length <= 3);
    expect(accepted.flatMap((b) => b.records.map((r) => r.msg))).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    const keys = accepted.map((b) => b.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('carries drop counts since the previous batch in X-CloudSage-Dropped, once', async () => {
    server = await startServer();
    const c = make({ maxBufferRecords: 3, beforeSend: (r) => (r.msg === 'skip' ? null : r) });
    for (let i = 0; i < 5; i++) c.info(`m${i}`);
    c.info('skip');
    await c.flush();
    c.info('later');
    await c.flush();
    expect(server.batches.map((b) => b.headers['x-cloudsage-dropped'])).toEqual([
      'overflow=2,oversize=0,before_send=1',
      undefined,
    ]);
    expect(server.batches[0]!.records.map((r) => r.msg)).toEqual(['m2', 'm3', 'm4']);
  });

  it('keeps the shutdown deadline against a server that never answers, and aborts the request', async () => {
    server = await startServer(() => ({ hang: true }));
    const clock = new ManualClock();
    const c = make({ clock, requestTimeoutMs: 3_600_000 });
    c.info('x');
    const done = c.shutdown({ timeoutMs: 500 });
    await eventually(() => server.batches.length === 1, 'request to arrive');
    await clock.advance(500);
    expect(await done).toEqual({ sent: 0, dropped: 0, pending: 1 });
    await eventually(() => server.closedHangingRequests === 1, 'request aborted');
    await eventually(() => c.stats().failed === 1, 'aborted batch to settle');
    c.info('after shutdown is ignored');
    expect(c.stats().buffered).toBe(0);
  });
});
