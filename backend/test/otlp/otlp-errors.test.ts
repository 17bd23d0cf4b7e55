import { rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs/light.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createKey, createTenant, type OtlpTenant, storedRecords } from './otlp-fixture.js';

// google.rpc.Status as the test reads it, independent of the receiver's own encoder.
const Status = protobuf.Root.fromJSON({
  nested: { Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } } },
}).lookupType('Status');

interface Answer {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

async function post(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  path = '/v1/logs',
): Promise<Answer> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function jsonBody(a: Answer): Record<string, unknown> {
  expect(a.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(a.bytes.toString('utf8')) as Record<string, unknown>;
}

function protoStatus(a: Answer): { code: number; message: string } {
  expect(a.headers.get('content-type')).toBe('application/x-protobuf');
  return Status.toObject(Status.decode(a.bytes)) as { code: number; message: string };
}

function otlpJson(records: unknown[], resource: unknown[] = [{ key: 'service.name', value: { stringValue: 'api' } }]) {
  return JSON.stringify({
    resourceLogs: [{ resource: { attributes: resource }, scopeLogs: [{ logRecords: records }] }],
  });
}

const okRecord = (msg: string) => ({
  timeUnixNano: '1764000000000000000',
  severityNumber: 17,
  body: { stringValue: msg },
  traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
});

describe('POST /v1/logs refusals and partial success', () => {
  let t: TestApp;
  let a: OtlpTenant;
  let b: OtlpTenant;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        CLOUDSAGE_MAX_BODY_BYTES: String(64 * 1024),
        CLOUDSAGE_MAX_INFLATED_BYTES: String(256 * 1024),
        CLOUDSAGE_MAX_BATCH_RECORDS: '50',
      },
    });
    a = await createTenant(t.url);
    b = await createTenant(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  const json = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });
  const proto = (key: string) => ({ 'content-type': 'application/x-protobuf', authorization: `Bearer ${key}` });

  it('stores the readable records and reports the rest as a partial success', async () => {
    const res = await post(t.url, json(a.key), otlpJson([okRecord('kept'), 42, {}, okRecord('also kept')]));
    expect(res.status).toBe(200);
    const body = jsonBody(res) as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedLogRecords).toBe('2');
    expect(body.partialSuccess.errorMessage).toMatch(/^2 log records rejected: record 1: .*; record 2: /);
    const stored = (await storedRecords(t.app, a.projectId)).filter((r) => r.msg.endsWith('kept'));
    expect(stored.map((r) => r.msg).sort()).toEqual(['also kept', 'kept']);
    expect(stored[0]).toMatchObject({ level: 'error', service: 'api', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(stored[0]?.time).toBe('2025-11-24T16:00:00.000Z');
  });

  it('answers an all-accepted request with an empty response in the request encoding', async () => {
    const res = await post(t.url, json(a.key), otlpJson([okRecord('fine')]));
    expect(res.status).toBe(200);
    expect(jsonBody(res)).toEqual({});
    const empty = await post(t.url, proto(a.key), Buffer.alloc(0));
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-type')).toBe('application/x-protobuf');
    expect(empty.bytes.length).toBe(0); // an ExportLogsServiceResponse with nothing set
  });

  it('reads the proto3 JSON spellings: enum names, 64-bit integers as strings, structured bodies', async () => {
    const records = [
      {
        severityNumber: 'SEVERITY_NUMBER_WARN2',
        body: { stringValue: 'by name' },
        observedTimeUnixNano: '1764000000000000000',
      },
      {
        timeUnixNano: 1764000001000000000,
        severityText: 'Error',
        body: { kvlistValue: { values: [{ key: 'code', value: { intValue: '42' } }] } },
        attributes: [{ key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } } }],
      },
    ];
    const res = await post(t.url, json(a.key), otlpJson(records, [{ key: 'host.name', value: { stringValue: 'h1' } }]));
    expect(res.status).toBe(200);
    expect(jsonBody(res)).toEqual({});
    const stored = await storedRecords(t.app, a.projectId);
    expect(stored.find((r) => r.msg === 'by name')).toMatchObject({
      level: 'warn',
      host: 'h1',
      time: '2025-11-24T16:00:00.000Z',
    });
    const structured = stored.find((r) => r.msg === '{"code":42}');
    expect(structured).toMatchObject({
      level: 'error',
      time: '2025-11-24T16:00:01.000Z',
      attributes: { tags: ['a', true] },
    });
  });

  it('answers 400 with a Status body for undecodable bodies', async () => {
    const badJson = await post(t.url, json(a.key), '{"resourceLogs": [');
    expect(badJson.status).toBe(400);
    expect(jsonBody(badJson)).toMatchObject({ code: 3, message: expect.stringMatching(/^invalid_body: .*JSON/) });

    const wrongShape = await post(t.url, json(a.key), JSON.stringify({ resourceLogs: { not: 'a list' } }));
    expect(wrongShape.status).toBe(400);
    expect(jsonBody(wrongShape).message).toMatch(/resourceLogs must be an array/);

    // Field 1, length-delimited, claiming 127 bytes that are not there.
    const badProto = await post(t.url, proto(a.key), Buffer.from([0x0a, 0x7f, 0x01, 0x02]));
    expect(badProto.status).toBe(400);
    expect(protoStatus(badProto)).toMatchObject({ code: 3, message: expect.stringMatching(/^invalid_body: /) });

    const badGzip = await post(t.url, { ...proto(a.key), 'content-encoding': 'gzip' }, Buffer.from('not gzip at all'));
    expect(badGzip.status).toBe(400);
    expect(protoStatus(badGzip).message).toMatch(/gzip/);
  });

  it('answers 415 for other content types and encodings', async () => {
    const text = await post(t.url, { 'content-type': 'text/plain', authorization: `Bearer ${a.key}` }, 'hello');
    expect(text.status).toBe(415);
    expect(jsonBody(text)).toMatchObject({ code: 3, message: expect.stringMatching(/^unsupported_media_type: /) });
    const brotli = await post(t.url, { ...json(a.key), 'content-encoding': 'br' }, otlpJson([okRecord('x')]));
    expect(brotli.status).toBe(415);
  });

  it('answers 413 for oversized bodies, gzip bombs and too many records', async () => {
    const big = otlpJson([okRecord('x'.repeat(70 * 1024))]);
    const tooBig = await post(t.url, json(a.key), big);
    expect(tooBig.status).toBe(413);
    expect(jsonBody(tooBig)).toMatchObject({ code: 8, message: expect.stringMatching(/^payload_too_large: /) });

    // A few KiB of gzip that inflates far past the inflated-bytes limit.
    const bomb = gzipSync(otlpJson([okRecord('y'.repeat(1024 * 1024))]));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const bombed = await post(t.url, { ...json(a.key), 'content-encoding': 'gzip' }, bomb);
    expect(bombed.status).toBe(413);
    expect(jsonBody(bombed).message).toMatch(/decompressed body exceeds/);

    const many = otlpJson(Array.from({ length: 51 }, (_, i) => okRecord(`r${i}`)));
    const tooMany = await post(t.url, json(a.key), many);
    expect(tooMany.status).toBe(413);
    expect(jsonBody(tooMany).message).toMatch(/^too_many_records: /);
    expect((await storedRecords(t.app, a.projectId)).some((r) => r.msg === 'r0')).toBe(false);
  });

  it('authenticates like /api/ingest and keeps every key to its own project', async () => {
    const body = otlpJson([okRecord('from b')]);
    const none = await post(t.url, { 'content-type': 'application/json' }, body);
    expect(none.status).toBe(401);
    expect(jsonBody(none)).toMatchObject({ code: 16 });

    const wrong = await post(t.url, proto('csk_not_a_real_key_000000000000000000'), Buffer.alloc(0));
    expect(wrong.status).toBe(401);
    expect(protoStatus(wrong).code).toBe(16);

    const user = await post(t.url, { 'content-type': 'application/json', authorization: `Bearer ${a.token}` }, body);
    expect(user.status).toBe(401);

    const readOnly = await createKey(t.url, a, ['read']);
    const scoped = await post(t.url, json(readOnly), body);
    expect(scoped.status).toBe(403);
    expect(jsonBody(scoped)).toMatchObject({ code: 7, message: expect.stringMatching(/^insufficient_scope: /) });

    // B's key naming A's project: 404, as for /api/ingest, and nothing lands anywhere.
    const foreign = await post(t.url, { ...json(b.key), 'x-cloudsage-project': a.projectId }, body);
    expect(foreign.status).toBe(404);
    const foreignQuery = await post(t.url, json(b.key), body, `/v1/logs?projectId=${a.projectId}`);
    expect(foreignQuery.status).toBe(404);
    expect((await storedRecords(t.app, a.projectId)).some((r) => r.msg === 'from b')).toBe(false);
    expect((await storedRecords(t.app, b.projectId)).some((r) => r.msg === 'from b')).toBe(false);

    // B's key on its own: stored in B only.
    expect((await post(t.url, json(b.key), body)).status).toBe(200);
    expect((await storedRecords(t.app, b.projectId)).filter((r) => r.msg === 'from b')).toHaveLength(1);
    expect((await storedRecords(t.app, a.projectId)).some((r) => r.msg === 'from b')).toBe(false);
  });

  it('answers 503 with Retry-After when the bucket is down, and stores nothing', async () => {
    const dir = `${t.sql.dataDir}/bucket`;
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'a file where the bucket directory should be');
    try {
      const down = await post(t.url, proto(a.key), Buffer.alloc(0));
      expect(down.status).toBe(200); // nothing to write: the bucket is not touched
      const res = await post(t.url, json(a.key), otlpJson([okRecord('while down')]));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(jsonBody(res)).toMatchObject({ code: 14, message: expect.stringMatching(/^store_unavailable: /) });
    } finally {
      rmSync(dir, { force: true });
    }
  });
});
