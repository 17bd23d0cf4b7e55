import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import errorHandler from '../../src/plugins/error-handler.js';
import dashboardRoutes, { DASHBOARD_CSP } from '../../src/routes/dashboard/index.js';

const INDEX = '<!doctype html><title>CloudSage</title><script type="module" src="/assets/index-abc123.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('dashboard routes', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    mkdirSync(join(dir, 'assets'));
    mkdirSync(join(dir, '.vite'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), SCRIPT);
    writeFileSync(join(dir, '.vite', 'manifest.json'), '{}');
    app = Fastify({ logger: false });
    await app.register(errorHandler);
    app.get('/api/real', async () => ({ ok: true }));
    await app.register(dashboardRoutes, { root: dir });
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with the security headers and no long cache', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('falls back to index.html for app URLs, so shared links load', async () => {
    for (const url of ['/projects', '/projects/p_123?tab=logs', '/login']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
    }
  });

  it('caches hashed assets for a year and gzips them when asked', async () => {
    const plain = await app.inject({ url: '/assets/index-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();

    const gz = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('accept-encoding');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);
    expect(gz.rawPayload.length).toBeLessThan(SCRIPT.length);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await app.inject({ url: '/favicon.svg' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await app.inject({ url: '/favicon.svg', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers JSON 404 for unknown API paths, missing files and the build manifest', async () => {
    for (const url of ['/api/nope', '/v1/nope', '/assets/missing-1.js', '/.vite/manifest.json', '/../etc/passwd.txt']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('not_found');
    }
    expect((await app.inject({ url: '/api/real' })).json()).toEqual({ ok: true });
  });

  it('says how to build when there is no build', async () => {
    const bare = Fastify({ logger: false });
    await bare.register(errorHandler);
    await bare.register(dashboardRoutes, { root: join(dir, 'absent') });
    const res = await bare.inject({ url: '/projects' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('pnpm build');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    await bare.close();
  });
});
