import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_GRAMMAR } from '../../src/services/logs/log-search.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { newContext, SCREENSHOT_DIR, seriousViolations, shoot, watchConsole } from './browser-harness.js';

// page.evaluate callbacks run in the browser, where this exists.
declare const document: any;

// The rendered API reference in real headless Chromium: reached from the dashboard's footer link,
// drawn by Swagger UI from /api/docs under the dashboard's CSP, with nothing fetched elsewhere.
describe('API reference in headless Chromium', { timeout: 60_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await (await newContext(browser, false)).newPage();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    problems = watchConsole(page);
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(`${app.url}/`) && !url.startsWith('data:')) elsewhere.push(url);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("opens from the dashboard's footer link and lists the routes of the document", async () => {
    await page.goto(`${app.url}/login`);
    await page.getByRole('link', { name: 'API reference (OpenAPI)' }).click();
    await page.waitForURL(`${app.url}/api/reference`);
    await page.getByRole('heading', { name: /CloudSage API/ }).waitFor();
    const doc = (await (await fetch(`${app.url}/api/docs`)).json()) as { paths: Record<string, object> };
    for (const path of ['/api/ingest', '/v1/logs', '/api/projects/{projectId}/logs']) {
      expect(Object.keys(doc.paths)).toContain(path);
      await page.locator(`[data-path="${path}"]`).first().waitFor();
    }
    // Every path of the document is drawn, none more.
    const drawn = await page.evaluate(
      () => new Set([...document.querySelectorAll('.opblock-summary-path')].map((e: any) => e.dataset.path)).size,
    );
    expect(drawn).toBe(Object.keys(doc.paths).length);
  });

  it('shows the search grammar of the logs route when it is opened', async () => {
    const logs = page
      .locator('.opblock-get')
      .filter({ has: page.locator('[data-path="/api/projects/{projectId}/logs"]') });
    await logs.locator('.opblock-summary-control').click();
    const q = logs.locator('tr[data-param-name="q"]');
    await q.waitFor();
    const description = q.locator('td.parameters-col_description').first();
    await description.waitFor({ state: 'visible' });
    expect(((await description.textContent()) ?? '').replace(/\s+/g, ' ')).toContain(QUERY_GRAMMAR);
    await shoot(page, 'api-reference-desktop');
  });

  it('runs under the CSP with no error, fetches nothing from elsewhere and passes axe', async () => {
    const csp = (await page.request.get(`${app.url}/api/reference`)).headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
    const violations = await seriousViolations(page);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  });
});
