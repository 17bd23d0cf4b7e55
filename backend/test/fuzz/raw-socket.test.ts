import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzApp, startFuzzApp, tenant } from './fuzz-app.js';

/** Writes raw bytes to the server and reads until it closes the connection; answers the status and text. */
function raw(url: string, request: string | Buffer): Promise<{ status: number; text: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}

describe('hostile HTTP on a raw socket: header injection, huge headers, smuggling, traversal', () => {
  let f: FuzzApp;
  let key: string;
  beforeAll(async () => {
    f = await startFuzzApp();
    key = (await tenant(f.app)).key;
  });
  afterAll(async () => {
    await f?.close();
  });

  const ingest = (headers: string, body = '{"msg":"x"}\n') =>
    `POST /api/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/x-ndjson\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

  it('refuses CR, LF and NUL smuggled into header values and names with 400, before the app', async () => {
    const cases = [
      'Idempotency-Key: a\rX-Injected: 1\r\n',
      'Idempotency-Key: a\0b\r\n',
      'X-CloudSage-Project: p\r X\r\n',
      'Bad Header: x\r\n',
      'X-Injected\r\n',
      ': empty-name\r\n',
    ];
    for (const headers of cases) {
      const r = await raw(f.url, ingest(headers));
      expect({ headers, status: r.status }).toEqual({ headers, status: 400 });
    }
  });

  it('a bare LF is at most a header boundary: the request is answered 2xx/4xx, never 5xx, nothing echoed', async () => {
    const r = await raw(f.url, ingest('Idempotency-Key: a\nX-Injected: evil\r\n'));
    expect(r.status).toBeGreaterThanOrEqual(200);
    expect(r.status).toBeLessThan(500);
    expect(r.text.toLowerCase()).not.toContain('x-injected');
  });

  it('answers 431 for a huge header and for thousands of headers', async () => {
    expect((await raw(f.url, ingest(`X-Pad: ${'a'.repeat(70_000)}\r\n`))).status).toBe(431);
    const many = Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join('');
    expect((await raw(f.url, ingest(many))).status).toBe(431);
  });

  it('refuses request smuggling shapes (CL+TE, two lengths, bad chunks) with 400', async () => {
    const head = `POST /api/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/x-ndjson\r\n`;
    const cases = [
      `${head}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`,
      `${head}Content-Length: 4\r\nContent-Length: 40\r\n\r\nabcd`,
      `${head}Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n`,
      `${head}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
    ];
    for (const request of cases) {
      const r = await raw(f.url, request);
      expect({ request: request.slice(head.length, head.length + 60), status: r.status }).toEqual({
        request: request.slice(head.length, head.length + 60),
        status: 400,
      });
      // No second response: the smuggled GET was never served.
      expect(r.text.match(/HTTP\/1\.1 /g)?.length).toBe(1);
    }
  });

  it('serves no file outside the dashboard for traversal paths, and echoes no hostile request id', async () => {
    const paths = [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/src/app.ts',
      '/..%5c..%5cpackage.json',
      '/api/projects/..%2f..%2fetc%2fpasswd/logs',
      '/v1/logs/../../etc/passwd',
    ];
    for (const path of paths) {
      const r = await raw(f.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Request-Id: a"b<c\r\nConnection: close\r\n\r\n`);
      expect({ path, ok: r.status > 0 && r.status < 500 }).toEqual({ path, ok: true });
      expect(r.text).not.toMatch(/root:x:0:0|"name": "@cloudsage|import .* from/);
      expect(r.text).not.toContain('a"b<c');
    }
    expect((await fetch(`${f.url}/healthz`)).status).toBe(200);
  });
});
