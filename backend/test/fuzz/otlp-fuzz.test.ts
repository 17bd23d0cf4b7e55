import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzApp, startFuzzApp, tenant } from './fuzz-app.js';
import { describeReport, fuzz, RUNS, SOCKET_RUNS } from './fuzz-runner.js';
import { encode, headerValue, mutate, mutation, wire } from './hostile.js';
import { jsonBody, protoBody } from './otlp-hostile.js';

const otlpCase = fc.record({
  encoding: fc.constantFrom('json', 'protobuf'),
  json: jsonBody,
  proto: protoBody,
  // Now and then one bit flipped, on top of the shared mutations.
  flip: fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: 7 })), { freq: 5 }),
  mutation,
  wire,
  contentType: fc.oneof(
    {
      weight: 9,
      arbitrary: fc.constantFrom('match', 'match', 'match', 'application/protobuf', 'application/json; charset=utf-8'),
    },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('', 'text/plain', 'application/grpc'), headerValue) },
  ),
  auth: fc.constantFrom('key', 'key', 'key', 'key', 'key', 'key', 'x-cloudsage-key', 'user', 'none'),
  projectQuery: fc.option(fc.oneof(fc.constant('own'), headerValue), { freq: 4 }),
  idempotencyKey: fc.option(headerValue, { freq: 4 }),
});
type OtlpCase = typeof otlpCase extends fc.Arbitrary<infer T> ? T : never;

const ALLOWED = new Set([200, 400, 401, 404, 413, 415]);
const PROTOBUF = 'application/x-protobuf';

describe('fuzzing POST /v1/logs (OTLP/HTTP, JSON and protobuf, gzip or not)', () => {
  let f: FuzzApp;
  let pooled: FuzzApp;
  let own: Awaited<ReturnType<typeof tenant>>;
  let pooledOwn: Awaited<ReturnType<typeof tenant>>;

  beforeAll(async () => {
    f = await startFuzzApp();
    own = await tenant(f.app);
    // The socket sample goes through the ingest worker pool, as production does by default.
    pooled = await startFuzzApp({ CLOUDSAGE_INGEST_WORKERS: '1' });
    pooledOwn = await tenant(pooled.app);
  });
  afterAll(async () => {
    await f?.close();
    await pooled?.close();
  });

  function requestOf(c: OtlpCase, own: Awaited<ReturnType<typeof tenant>>) {
    const raw = c.encoding === 'json' ? Buffer.from(c.json) : Buffer.from(c.proto);
    if (c.flip !== null) {
      const i = Math.floor(raw.length * c.flip[0]);
      if (i < raw.length) raw[i] = (raw[i] as number) ^ (1 << c.flip[1]);
    }
    const body = encode(mutate(raw, c.mutation), c.wire);
    const headers: Record<string, string> = {};
    headers['content-type'] =
      c.contentType === 'match' ? (c.encoding === 'json' ? 'application/json' : PROTOBUF) : c.contentType;
    if (c.wire.header !== undefined) headers['content-encoding'] = c.wire.header;
    if (c.auth === 'key') headers.authorization = `Bearer ${own.key}`;
    if (c.auth === 'x-cloudsage-key') headers['x-cloudsage-key'] = own.key;
    if (c.auth === 'user') headers.authorization = `Bearer ${own.token}`;
    if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;
    const query = c.projectQuery === 'own' ? own.projectId : c.projectQuery;
    const url = query === null ? '/v1/logs' : `/v1/logs?projectId=${encodeURIComponent(query)}`;
    return { url, headers, body };
  }

  /** Status allowed, and the answer in the encoding the request used, as OTLP exporters expect. */
  function checkAnswer(c: OtlpCase, headers: Record<string, string>, status: number, type: string, body: Buffer) {
    expect(ALLOWED.has(status), `status ${status}: ${body.toString('utf8').slice(0, 300)}`).toBe(true);
    const sentType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const protobuf = sentType === PROTOBUF || sentType === 'application/protobuf';
    expect(type.split(';')[0]).toBe(protobuf ? PROTOBUF : 'application/json');
    if (!protobuf) {
      const parsed = JSON.parse(body.toString('utf8'));
      if (status === 200) expect(Object.keys(parsed).every((k) => k === 'partialSuccess')).toBe(true);
      else expect(parsed).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    }
    return c;
  }

  it(`answers ${RUNS} generated requests (inject) with 2xx or 4xx only, in bounded memory`, async () => {
    const report = await fuzz(otlpCase, async (c) => {
      const { url, headers, body } = requestOf(c, own);
      const res = await f.app.inject({ method: 'POST', url, headers, payload: body });
      checkAnswer(c, headers, res.statusCode, String(res.headers['content-type']), res.rawPayload);
      return res.statusCode;
    });
    console.log(describeReport('POST /v1/logs (inject)', report));
    for (const status of [200, 400, 401, 404, 413, 415]) expect(report.statuses[status] ?? 0).toBeGreaterThan(0);
  }, 300_000);

  it(`answers ${SOCKET_RUNS} generated requests over a real socket the same way`, async () => {
    const report = await fuzz(
      otlpCase,
      async (c) => {
        const { url, headers, body } = requestOf(c, pooledOwn);
        const res = await fetch(`${pooled.url}${url}`, { method: 'POST', headers, body });
        const bytes = Buffer.from(await res.arrayBuffer());
        checkAnswer(c, headers, res.status, String(res.headers.get('content-type')), bytes);
        return res.status;
      },
      SOCKET_RUNS,
    );
    console.log(describeReport('POST /v1/logs (socket)', report));
  }, 120_000);
});
