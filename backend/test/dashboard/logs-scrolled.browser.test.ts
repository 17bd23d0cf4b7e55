import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newKey, newProject, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { newContext, SCREENSHOT_DIR, seriousViolations, watchConsole } from './browser-harness.js';

// page.evaluate callbacks run in the browser, where these exist.
declare const window: any;
declare const document: any;

// The live tail in real headless Chromium, for a reader who scrolled down the Logs tab: records
// that arrive then wait behind the "N new" marker, and the row being read stays where it is.
describe('live logs while the reader is scrolled', { timeout: 60_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let projectId = '';
  let key = '';

  async function ingest(lines: object[]): Promise<void> {
    const raw = lines.map((l) => JSON.stringify(l)).join('\n');
    const r = await call(app.url, 'POST', '/api/ingest', { auth: { key }, raw, contentType: 'application/x-ndjson' });
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(lines.length);
  }

  const messages = () => page.getByRole('list', { name: 'Recent logs' }).getByTestId('log-message').allTextContents();

  /** The first row whose top is in the viewport: its message and where it is on screen. */
  const firstVisibleRow = () =>
    page.evaluate(() => {
      for (const row of document.querySelectorAll('[data-testid="log-row"]')) {
        const { top } = row.getBoundingClientRect();
        if (top >= 0) return { message: row.querySelector('[data-testid="log-message"]').textContent, top };
      }
      return undefined;
    });

  beforeAll(async () => {
    app = await startTestApp();
    const session = await signUp(app.url);
    projectId = await newProject(app.url, session, 'scrolled');
    key = (await newKey(app.url, session, projectId, ['ingest'])).key;
    // More rows than the viewport holds: the first page (50) runs well below the fold.
    const t0 = Date.now() - 120_000;
    await ingest(Array.from({ length: 80 }, (_, i) => ({ level: 30, time: t0 + i * 1000, msg: `older record ${i}` })));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await newContext(browser, false);
    await context.addCookies([
      { name: 'cloudsage_session', value: session.token, url: app.url },
      { name: 'csrf', value: session.csrf, url: app.url },
    ]);
    page = await context.newPage();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    problems = watchConsole(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('holds new rows behind the marker without moving the row being read, then shows them on top', async () => {
    await page.goto(`${app.url}/projects/${projectId}?tab=logs`);
    await page.getByTestId('tail-status').getByText('Live').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-row"]').length === 50);

    // Scroll the 20th row to the middle of the screen: the list's top is now above the viewport.
    await page.evaluate(() => {
      const row = document.querySelectorAll('[data-testid="log-row"]')[19];
      window.scrollBy(0, row.getBoundingClientRect().top - window.innerHeight / 2);
    });
    const listTop = await page
      .getByRole('region', { name: 'Logs', exact: true })
      .evaluate((e: any) => e.getBoundingClientRect().top);
    expect(listTop).toBeLessThan(0);
    const before = await messages();
    const reading = await firstVisibleRow();
    expect(reading?.message).toMatch(/^older record \d+$/);

    const now = Date.now();
    await ingest([0, 1, 2].map((i) => ({ level: 40, time: now + i, msg: `arrived while scrolled ${i}` })));
    const marker = page.getByRole('button', { name: '3 new — show' });
    await marker.waitFor();

    // Nothing was added above the reader, and the row being read did not move on screen.
    expect(await messages()).toEqual(before);
    const after = await firstVisibleRow();
    expect(after?.message).toBe(reading?.message);
    expect(Math.abs((after?.top ?? Number.NaN) - (reading?.top ?? 0))).toBeLessThanOrEqual(1.5);

    // The marker is in sight of the scrolled reader, and a click brings the new rows into view on top.
    const box = await marker.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 900).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'project-logs-scrolled-desktop.png') });
    const violations = await seriousViolations(page);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
    await marker.click();
    await marker.waitFor({ state: 'detached' });
    expect(await messages()).toEqual([
      'arrived while scrolled 2',
      'arrived while scrolled 1',
      'arrived while scrolled 0',
      ...before,
    ]);
    expect((await firstVisibleRow())?.message).toBe('arrived while scrolled 2');
    expect(problems).toEqual([]);
  });
});
