import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from '../../src/routes/dashboard/index.js';
import { startTestApp, type TestApp } from '../support/app.js';

const require = createRequire(import.meta.url);
const dist = (name: string) => readFileSync(require.resolve(`swagger-ui-dist/${name}`), 'utf8');

/** A raw GET that keeps the body as sent (fetch would undo the gzip). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

const SECURITY = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options'];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('GET /api/reference', () => {
  it('answers an HTML page that loads only its own files, under the dashboard CSP', async () => {
    const res = await fetch(`${t.url}/api/reference`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    const html = await res.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual([
      'data:,',
      '/api/reference/style.css',
      '/api/docs/openapi.json',
      '/api/reference/swagger-ui-bundle.js',
      '/api/reference/start.js',
    ]);
    // No inline script: every <script> has a src and no body.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script src="/api/reference/swagger-ui-bundle.js">',
      '<script src="/api/reference/start.js">',
    ]);
    expect(html).not.toMatch(/<script[^>]*>[^<]/);
  });

  it('sends the same security headers as the dashboard', async () => {
    const [page, dashboard] = await Promise.all([fetch(`${t.url}/api/reference`), fetch(`${t.url}/`)]);
    for (const h of SECURITY) expect(page.headers.get(h), h).toBe(dashboard.headers.get(h));
  });

  it("serves Swagger UI's files from swagger-ui-dist, gzipped when asked, revalidated by ETag", async () => {
    for (const [name, type, from] of [
      ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8', 'swagger-ui-bundle.js'],
      ['style.css', 'text/css; charset=utf-8', 'swagger-ui.css'],
    ] as const) {
      const url = `${t.url}/api/reference/${name}`;
      const plain = await rawGet(url, {});
      expect(plain.status, name).toBe(200);
      expect(plain.headers['content-type'], name).toBe(type);
      // The stylesheet is Swagger UI's with our contrast fixes after it.
      expect(plain.body.toString('utf8').startsWith(dist(from)), name).toBe(true);
      const gz = await rawGet(url, { 'accept-encoding': 'gzip, br' });
      expect(gz.headers['content-encoding'], name).toBe('gzip');
      expect(gz.body.length, name).toBeLessThan(plain.body.length / 2);
      expect(gunzipSync(gz.body).equals(plain.body), name).toBe(true);
      const again = await rawGet(url, { 'if-none-match': String(plain.headers.etag) });
      expect(again.status, name).toBe(304);
    }
  });

  it('starts Swagger UI on /api/docs/openapi.json from a file, with no call to the online validator', async () => {
    const res = await fetch(`${t.url}/api/reference/start.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const js = await res.text();
    expect(js).toContain("url: '/api/docs/openapi.json'");
    expect(js).toContain('validatorUrl: null');
  });

  it('leaves /api/docs the JSON document, listing the page but not its files', async () => {
    const res = await fetch(`${t.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const doc = (await res.json()) as { paths: Record<string, Record<string, { responses: object }>> };
    expect(doc.paths['/api/reference']?.get?.responses).toHaveProperty('200.content.text/html');
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/reference/'))).toEqual([]);
    expect(await (await fetch(`${t.url}/api/docs/openapi.json`)).json()).toEqual(doc);
  });
});
