import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alerter } from '../../src/services/alerts/alerter.js';
import { checkWebhookTarget, type ResolveHost } from '../../src/services/alerts/webhook-target.js';
import { openTestSql, type TestSql } from '../support/sql-stores.js';

// Names resolve through this table, never the network; anything else does not resolve.
const DNS: Record<string, string[]> = {
  'public.example': ['93.184.216.34'],
  'internal.example': ['10.0.0.7'],
  'mixed.example': ['93.184.216.34', '127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'v6-private.example': ['fd00:ec2::254'],
  'v6-public.example': ['2606:4700::1111'],
  localhost: ['127.0.0.1', '::1'],
};
const resolve: ResolveHost = async (host) => {
  const found = DNS[host.toLowerCase()];
  if (!found) throw new Error('ENOTFOUND');
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('webhook targets: every spelling of a private address is refused', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://127.1/hook',
    'http://0x7f.1/hook',
    'http://0x7f000001/hook',
    'http://2130706433/hook',
    'http://017700000001/hook',
    'http://0177.0.0.1/hook',
    'http://127.000.000.001/hook',
    'http://0/hook',
    'http://0.0.0.0/hook',
    'http://10.1.2.3/hook',
    'http://172.16.0.1/hook',
    'http://192.168.1.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/hook',
    'http://100.100.100.200/hook',
    'http://198.18.0.1/hook',
    'http://255.255.255.255/hook',
    'http://224.0.0.1/hook',
    'http://[::ffff:127.0.0.1]:9/hook',
    'http://[::ffff:7f00:1]/hook',
    'http://[0:0:0:0:0:ffff:127.0.0.1]/hook',
    'http://[::ffff:169.254.169.254]/hook',
    'http://[::ffff:a9fe:a9fe]/hook',
    'http://[::]/hook',
    'http://[::1]/hook',
    'http://[0:0:0:0:0:0:0:1]/hook',
    'http://[::127.0.0.1]/hook',
    'http://[fe80::1]/hook',
    'http://[fc00::1]/hook',
    'http://[fd00:ec2::254]/hook',
    'http://[ff02::1]/hook',
    'http://[64:ff9b::7f00:1]/hook',
    'http://[64:ff9b::a9fe:a9fe]/hook',
    'http://[2002:7f00:1::1]/hook',
    'http://[2001:db8::1]/hook',
    'http://[2001::1]/hook',
    'http://localhost/hook',
    'http://LOCALHOST./hook',
    'http://api.localhost/hook',
    'http://internal.example/hook',
    'http://mixed.example/hook',
    'http://metadata.example/hook',
    'http://v6-private.example/hook',
  ])('%s is refused', async (url) => {
    const checked = await checkWebhookTarget(url, false, resolve);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.reason).toMatch(/private/);
  });

  it.each([
    ['http://93.184.216.34/hook', '93.184.216.34'],
    ['https://public.example/hook', '93.184.216.34'],
    ['https://v6-public.example/hook', '2606:4700::1111'],
    ['http://[2606:4700::1111]/hook', '2606:4700::1111'],
    ['http://[64:ff9b::5db8:d822]/hook', '64:ff9b::5db8:d822'],
    ['http://172.32.0.1/hook', '172.32.0.1'],
  ])('%s is allowed and pinned to %s', async (url, address) => {
    const checked = await checkWebhookTarget(url, false, resolve);
    expect(checked).toMatchObject({ ok: true, target: { address } });
  });

  it('refuses what is not http(s) and names that do not resolve, and allows private targets when configured', async () => {
    expect(await checkWebhookTarget('file:///etc/passwd', false, resolve)).toMatchObject({ ok: false });
    expect(await checkWebhookTarget('http://nowhere.example/x', false, resolve)).toMatchObject({
      ok: false,
      unresolved: true,
    });
    expect(await checkWebhookTarget('http://[::ffff:127.0.0.1]:9/x', true, resolve)).toMatchObject({
      ok: true,
      target: { address: '::ffff:7f00:1' },
    });
  });
});

describe('webhook delivery connects to the address that was checked', () => {
  let t: TestSql;
  let server: Server;
  let port = 0;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(String(req.headers.host));
      res.writeHead(req.url === '/redirect' ? 302 : 200, { location: 'http://127.0.0.1/' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    t = await openTestSql('sqlite');
    await t.store.db
      .insertInto('users')
      .values({ id: 'u1', email: 'u@x.io', password_hash: 'x', created_at: 0 })
      .execute();
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await t.dispose();
  });

  async function project(url: string): Promise<void> {
    await t.store.db.deleteFrom('leases').execute();
    await t.store.db.deleteFrom('projects').execute();
    await t.store.db
      .insertInto('projects')
      .values({ id: 'p1', user_id: 'u1', name: 'n', alert_url: url, alert_threshold: 50, created_at: 0, updated_at: 0 })
      .execute();
  }

  const point = {
    id: 'r1',
    timestamp: new Date(1_000_000).toISOString(),
    score: 90,
    labels: [],
    signals: {},
    explanations: [],
  };

  it('resolves a name once and connects to that address, whatever DNS answers next (rebinding)', async () => {
    let calls = 0;
    // First answer public (the check), any later one private: a rebinding resolver.
    const rebinding: ResolveHost = async () => {
      calls++;
      return [{ address: calls === 1 ? '127.0.0.1' : '10.9.9.9', family: 4 }];
    };
    await project(`http://rebind.example:${port}/hook`);
    const alerter = new Alerter({
      db: t.store.db,
      serverSecret: 'x'.repeat(40),
      allowPrivate: true,
      log: pino({ level: 'silent' }),
      resolve: rebinding,
      retryBaseMs: 1,
    });
    hits.length = 0;
    expect(await alerter.onScore('p1', point)).toBe(true);
    expect(calls).toBe(1);
    // The request reached 127.0.0.1 with the name as its Host: the pinned address, not a fresh lookup.
    expect(hits).toEqual([`rebind.example:${port}`]);
  });

  it('tries the next checked address when the first refuses (a name with ::1 and 127.0.0.1)', async () => {
    await project(`http://both.example:${port}/hook`);
    const alerter = new Alerter({
      db: t.store.db,
      serverSecret: 'x'.repeat(40),
      allowPrivate: true,
      log: pino({ level: 'silent' }),
      // The receiver listens on 127.0.0.1 only; ::1 refuses.
      resolve: async () => [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
      attempts: 1,
    });
    hits.length = 0;
    expect(await alerter.onScore('p1', point)).toBe(true);
    expect(hits).toHaveLength(1);
  });

  it('refuses a private target at send time and never connects', async () => {
    await project(`http://[::ffff:127.0.0.1]:${port}/hook`);
    const alerter = new Alerter({
      db: t.store.db,
      serverSecret: 'x'.repeat(40),
      allowPrivate: false,
      log: pino({ level: 'silent' }),
      resolve,
    });
    hits.length = 0;
    expect(await alerter.onScore('p1', point)).toBe(false);
    expect(hits).toEqual([]);
  });

  it('does not follow a redirect', async () => {
    await project(`http://127.0.0.1:${port}/redirect`);
    const alerter = new Alerter({
      db: t.store.db,
      serverSecret: 'x'.repeat(40),
      allowPrivate: true,
      log: pino({ level: 'silent' }),
      retryBaseMs: 1,
    });
    hits.length = 0;
    expect(await alerter.onScore('p1', point)).toBe(false);
    expect(hits).toHaveLength(1);
  });
});
