import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRiskHistory } from '../forecast/store-fixture.js';
import { newProject, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { newContext, seriousViolations, shoot, watchConsole } from './browser-harness.js';

// page.evaluate callbacks run in the browser, where this exists.
declare const document: any;

// Drag to zoom and the custom range in real headless Chromium: a drag across the risk chart puts
// `range=custom&from&to` in the URL, the chart and the logs follow it, Back undoes it; a plain
// click still opens a point's logs; and the range can be typed in instead.
describe('custom time range and drag to zoom', { timeout: 60_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let projectUrl = '';
  const HOUR = 3_600_000;

  const chart = () => page.getByTestId('history-chart');
  const query = () => new URL(page.url()).searchParams;
  const xBounds = async () => ({
    min: Number(await chart().getAttribute('data-x-min')),
    max: Number(await chart().getAttribute('data-x-max')),
  });

  /** The plot area's box and the page x of an epoch-ms instant on the chart's x axis. */
  async function plot() {
    // page.mouse works in viewport coordinates: the chart must be on screen.
    await chart().scrollIntoViewIfNeeded();
    const box = await chart().locator('.u-over').boundingBox();
    if (!box) throw new Error('no plot area');
    const { min, max } = await xBounds();
    return { box, xOf: (ms: number) => box.x + ((ms / 1000 - min) / (max - min)) * box.width };
  }

  beforeAll(async () => {
    app = await startTestApp();
    const session = await signUp(app.url);
    const projectId = await newProject(app.url, session, 'zoom');
    // 48 hourly scores, each five minutes past the hour, ending this hour.
    await seedRiskHistory(app.sql.store.db, projectId, Date.now(), 48);
    projectUrl = `${app.url}/projects/${projectId}`;
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
    problems = watchConsole(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('zooms to a span dragged across the chart, shared with the logs; Back undoes it', async () => {
    await page.goto(`${projectUrl}?range=24h`);
    await chart().locator('canvas').waitFor();
    const { box } = await plot();
    const before = await xBounds();
    const y = box.y + box.height / 2;
    const x0 = box.x + box.width * 0.25;
    const x1 = box.x + box.width * 0.6;
    // The instants under the drag's ends, as the chart's axis places them.
    const at = (x: number) => (before.min + ((x - box.x) / box.width) * (before.max - before.min)) * 1000;
    await page.mouse.move(x0, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(x0 + ((x1 - x0) * i) / 10, y);
    await page.mouse.up();

    await page.waitForURL((u) => u.searchParams.get('range') === 'custom');
    const from = Date.parse(query().get('from') ?? '');
    const to = Date.parse(query().get('to') ?? '');
    // Within a pixel's worth of time of the dragged span.
    const pixel = ((before.max - before.min) * 1000) / box.width;
    expect(Math.abs(from - at(x0))).toBeLessThan(2 * pixel);
    expect(Math.abs(to - at(x1))).toBeLessThan(2 * pixel);
    expect(query().get('tab')).toBeNull();
    // The chart's x axis is now the custom span (it ends in the past, so no forecast room).
    await page.waitForFunction(
      (min) => document.querySelector('[data-testid="history-chart"]')?.getAttribute('data-x-min') === String(min),
      Math.floor(from / 1000),
    );
    expect(await xBounds()).toEqual({ min: Math.floor(from / 1000), max: Math.ceil(to / 1000) });
    // No selection is left on the chart, and the picker shows "Custom" with the span.
    expect(
      await chart()
        .locator('.u-select')
        .evaluate((el: any) => el.offsetWidth),
    ).toBe(0);
    const picker = page.getByRole('group', { name: 'Time range' });
    expect(await picker.getByRole('button', { name: 'Custom' }).getAttribute('aria-pressed')).toBe('true');
    expect(await picker.getByRole('button', { name: '24 h' }).getAttribute('aria-pressed')).toBe('false');
    await page.getByTestId('custom-range').waitFor();
    await page.getByRole('heading', { name: /^Risk, .+/ }).waitFor();
    expect(await page.getByRole('heading', { name: /^Risk, last/ }).count()).toBe(0);

    // The logs ask for the same span.
    const logsRequest = page.waitForRequest((r) => /\/api\/projects\/[^/]+\/logs\?/.test(r.url()));
    await page.getByRole('tab', { name: 'Logs' }).click();
    const asked = new URL((await logsRequest).url()).searchParams;
    expect(Date.parse(asked.get('from') ?? '')).toBe(from);
    expect(Date.parse(asked.get('to') ?? '')).toBe(to);
    await page.getByRole('tab', { name: 'Overview' }).click();
    await chart().locator('canvas').waitFor();

    // Back (past the tab switches, which replace the entry) returns to the day.
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get('range') === '24h');
    expect(query().get('from')).toBeNull();
    await chart().locator('canvas').waitFor();
    expect((await xBounds()).max - (await xBounds()).min).toBeGreaterThanOrEqual(86_400);
    await shoot(page, 'chart-zoom-back');
  });

  it("opens a point's logs on a plain click, as before", async () => {
    const { min } = await xBounds();
    // The scored point just after the start of the axis: hourly points, five minutes past the hour.
    const firstHour = Math.ceil((min * 1000) / HOUR) * HOUR;
    const point = firstHour + 5 * 60_000 + (firstHour + 5 * 60_000 < min * 1000 ? HOUR : 0) + 2 * HOUR;
    const { box, xOf } = await plot();
    await page.mouse.click(xOf(point), box.y + box.height * 0.8);
    await page.getByTestId('logs-range').waitFor();
    expect(query().get('tab')).toBe('logs');
    expect(query().get('range')).toBe('24h');
    expect(Date.parse(query().get('from') ?? '')).toBe(point - 5 * 60_000);
    expect(Date.parse(query().get('to') ?? '')).toBe(point + 60_000);
    await page.goBack();
    await chart().locator('canvas').waitFor();
  });

  it('takes a typed custom range, refusing an end before the start, and stays clean for axe', async () => {
    const picker = page.getByRole('group', { name: 'Time range' });
    await picker.getByRole('button', { name: 'Custom' }).click();
    const form = page.getByRole('form', { name: 'Custom time range' });
    const local = (ms: number) => {
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    };
    const start = Math.floor((Date.now() - 30 * HOUR) / 60_000) * 60_000;
    const end = start + 6 * HOUR;
    await form.getByLabel('From').fill(local(end));
    await form.getByLabel('To').fill(local(start));
    await form.getByRole('button', { name: 'Apply' }).click();
    await form.getByRole('alert').getByText('The start must be before the end.').waitFor();
    expect(query().get('range')).toBe('24h');
    expect(await seriousViolations(page)).toEqual([]);

    await form.getByLabel('From').fill(local(start));
    await form.getByLabel('To').fill(local(end));
    await form.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((u) => u.searchParams.get('range') === 'custom');
    expect(Date.parse(query().get('from') ?? '')).toBe(start);
    expect(Date.parse(query().get('to') ?? '')).toBe(end);
    await chart().locator('canvas').waitFor();
    expect(await xBounds()).toEqual({ min: start / 1000, max: end / 1000 });
    await shoot(page, 'chart-custom-range');
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
