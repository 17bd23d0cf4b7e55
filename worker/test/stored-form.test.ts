import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ACCEPT_POST_HEADER, ErrorBody, SCORE_NDJSON_CONTENT_TYPE, ScoreResponse } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { healthy, warm } from './helpers.js';

// `POST /score` in the stored form (gzip NDJSON: an envelope line, then one record a line), beside the
// JSON form it must agree with.

const KEY = 'test-key-0123456789abcdef';
const window = { from: '2026-03-01T12:00:00.000Z', to: '2026-03-01T12:01:00.000Z' };
const baseline = warm((i) => healthy({ n: 200, seed: i + 1 }), 5);
const logs = healthy({ n: 300, errorShare: 0.05, seed: 99 });
const envelope = { projectId: 'p1', metadata: { window, baseline, samplingRatio: 1, totalRecords: logs.length } };
const auth = { authorization: `Bearer ${KEY}` };
const ndjsonGzip = { ...auth, 'content-type': SCORE_NDJSON_CONTENT_TYPE, 'content-encoding': 'gzip' };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function make(env: Record<string, string> = {}) {
  app = await build(loadConfig({ WORKER_API_KEY: KEY, ...env }), { logger: false });
  return app;
}

const lines = (head: unknown, records: unknown[]) => [head, ...records].map((x) => `${JSON.stringify(x)}\n`);

/** The stored form as the dispatcher sends it: the envelope as one gzip member, then batches of 100 records. */
function storedBody(head: unknown = envelope, records: unknown[] = logs): Buffer {
  const members = [gzipSync(lines(head, []).join(''))];
  for (let i = 0; i < records.length; i += 100) {
    members.push(
      gzipSync(
        lines(undefined, records.slice(i, i + 100))
          .slice(1)
          .join(''),
      ),
    );
  }
  return Buffer.concat(members);
}

async function postStored(a: FastifyInstance, payload: Buffer | string, headers: Record<string, string> = ndjsonGzip) {
  const res = await a.inject({ method: 'POST', url: '/score', headers, payload });
  return { status: res.statusCode, json: res.json() as unknown, headers: res.headers };
}

function errorOf(json: unknown) {
  return ErrorBody.parse(json).error as {
    code: string;
    message: string;
    details?: { line?: number; issues?: { path: string }[] };
  };
}

describe('POST /score in the stored form', () => {
  it('scores a multi-member gzip body exactly as the same window sent as JSON', async () => {
    const a = await make();
    const stored = await postStored(a, storedBody());
    const json = await a.inject({
      method: 'POST',
      url: '/score',
      headers: auth,
      payload: { ...envelope, logs },
    });
    expect(stored.status).toBe(200);
    expect(json.statusCode).toBe(200);
    expect(ScoreResponse.parse(stored.json)).toEqual(ScoreResponse.parse(json.json()));
    expect((stored.json as { score: number }).score).toBeGreaterThan(0);
  });

  it('takes identity encoding, a charset parameter and a missing final newline', async () => {
    const a = await make();
    const text = lines(envelope, logs).join('').slice(0, -1);
    const res = await postStored(a, text, { ...auth, 'content-type': `${SCORE_NDJSON_CONTENT_TYPE}; charset=utf-8` });
    expect(res.status).toBe(200);
    const json = await a.inject({ method: 'POST', url: '/score', headers: auth, payload: { ...envelope, logs } });
    expect(res.json).toEqual(json.json());
  });

  it('takes an envelope alone as an empty window', async () => {
    const a = await make();
    const res = await postStored(a, storedBody(envelope, []));
    expect(res.status).toBe(200);
  });

  it('names the media types it takes on every /score answer, so a dispatcher can tell', async () => {
    const a = await make();
    const ok = await postStored(a, storedBody());
    const denied = await postStored(a, storedBody(), { 'content-type': SCORE_NDJSON_CONTENT_TYPE });
    const wrongType = await postStored(a, 'x', { ...auth, 'content-type': 'text/plain' });
    expect(denied.status).toBe(401);
    expect(wrongType.status).toBe(415);
    for (const res of [ok, denied, wrongType]) {
      expect(res.headers[ACCEPT_POST_HEADER]).toBe(`application/json, ${SCORE_NDJSON_CONTENT_TYPE}`);
    }
  });

  it('answers 400 naming the line that is not JSON', async () => {
    const a = await make();
    const text = lines(envelope, logs.slice(0, 3));
    text[2] = '{"time":"2026-03-01T12:00:00.000Z","level":"info",\n';
    const res = await postStored(a, gzipSync(text.join('')));
    expect(res.status).toBe(400);
    const e = errorOf(res.json);
    expect(e.code).toBe('invalid_body');
    expect(e.details?.line).toBe(3);
    expect(e.details?.issues?.[0]?.path).toBe('logs.1');
  });

  it('answers 400 naming the field of an invalid record, as the JSON form does', async () => {
    const a = await make();
    const bad = [...logs.slice(0, 5), { ...logs[5], level: 'warning' }];
    const stored = await postStored(a, storedBody(envelope, bad));
    const json = await a.inject({ method: 'POST', url: '/score', headers: auth, payload: { ...envelope, logs: bad } });
    expect(stored.status).toBe(400);
    expect(json.statusCode).toBe(400);
    expect(errorOf(stored.json).details?.issues?.[0]?.path).toBe('logs.5.level');
    expect(errorOf(json.json()).details?.issues?.[0]?.path).toBe('logs.5.level');
  });

  it.each([
    ['a record', '{"__proto__":{"polluted":1},"time":"2026-03-01T12:00:00.000Z","level":"info","msg":"x"}'],
    [
      'an attribute',
      '{"time":"2026-03-01T12:00:00.000Z","level":"info","msg":"x","attributes":{"a":[{"__proto__":{}}]}}',
    ],
    [
      'an escaped key',
      '{"time":"2026-03-01T12:00:00.000Z","level":"info","msg":"x","attributes":{"\\u005f_proto__":{}}}',
    ],
    [
      'a fully escaped key',
      '{"time":"2026-03-01T12:00:00.000Z","level":"info","msg":"x","attributes":{"\\u005f\\u005f\\u0070\\u0072\\u006f\\u0074\\u006f\\u005f\\u005f":{}}}',
    ],
    [
      'an escaped prototype',
      '{"time":"2026-03-01T12:00:00.000Z","level":"info","msg":"x","attributes":{"constructor":{"\\u0070rototype":{}}}}',
    ],
    [
      'a constructor',
      '{"time":"2026-03-01T12:00:00.000Z","level":"info","msg":"x","attributes":{"constructor":{"prototype":{}}}}',
    ],
  ])('refuses a prototype key in %s, as Fastify refuses it in JSON', async (_name, line) => {
    const a = await make();
    const stored = await postStored(a, gzipSync(`${JSON.stringify(envelope)}\n${line}\n`));
    const json = await a.inject({
      method: 'POST',
      url: '/score',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: `{"projectId":"p1","metadata":${JSON.stringify(envelope.metadata)},"logs":[${line}]}`,
    });
    expect(stored.status).toBe(400);
    expect(json.statusCode).toBe(400);
    expect(errorOf(stored.json).message).toMatch(/forbidden prototype property/);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('lets a record merely mention __proto__ or a constructor through', async () => {
    const a = await make();
    const record = {
      ...logs[0],
      msg: 'TypeError: x is not a constructor near "__proto__"',
      attributes: { constructor: 'A' },
    };
    const res = await postStored(a, storedBody(envelope, [record]));
    expect(res.status).toBe(200);
  });

  it.each([
    ['not gzip at all', Buffer.from('{"projectId":"p1"}\n')],
    ['a gzip stream cut short', gzipSync(lines(envelope, logs).join('')).subarray(0, 200)],
    ['bytes after the last member', Buffer.concat([storedBody(), Buffer.from('trailing')])],
    ['an empty body', Buffer.alloc(0)],
  ])('answers 400 to %s', async (_name, payload) => {
    const a = await make();
    const res = await postStored(a, payload);
    expect(res.status).toBe(400);
    expect(errorOf(res.json).code).toBe('invalid_body');
  });

  it.each([
    ['a first line that is a record', lines(logs[0], logs.slice(1, 3)).join(''), /first line/],
    ['a first line that is not an object', `[1]\n${lines(logs[0], []).join('')}`, /line 1/],
    ['an envelope carrying logs', lines({ ...envelope, logs: [] }, logs.slice(0, 2)).join(''), /no logs/],
    ['an envelope missing its window', lines({ projectId: 'p1', metadata: {} }, []).join(''), /metadata.window/],
    ['an empty identity body', '', /empty/],
  ])('answers 400 to %s', async (_name, text, message) => {
    const a = await make();
    const res = await postStored(a, text, { ...auth, 'content-type': SCORE_NDJSON_CONTENT_TYPE });
    expect(res.status).toBe(400);
    const e = errorOf(res.json);
    expect(e.code).toBe('invalid_body');
    expect(e.message).toMatch(message);
  });

  it('answers 413 too_many_records past WORKER_MAX_RECORDS, without reading on', async () => {
    const a = await make({ WORKER_MAX_RECORDS: '250' });
    const res = await postStored(a, storedBody());
    expect(res.status).toBe(413);
    expect(errorOf(res.json).code).toBe('too_many_records');
    expect((await postStored(a, storedBody(envelope, logs.slice(0, 250)))).status).toBe(200);
  });

  it('answers 413 to a gzip bomb once it inflates past WORKER_MAX_BODY_BYTES', async () => {
    const a = await make({ WORKER_MAX_BODY_BYTES: String(1024 * 1024) });
    // 64 MiB of one endless line: 64 KiB compressed, never a newline to stop at.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x61));
    const before = process.memoryUsage().rss;
    const res = await postStored(a, bomb);
    expect(res.status).toBe(413);
    expect(errorOf(res.json).code).toBe('payload_too_large');
    expect(errorOf(res.json).message).toMatch(/inflates/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers 413 to a body sent larger than WORKER_MAX_BODY_BYTES', async () => {
    const a = await make({ WORKER_MAX_BODY_BYTES: String(4096) });
    const res = await postStored(a, storedBody());
    expect(res.status).toBe(413);
    expect(errorOf(res.json).code).toBe('payload_too_large');
  });

  it('answers 415 to a content encoding it does not take', async () => {
    const a = await make();
    const res = await postStored(a, storedBody(), { ...ndjsonGzip, 'content-encoding': 'br' });
    expect(res.status).toBe(415);
    expect(errorOf(res.json).code).toBe('unsupported_media_type');
  });

  it('stops a streamed body at its first bad line over a real socket and closes the connection', async () => {
    const a = await make();
    await a.listen({ port: 0, host: '127.0.0.1' });
    const { port } = a.server.address() as { port: number };
    const answer = await new Promise<{ status: number; body: string; connection: string | undefined }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/score',
            method: 'POST',
            headers: { ...auth, 'content-type': SCORE_NDJSON_CONTENT_TYPE },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => {
              body += c.toString('utf8');
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
          },
        );
        req.on('error', reject);
        // The bad line goes first; the rest of the body is never sent, so only an answer given while
        // reading can end this request.
        req.write(`${JSON.stringify(envelope)}\nnot json\n`);
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.connection).toBe('close');
    expect(errorOf(JSON.parse(answer.body)).details?.line).toBe(2);
  });
});
