import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientMinutes } from '../eval/lab/client-minutes.js';
import { DelayProxy } from '../eval/lab/delay-proxy.js';
import { FAULTS, type LabHandles } from '../eval/lab/faults.js';
import { parseLabArgs } from '../eval/lab/lab-args.js';

describe('lab arguments', () => {
  it('reads the documented flags and refuses unknown kinds', () => {
    const a = parseLabArgs(['--record', '--name', 'x1', '--fault-minutes', '1.5', '--only', 'cpu,latency']);
    expect(a).toMatchObject({ record: true, name: 'x1', faultMinutes: 1.5, gapMinutes: 2, only: ['cpu', 'latency'] });
    expect(parseLabArgs([]).record).toBe(false);
    expect(() => parseLabArgs(['--only', 'meteor'])).toThrow(/unknown fault kind/);
    expect(() => parseLabArgs(['--name', '../up'])).toThrow();
    expect(() => parseLabArgs(['--bogus'])).toThrow(/unknown option/);
  });
});

describe('proxy delay faults', () => {
  it.each([
    ['latency', 400],
    ['slow-dependency', 40],
  ] as const)('%s sets the PostgreSQL proxy to %i ms and back to 0', async (kind, ms) => {
    const lab = { pgProxy: { delayMs: 0 } } as unknown as LabHandles;
    await FAULTS[kind].inject(lab);
    expect(lab.pgProxy.delayMs).toBe(ms);
    await FAULTS[kind].undo(lab);
    expect(lab.pgProxy.delayMs).toBe(0);
    expect(FAULTS[kind].service).toBe('orders');
  });
});

describe('delay proxy', () => {
  let echo: Server;
  const proxies: DelayProxy[] = [];
  afterAll(async () => {
    for (const p of proxies) await p.stop();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  async function roundTrip(port: number): Promise<number> {
    const s = connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    const t0 = Date.now();
    s.write('ping');
    const reply = await new Promise<string>((r) => s.once('data', (d) => r(d.toString())));
    s.destroy();
    expect(reply).toBe('ping');
    return Date.now() - t0;
  }

  it('forwards bytes unchanged, and delays each direction by delayMs when set', async () => {
    echo = createServer((c) => c.pipe(c));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const target = (echo.address() as { port: number }).port;
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
    const port = (free.address() as { port: number }).port;
    await new Promise<void>((r) => free.close(() => r()));
    const proxy = new DelayProxy(port, target);
    proxies.push(proxy);
    await proxy.start();
    expect(await roundTrip(port)).toBeLessThan(150);
    proxy.delayMs = 150;
    expect(await roundTrip(port)).toBeGreaterThanOrEqual(290); // 150 ms each way
  }, 20_000);
});

describe('minute table', () => {
  it('tallies the smoke recording by arrival minute and marks the fault minutes', async () => {
    const { minuteTable } = await import('../eval/lab/minutes.js');
    const { LAB_RECORDINGS } = await import('../eval/sets/labels.js');
    const rows = (await minuteTable(`${LAB_RECORDINGS}/smoke`, '')).filter((l) => /^\| \d\d:\d\d /.test(l));
    const cells = rows.map((l) => l.split('|').map((c) => c.trim()));
    // Every record of the recording is counted once (smoke: 14,090 records).
    expect(cells.reduce((sum, c) => sum + Number(c[3]), 0)).toBe(14_090);
    const kinds = new Set(cells.map((c) => c[2]));
    expect(kinds).toContain('healthy');
    expect(kinds).toContain('exception');
    // Errors cluster in the fault minutes: more per fault minute than per healthy one.
    const perMinute = (pick: (k: string) => boolean) => {
      const hit = cells.filter((c) => pick(c[2]!));
      return hit.reduce((sum, c) => sum + Number(c[4]), 0) / hit.length;
    };
    expect(perMinute((k) => k !== 'healthy')).toBeGreaterThan(5 * perMinute((k) => k === 'healthy'));
  });
});

describe('log minutes', () => {
  it("tallies each service's minutes and every service's, as the ingest reads the records", async () => {
    const { ALL_SERVICES, logMinutes } = await import('../eval/lab/log-minutes.js');
    const { LAB_RECORDINGS } = await import('../eval/sets/labels.js');
    const byService = await logMinutes(`${LAB_RECORDINGS}/smoke`);
    const all = byService.get(ALL_SERVICES)!;
    const services = [...byService.keys()].filter((k) => k !== ALL_SERVICES);
    expect(services.length).toBeGreaterThanOrEqual(3);
    // Each minute of all services holds the latency readings of the services' minutes (records without
    // a service count only in the whole).
    for (const [start, m] of all) {
      const parts = services.map((s) => byService.get(s)!.get(start)).filter((x) => x !== undefined);
      expect(parts.reduce((n, p) => n + p.records, 0)).toBeLessThanOrEqual(m.records);
      expect(parts.reduce((n, p) => n + p.latencies.length, 0)).toBeLessThanOrEqual(m.latencies.length);
    }
    const total = (s: string) => [...byService.get(s)!.values()].reduce((n, m) => n + m.records, 0);
    expect(total(ALL_SERVICES)).toBe(14_090);
    expect(services.reduce((n, s) => n + total(s), 0)).toBeGreaterThan(14_090 * 0.9);
  });
});

describe('client minutes', () => {
  it('tallies each minute by when requests were sent: answers, 5xx, failures, drops and percentiles', () => {
    const c = new ClientMinutes();
    const t0 = Date.parse('2026-12-05T20:00:00Z');
    for (let i = 1; i <= 100; i++) c.answered(t0 + i * 100, i === 7 ? 503 : 200, i);
    c.failed(t0 + 59_999);
    c.dropped(t0 + 60_000);
    c.answered(t0 + 61_000, 201, 40);
    expect(c.toJSON()).toEqual([
      {
        minute: '2026-12-05T20:00:00.000Z',
        requests: 101,
        status5xx: 1,
        failed: 1,
        dropped: 0,
        p50Ms: 51,
        p95Ms: 95,
        p99Ms: 99,
      },
      {
        minute: '2026-12-05T20:01:00.000Z',
        requests: 1,
        status5xx: 0,
        failed: 0,
        dropped: 1,
        p50Ms: 40,
        p95Ms: 40,
        p99Ms: 40,
      },
    ]);
  });

  it('add up to the totals the live view prints', () => {
    const c = new ClientMinutes();
    const t0 = Date.parse('2026-12-05T20:00:00Z');
    c.answered(t0, 200, 5);
    c.answered(t0 + 61_000, 502, 9);
    c.failed(t0 + 62_000);
    c.dropped(t0 + 125_000);
    expect(c.totals()).toEqual({ requests: 3, status5xx: 1, failed: 1, dropped: 1 });
  });

  it('are shown beside the logs in the minute table of a recording that kept them', async () => {
    const { minuteTable } = await import('../eval/lab/minutes.js');
    const dir = mkdtempSync(join(tmpdir(), 'lab-clients-'));
    const at = Date.parse('2026-12-05T20:00:10Z');
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify({
        at: at + i,
        record: { level: 30, time: at, msg: 'request completed', service: 'gateway', responseTime: 10 + i },
      }),
    );
    writeFileSync(join(dir, 'records.ndjson.gz'), gzipSync(`${lines.join('\n')}\n`));
    const clients = new ClientMinutes();
    clients.answered(at, 200, 480);
    clients.failed(at);
    clients.dropped(at);
    writeFileSync(join(dir, 'labels.json'), JSON.stringify({ name: 'tiny', faults: [], clients: clients.toJSON() }));
    const rows = await minuteTable(dir, '');
    expect(rows[2]).toMatch(/client requests \| client not served \| client median ms \| client p95 ms \|$/);
    // 3 records, 2 client requests (one failed) plus one dropped: 2 not served, median and p95 of the one answer.
    expect(rows[4]).toBe('| 20:00 | healthy | 3 | 0 | 3 | 11 | 12 | 12 | 12 | 2 | 2 | 480 | 480 |');
    rmSync(dir, { recursive: true, force: true });
  });
});
