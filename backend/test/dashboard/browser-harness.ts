import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { Dispatcher } from '../../src/services/dispatch/dispatcher.js';
import { startTestApp, type TestApp } from '../support/app.js';

const require = createRequire(import.meta.url);

// The browser never reaches these; page.evaluate callbacks run in the page, where they exist.
declare const window: any;
declare const document: any;
declare const requestAnimationFrame: (cb: () => void) => void;

/** The worker's own app and config loader, imported from its source at run time: the backend's
 * tsconfig stops at backend/, and the two services share no code (only this test drives both). */
interface WorkerModules {
  build(config: unknown, options: { logger: false }): Promise<FastifyInstance>;
  loadConfig(env: Record<string, string>): unknown;
}
async function workerModules(): Promise<WorkerModules> {
  const src = new URL('../../../worker/src/', import.meta.url);
  const app = await import(/* @vite-ignore */ new URL('app.ts', src).href);
  const config = await import(/* @vite-ignore */ new URL('config.ts', src).href);
  return { build: app.build, loadConfig: config.loadConfig };
}
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WORKER_KEY = 'dashboard-test-worker-key';

/** Where screenshots go: the repository's gitignored screenshots/ folder. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../screenshots/dashboard/', import.meta.url));

/** The real stack the browser tests drive: backend (with the dashboard), worker, dispatcher, Chromium. */
export interface Stack {
  backend: TestApp;
  worker: FastifyInstance;
  dispatcher: Dispatcher;
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the worker and the backend on free ports, the scoring dispatcher between them (1 s
 * windows, so a score lands in seconds), and Debian's Chromium with the flags this machine needs.
 */
export async function startStack(): Promise<Stack> {
  const { build, loadConfig } = await workerModules();
  const worker = await build(loadConfig({ WORKER_API_KEY: WORKER_KEY, LOG_LEVEL: 'silent' }), { logger: false });
  await worker.listen({ port: 0, host: '127.0.0.1' });
  const workerUrl = `http://127.0.0.1:${(worker.server.address() as AddressInfo).port}`;
  const backend = await startTestApp({
    env: { CLOUDSAGE_SCORE_WINDOW_MS: '1000', WORKER_URL: workerUrl, WORKER_API_KEY: WORKER_KEY },
  });
  const app = backend.app;
  const dispatcher = new Dispatcher({
    sql: backend.sql.store,
    bucket: app.bucket,
    worker: { url: workerUrl, apiKey: WORKER_KEY, timeoutMs: 10_000 },
    log: app.log,
    windowMs: 1000,
    graceMs: 200,
    pollMs: 100,
    onScore: (projectId, point) => app.events.publish(projectId, { type: 'score', data: point }),
  });
  dispatcher.start();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    backend,
    worker,
    dispatcher,
    browser,
    url: backend.url,
    async close() {
      await browser.close();
      await dispatcher.stop();
      await backend.close();
      await worker.close();
    },
  };
}

/** Problems the page reported on its console that no test expects (CSP violations above all). */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    const text = msg.text();
    // A signed-out /api/auth/me answers 401 by design; Chromium logs every non-2xx fetch.
    if (msg.type() === 'error' && !/status of 401/.test(text)) problems.push(text);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

/** A browser context at desktop or phone width, with a short default wait. */
export async function newContext(browser: Browser, phone: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: phone ? { width: 390, height: 844 } : { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(20_000);
  // Runs before the page's own scripts (over the DevTools protocol, so the CSP does not apply).
  await context.addInitScript(() => {
    window.__cls = 0;
    new window.PerformanceObserver((list: any) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  return context;
}

/** One axe finding at serious or critical impact. */
export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page and answers its serious and critical violations. axe is evaluated
 * over the DevTools protocol, which the page's CSP does not govern, so the CSP stays on.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n: any) => String(n.target)),
    }));
  });
  return (results as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Writes a full-page screenshot to the screenshots folder. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** True when the page scrolls sideways (content wider than the viewport). */
export function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

/**
 * The page's cumulative layout shift since it loaded (the Web Vitals CLS sum, shifts right after
 * input excluded; "good" is below 0.1), read after two frames so pending shifts are counted. The
 * observer is installed by {@link newContext} before any page script runs.
 */
export async function layoutShift(page: Page): Promise<number> {
  await page.evaluate(
    () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))),
  );
  return page.evaluate(() => window.__cls as number);
}
