import { connect, createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
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
