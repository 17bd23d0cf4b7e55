import { request } from 'node:http';
import { ErrorBody, ScoreResponse } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ERROR_CODES } from '../src/errors.js';
import { healthy } from './helpers.js';

const KEY = 'test-key-0123456789abcdef';
const window = { from: '2026-03-01T12:00:00.000Z', to: '2026-03-01T12:01:00.000Z' };
const body = { projectId: 'p1', logs: healthy({ n: 50 }), metadata: { window } };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function make(env: Record<string, string> = {}) {
  app = await build(loadConfig({ WORKER_API_KEY: KEY, ...env }), { logger: false });
  return app;
}

describe('POST /score', () => {
  it('scores a window over a real socket and answers the schema shape with the updated baseline', async () => {
    const a = await make();
    await a.listen({ port: 0, host: '127.0.0.1' });
    const { port } = a.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const json = ScoreResponse.parse(await res.json());
    expect(json.baseline?.windows).toBe(1);
    expect(json.timestamp).toBe(window.from);
  });

  it.each([
    ['no header', undefined],
    ['a wrong key', `Bearer ${KEY}x`],
    ['another scheme', `Basic ${KEY}`],
  ])('answers 401 with %s', async (_name, authorization) => {
    const a = await make();
    const headers: Record<string, string> = authorization ? { authorization } : {};
    const res = await a.inject({ method: 'POST', url: '/score', headers, payload: body });
    expect(res.statusCode).toBe(401);
    expect(ErrorBody.parse(res.json()).error.code).toBe('unauthorized');
  });

  it('answers 400 naming the field of an invalid record', async () => {
    const a = await make();
    const bad = { ...body, logs: [{ time: 'yesterday', level: 'info', msg: 'x' }] };
    const res = await a.inject({
      method: 'POST',
      url: '/score',
      headers: { authorization: `Bearer ${KEY}` },
      payload: bad,
    });
    expect(res.statusCode).toBe(400);
    const err = ErrorBody.parse(res.json()).error;
    expect(err.code).toBe('invalid_body');
    expect(err.message).toMatch(/^logs\.0\.time: /);
  });

  it('answers 400 on malformed JSON and on a missing window', async () => {
    const a = await make();
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const broken = await a.inject({ method: 'POST', url: '/score', headers, payload: '{"projectId":' });
    expect(broken.statusCode).toBe(400);
    const noWindow = await a.inject({
      method: 'POST',
      url: '/score',
      headers,
      payload: { projectId: 'p1', logs: [], metadata: {} },
    });
    expect(noWindow.statusCode).toBe(400);
    expect(noWindow.json().error.message).toMatch(/^metadata\.window/);
  });

  it('answers 413 past the body limit and past the record limit', async () => {
    const a = await make({ WORKER_MAX_BODY_BYTES: '2000', WORKER_MAX_RECORDS: '10' });
    const headers = { authorization: `Bearer ${KEY}` };
    const big = await a.inject({ method: 'POST', url: '/score', headers, payload: body });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    const many = { ...body, logs: healthy({ n: 5 }).slice(0, 11) };
    const res = await a.inject({ method: 'POST', url: '/score', headers, payload: many });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('too_many_records');
  });

  it('answers 415 for a non-JSON body', async () => {
    const a = await make();
    const res = await a.inject({
      method: 'POST',
      url: '/score',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(res.statusCode).toBe(415);
  });

  it('runs without a key only when allowed', async () => {
    expect(() => loadConfig({})).toThrow(/WORKER_API_KEY/);
    app = await build(loadConfig({ WORKER_ALLOW_NO_AUTH: '1' }), { logger: false });
    const res = await app.inject({ method: 'POST', url: '/score', payload: body });
    expect(res.statusCode).toBe(200);
  });
});

describe('health and shutdown', () => {
  it('answers /healthz and /readyz, and 404 elsewhere', async () => {
    const a = await make();
    expect((await a.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await a.inject('/readyz')).statusCode).toBe(200);
    const nf = await a.inject('/nope');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().error.code).toBe('not_found');
  });

  it('finishes an in-flight request when closed instead of cutting it', async () => {
    const a = await make();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let arrived!: () => void;
    const inHandler = new Promise<void>((r) => {
      arrived = r;
    });
    // Hold a request open at a known point, close the app, then let the request go on.
    a.addHook('preHandler', async (req) => {
      if (req.url === '/score') {
        arrived();
        await gate;
      }
    });
    await a.listen({ port: 0, host: '127.0.0.1' });
    const { port } = a.server.address() as { port: number };
    // A one-shot connection (agent: false sends Connection: close), so close() has no keep-alive socket to wait out.
    const payload = JSON.stringify(body);
    const inflight = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/score',
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    await inHandler;
    const closing = a.close();
    let closed = false;
    void closing.then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    // close() waits for the held request rather than cutting it.
    expect(closed).toBe(false);
    release();
    expect(await inflight).toBe(200);
    await closing;
    app = undefined;
  });
});

describe('configuration', () => {
  it('reads WORKER_PORT, falling back to PORT, then 8080', () => {
    expect(loadConfig({ WORKER_API_KEY: KEY, WORKER_PORT: '9000', PORT: '1' }).port).toBe(9000);
    expect(loadConfig({ WORKER_API_KEY: KEY, PORT: '9001' }).port).toBe(9001);
    expect(loadConfig({ WORKER_API_KEY: KEY }).port).toBe(8080);
    expect(loadConfig({ WORKER_API_KEY: KEY }).host).toBe('127.0.0.1');
  });

  it('accepts API_KEY as an alias', () => {
    expect(loadConfig({ API_KEY: KEY }).apiKey).toBe(KEY);
  });

  it('stops on a bad value, naming the variable', () => {
    expect(() => loadConfig({ WORKER_API_KEY: KEY, WORKER_PORT: 'eighty' })).toThrow(/WORKER_PORT/);
    expect(() => loadConfig({ WORKER_API_KEY: 'short' })).toThrow(/WORKER_API_KEY: must be at least 16/);
  });

  it('keeps every error code with a status', () => {
    for (const status of Object.values(ERROR_CODES)) expect(status).toBeGreaterThanOrEqual(400);
  });
});
