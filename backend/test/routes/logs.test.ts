import { LEVEL_RANK, type Level, LogsPage } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { call, expectError, newKey, newProject, type Session, signUp } from './support/client.js';

interface Line {
  time: string;
  level: Level;
  msg: string;
}

const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const LEVELS: Level[] = ['debug', 'info', 'warn', 'error', 'info', 'fatal'];
const BATCHES = 3;
const PER_BATCH = 20;

/** Batch b's records interleave in time with the other batches', so pages must merge across objects. */
function batchLines(b: number): Line[] {
  return Array.from({ length: PER_BATCH }, (_, j) => ({
    time: new Date(T0 + (j * BATCHES + b) * 1000).toISOString(),
    level: LEVELS[(j + b) % LEVELS.length] as Level,
    msg: `b${b} r${j} ${j % 5 === 0 ? 'Database TIMEOUT after 30s' : 'request served'}`,
  }));
}

function newestFirst(lines: Line[]): Line[] {
  return [...lines].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}

function slim(page: { logs: Array<Record<string, unknown>> }): Line[] {
  return page.logs.map((r) => ({ time: r.time as string, level: r.level as Level, msg: r.msg as string }));
}

describe.each(SQL_DIALECTS)('GET /api/projects/:id/logs on %s', (dialect) => {
  let t: TestApp;
  let url: string;
  let owner: Session;
  let projectId: string;
  let readKey: string;
  let ingestKey: string;
  let all: Line[];

  async function ingest(key: string, lines: Line[]): Promise<void> {
    const r = await call(url, 'POST', '/api/ingest', {
      auth: { key },
      raw: `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`,
      contentType: 'application/x-ndjson',
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ accepted: lines.length, rejected: 0 });
  }

  async function page(query: string, auth: { bearer: string } | { key: string } = { bearer: owner.token }) {
    const r = await call(url, 'GET', `/api/projects/${projectId}/logs${query}`, { auth });
    expect(r.status, r.text).toBe(200);
    return LogsPage.parse(r.body);
  }

  /** Follows `nextCursor` to the end, checking each page's size. */
  async function allPages(query: string, limit: number): Promise<Line[]> {
    const out: Line[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const sep = query ? '&' : '?';
      const p = await page(`${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.logs.length).toBeLessThanOrEqual(limit);
      out.push(...slim(p));
      cursor = p.nextCursor;
      if (!cursor) return out;
    }
    throw new Error('paging did not end');
  }

  beforeAll(async () => {
    t = await startTestApp({ dialect });
    url = t.url;
    owner = await signUp(url);
    projectId = await newProject(url, owner);
    ingestKey = (await newKey(url, owner, projectId, ['ingest'])).key;
    readKey = (await newKey(url, owner, projectId, ['read'])).key;
    all = [];
    for (let b = 0; b < BATCHES; b++) {
      await ingest(ingestKey, batchLines(b));
      all.push(...batchLines(b));
    }
    all = newestFirst(all);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers every record newest first across batch objects, as stored LogRecords', async () => {
    const p = await page('');
    expect(slim(p)).toEqual(all);
    expect(p.nextCursor).toBeNull();
    // A read key reads the same page.
    expect(await page('', { key: readKey })).toEqual(p);
  });

  it('pages with the cursor: no record twice, none skipped, in order', async () => {
    for (const limit of [1, 7, 20, 59, 60]) {
      expect(await allPages('', limit)).toEqual(all);
    }
    const first = await page('?limit=60');
    expect(first.nextCursor).toBeNull();
    const short = await page('?limit=59');
    expect(short.nextCursor).toEqual(expect.any(String));
  });

  it('filters by minimum level', async () => {
    for (const level of ['warn', 'error', 'fatal'] as const) {
      const expected = all.filter((l) => LEVEL_RANK[l.level] >= LEVEL_RANK[level]);
      expect(expected.length).toBeGreaterThan(0);
      expect(slim(await page(`?level=${level}`))).toEqual(expected);
      expect(await allPages(`?level=${level}`, 4)).toEqual(expected);
    }
  });

  it('searches message text case-insensitively', async () => {
    const expected = all.filter((l) => l.msg.includes('Database TIMEOUT'));
    expect(expected.length).toBe(BATCHES * 4);
    expect(slim(await page('?q=database%20timeout'))).toEqual(expected);
    expect(slim(await page('?q=no-such-text'))).toEqual([]);
  });

  it('searches service, host, trace id and attributes too, as a hosted log search does', async () => {
    const other = await newProject(url, owner, 'search');
    const key = (await newKey(url, owner, other, ['ingest', 'read'])).key;
    const at = (s: number) => new Date(T0 + s * 1000).toISOString();
    const lines = [
      { time: at(1), level: 'info', msg: 'one', service: 'Checkout-API' },
      { time: at(2), level: 'info', msg: 'two', host: 'web-7.internal' },
      { time: at(3), level: 'info', msg: 'three', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
      { time: at(4), level: 'info', msg: 'four', orderId: 'ORD-991', user: { plan: 'Enterprise' } },
      { time: at(5), level: 'info', msg: 'five mentions checkout in its message' },
    ];
    const r = await call(url, 'POST', '/api/ingest', {
      auth: { key },
      raw: lines.map((l) => JSON.stringify(l)).join('\n'),
      contentType: 'application/x-ndjson',
    });
    expect(r.body).toMatchObject({ accepted: 5, rejected: 0 });
    const search = async (q: string) =>
      (
        await call(url, 'GET', `/api/projects/${other}/logs?q=${encodeURIComponent(q)}`, { auth: { key } })
      ).body.logs.map((l: { msg: string }) => l.msg);
    expect(await search('checkout')).toEqual(['five mentions checkout in its message', 'one']);
    expect(await search('WEB-7')).toEqual(['two']);
    expect(await search('a3ce929d')).toEqual(['three']);
    expect(await search('ord-991')).toEqual(['four']);
    expect(await search('enterprise')).toEqual(['four']);
    expect(await search('nowhere')).toEqual([]);
  });

  it('limits to a time range, inclusive, given as ISO-8601 or epoch ms', async () => {
    const from = T0 + 10_000;
    const to = T0 + 25_000;
    const expected = all.filter((l) => Date.parse(l.time) >= from && Date.parse(l.time) <= to);
    expect(expected).toHaveLength(16);
    const iso = `?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    expect(slim(await page(iso))).toEqual(expected);
    expect(slim(await page(`?from=${from}&to=${to}`))).toEqual(expected);
    expect(await allPages(iso, 3)).toEqual(expected);
    expect(slim(await page(`?to=${T0 - 1}`))).toEqual([]);
    expect(slim(await page(`?from=${T0 + 59_000}`))).toEqual(all.slice(0, 1));
  });

  it('combines level, text and range filters while paging', async () => {
    const from = T0 + 5_000;
    const expected = all.filter(
      (l) => Date.parse(l.time) >= from && LEVEL_RANK[l.level] >= LEVEL_RANK.info && /request served/.test(l.msg),
    );
    expect(await allPages(`?from=${from}&level=info&q=REQUEST`, 5)).toEqual(expected);
  });

  it('keeps paging consistent while newer batches arrive', async () => {
    const first = await page('?limit=10');
    expect(slim(first)).toEqual(all.slice(0, 10));
    const other = await newProject(url, owner, 'other');
    const otherKey = (await newKey(url, owner, other, ['ingest'])).key;
    const before = all.length;
    // A newer batch in this project and one in another project: neither shows up on later pages.
    const newer = [{ time: new Date(T0 + 3_600_000).toISOString(), level: 'error' as Level, msg: 'late arrival' }];
    await ingest(ingestKey, newer);
    await ingest(otherKey, newer);
    let cursor = first.nextCursor;
    const rest: Line[] = [];
    while (cursor) {
      const p = await page(`?limit=10&cursor=${cursor}`);
      rest.push(...slim(p));
      cursor = p.nextCursor;
    }
    expect(rest).toEqual(all.slice(10, before));
    // A fresh first page sees the new record once.
    expect(slim(await page('?limit=1'))).toEqual(newer);
    all = newestFirst([...all, ...newer]);
  });

  it('answers an empty page for a project without logs', async () => {
    const empty = await newProject(url, owner, 'empty');
    const r = await call(url, 'GET', `/api/projects/${empty}/logs`, { auth: { bearer: owner.token } });
    expect(r.body).toEqual({ logs: [], nextCursor: null });
  });

  it('answers 400 invalid_query naming the parameter for bad input', async () => {
    const auth = { bearer: owner.token };
    const cases: Array<[string, string]> = [
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?limit=ten', 'limit'],
      ['?level=verbose', 'level'],
      ['?from=yesterday', 'from'],
      ['?to=2026-13-01T00:00:00Z', 'to'],
      [`?from=${T0 + 1}&to=${T0}`, 'from'],
      ['?cursor=not-a-cursor', 'cursor'],
      [`?cursor=${Buffer.from('[1,"b",-1]').toString('base64url')}`, 'cursor'],
      [`?cursor=${'A'.repeat(401)}`, 'cursor'],
      [`?cursor=${Buffer.from('[1,"b_\\u0000",0]').toString('base64url')}`, 'cursor'],
      ['?q=a%00b', 'q'],
      ['?q=', 'q'],
      [`?q=${'x'.repeat(1001)}`, 'q'],
      ['?q=%22open', 'q'],
      ['?servce=api', 'servce'],
      ['?level=warn&level=error', 'level'],
    ];
    for (const [query, field] of cases) {
      const r = await call(url, 'GET', `/api/projects/${projectId}/logs${query}`, { auth });
      expectError(r, 400, 'invalid_query');
      expect(r.body.error.details, query).toEqual({ field });
    }
  });

  it('answers 401 without credentials and 403 insufficient_scope for an ingest-only key', async () => {
    expectError(await call(url, 'GET', `/api/projects/${projectId}/logs`), 401, 'unauthorized');
    expectError(
      await call(url, 'GET', `/api/projects/${projectId}/logs`, { auth: { key: ingestKey } }),
      403,
      'insufficient_scope',
    );
  });
});
