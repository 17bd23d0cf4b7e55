import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { newContext, seriousViolations, shoot, watchConsole } from './browser-harness.js';

// page.evaluate callbacks run in the browser, where these exist.
declare const document: any;
declare const navigator: any;

// The ingest panel (issue #19 item 6) in real headless Chromium against the real backend: a
// 5 MB paste split under the record limit (one request of it used to answer 413), rejections
// named by their line in the paste, axe at desktop and phone widths. No worker or scoring: only
// ingest is under test.

const PASSWORD = 'correct horse battery';

/** NDJSON lines of about 120 bytes each, `count` of them, tagged with `service`, ended by `eol`. */
function ndjson(count: number, service: string, eol = '\n'): string {
  const t0 = Date.now() - 60_000;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const record = {
      level: 30,
      time: t0 + (i % 60_000),
      service,
      msg: `GET /api/cart/${i} 200`,
      responseTime: i % 900,
    };
    lines.push(JSON.stringify({ ...record, region: 'eu-west-1a' }));
  }
  return `${lines.join(eol)}${eol}`;
}

describe('ingest panel in headless Chromium', { timeout: 120_000 }, () => {
  let backend: TestApp;
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;
  let problems: string[];
  let projectId = '';

  beforeAll(async () => {
    backend = await startTestApp();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    desktop = await newContext(browser, false);
    page = await desktop.newPage();
    problems = watchConsole(page);
    const email = `ingest-${Date.now()}@example.com`;
    const reg = await page.request.post(`${backend.url}/api/auth/register`, { data: { email, password: PASSWORD } });
    expect(reg.status()).toBe(201);
    const csrf = (await desktop.cookies()).find((c) => c.name === 'csrf')?.value ?? '';
    const made = await page.request.post(`${backend.url}/api/projects`, {
      data: { name: 'paste' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(made.status()).toBe(201);
    projectId = (await made.json()).id;
    await page.goto(`${backend.url}/projects/${projectId}?tab=logs`);
    await page.getByRole('heading', { name: 'Send logs' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.close();
  });

  /** Records the API holds for the project and service (facets count every stored record). */
  async function storedCount(service: string): Promise<number> {
    const res = await page.request.get(
      `${backend.url}/api/projects/${projectId}/logs/facets?service=${service}&from=${Date.now() - 3_600_000}`,
    );
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.partial).toBeUndefined();
    return body.records;
  }

  /** Puts text on the clipboard and pastes it into the text box, as a user would. */
  async function paste(text: string) {
    const box = page.getByLabel('Paste log lines', { exact: false });
    await box.fill('');
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await box.focus();
    await page.keyboard.press('ControlOrMeta+V');
  }

  it('sends a 5 MB paste in batches under the record limit, with progress to 100%, every line stored', async () => {
    const lines = 44_000;
    const text = ndjson(lines, 'paste-5mb');
    expect(Buffer.byteLength(text)).toBeGreaterThan(5_000_000);
    await paste(text);
    // Held beside the text box, not in it: Chromium re-lays out a box's whole text on each keystroke.
    await page.getByText(`Pasted ${(Buffer.byteLength(text) / 1048576).toFixed(1)} MiB`).waitFor();
    expect(await page.getByLabel('Paste log lines', { exact: false }).inputValue()).toBe('');
    await page.getByRole('button', { name: 'Send logs' }).click();
    const bar = page.getByRole('progressbar', { name: 'Sending logs' });
    await bar.waitFor();
    const result = page.getByTestId('ingest-result');
    await result.waitFor({ timeout: 60_000 });
    const summary = await result.locator('p').first().textContent();
    expect(summary).toContain('44,000 accepted, 0 rejected (as ndjson), of 44,000 lines in 5 requests.');
    expect(await bar.evaluate((el: any) => [el.value, el.max])).toEqual([
      Buffer.byteLength(text),
      Buffer.byteLength(text),
    ]);
    expect(await storedCount('paste-5mb')).toBe(lines);
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('lists every line of a garbage NDJSON paste as rejected, by its line number, and accepts none', async () => {
    const good = JSON.stringify({ level: 40, service: 'garbage', msg: 'the one good line' });
    const garbage = ['not json at all', '', 'GET /x 200', '{"msg": unterminated', '[1,2,3]', good, '{}', 'plain'];
    await paste(garbage.join('\r\n'));
    // A short paste goes into the box (which keeps LF alone: HTML's value normalization).
    const box = page.getByLabel('Paste log lines', { exact: false });
    expect(await box.inputValue()).toBe(garbage.join('\n'));
    await page.getByLabel('Format').selectOption('ndjson');
    await page.getByRole('button', { name: 'Send logs' }).click();
    const result = page.getByTestId('ingest-result');
    await result.getByText('1 accepted, 6 rejected (as ndjson), of 7 lines').waitFor();
    const rejected = page.getByRole('list', { name: 'Rejected lines' }).getByRole('listitem');
    const items = await rejected.allTextContents();
    expect(items.map((t) => t.split(':')[0])).toEqual(['Line 1', 'Line 3', 'Line 4', 'Line 5', 'Line 7', 'Line 8']);
    expect(items[0]).toMatch(/^Line 1: not valid JSON/);
    expect(items[3]).toMatch(/^Line 5: not a JSON object/);
    // `{}` is JSON: the server refused it, and its reason is the server's.
    expect(items[4]).toMatch(/^Line 7: record has no message and no fields/);
    expect(await storedCount('garbage')).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'ingest-rejections-desktop');
    await page.getByLabel('Format').selectOption('auto');
  });

  it('uploads a CRLF file, and stays accessible at 390 px with a result shown', async () => {
    const phone = await newContext(browser, true);
    await phone.addCookies(await desktop.cookies());
    const p = await phone.newPage();
    const phoneProblems = watchConsole(p);
    await p.goto(`${backend.url}/projects/${projectId}?tab=logs`);
    await p.getByRole('heading', { name: 'Send logs' }).waitFor();
    // A file keeps its CRLFs: they must not reach the server as part of a record.
    const body = ndjson(12_345, 'upload-phone', '\r\n');
    await p.getByLabel('…or upload a file').setInputFiles({
      name: 'app.ndjson',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(body),
    });
    await p.getByText('Loaded app.ndjson.').waitFor();
    await p.getByRole('button', { name: 'Send logs' }).click();
    await p
      .getByTestId('ingest-result')
      .getByText('12,345 accepted, 0 rejected (as ndjson), of 12,345 lines in 2 requests')
      .waitFor();
    expect(await storedCount('upload-phone')).toBe(12_345);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= 390)).toBe(true);
    expect(await seriousViolations(p)).toEqual([]);
    await shoot(p, 'ingest-upload-phone');
    expect(phoneProblems).toEqual([]);
    await phone.close();
  });
});
