// The `service` option once reached only records given to log(): the pino transport's unparsed lines
// (writeLine's fast path) shipped without it, though the README promised it (found by the fault lab).
import { describe, expect, it } from 'vitest';
import { CloudSage, InMemorySender } from '../src/index.js';

describe('the service option on lines taken unparsed', () => {
  it('adds service to lines without one and keeps a line’s own', async () => {
    const sender = new InMemorySender();
    const client = new CloudSage({ sender, exitHooks: false, service: 'orders' });
    client.writeLine('{"level":30,"time":1735689600000,"msg":"plain"}');
    client.writeLine('{"level":50,"service":"payments","msg":"own service"}');
    client.writeLine('{"level":30,"msg":"nested","req":{"service":"upstream"}}');
    client.writeLine('{}');
    await client.flush();
    const got = sender.records.map((r) => ({ service: r.service, msg: r.msg }));
    expect(got).toEqual([
      { service: 'orders', msg: 'plain' },
      { service: 'payments', msg: 'own service' },
      { service: 'orders', msg: 'nested' },
      { service: 'orders', msg: undefined },
    ]);
    await client.shutdown();
  });
});
