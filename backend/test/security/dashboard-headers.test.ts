import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, HSTS } from '../../src/routes/dashboard/index.js';
import { startTestApp, type TestApp } from '../support/app.js';

/** The dashboard pages and one built asset, found through the served index.html. */
async function dashboardUrls(base: string): Promise<string[]> {
  const html = await (await fetch(`${base}/`)).text();
  const asset = /(?:src|href)="(\/assets\/[^"]+)"/.exec(html)?.[1];
  if (!asset) throw new Error('index.html names no /assets/ file: is the dashboard built?');
  return ['/', '/login', '/projects/p_unknown', asset];
}

describe.each([
  ['over plain http (default)', {}, false],
  ['with CLOUDSAGE_SECURE_COOKIES=1 (served over HTTPS)', { CLOUDSAGE_SECURE_COOKIES: '1' }, true],
] as const)('dashboard security headers %s', (_name, env, hsts) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...env, CLOUDSAGE_INGEST_WORKERS: '0' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends CSP without inline script, frame-ancestors none, nosniff and DENY framing on every page and asset', async () => {
    for (const path of await dashboardUrls(t.url)) {
      const res = await fetch(`${t.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toBe(DASHBOARD_CSP);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toBe(hsts ? HSTS : null);
    }
  });
});

it('pins HTTPS for at least 180 days when it sends HSTS', () => {
  expect(Number(/^max-age=(\d+)$/.exec(HSTS)?.[1])).toBeGreaterThanOrEqual(180 * 24 * 3600);
});
