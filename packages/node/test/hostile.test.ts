import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudSage, type CloudSageError, InMemorySink } from '../src/index.js';
import { startServer } from './helpers/ingest-server.js';

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onRejection);
});
afterAll(() => {
  process.off('unhandledRejection', onRejection);
});

describe('never harms the host', () => {
  it('survives a hostile beforeSend, circular and unserializable records, a throwing onError and a resetting endpoint', async () => {
    const server = await startServer(() => ({ reset: true }));
    const errors: CloudSageError[] = [];
    const c = new CloudSage({
      endpoint: server.url,
      apiKey: 'csk_x',
      exitHooks: false,
      random: () => 0,
      retry: { retries: 2, minDelayMs: 0 },
      stderr: { write: () => true },
      beforeSend: (r) => {
        if (r.msg === 'throw') throw new Error('hostile hook');
        if (r.msg === 'weird') return 42 as never;
        return r;
      },
      onError: (e) => {
        errors.push(e);
        throw new Error('hostile onError');
      },
    });
    const circular: Record<string, unknown> = { msg: 'circular' };
    circular.self = circular;
    const getter = Object.defineProperty({ msg: 'getter' }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const badJson = {
      msg: 'toJSON',
      toJSON: () => {
        throw new Error('toJSON');
      },
    };
    expect(() => {
      c.log(circular);
      c.log({ msg: 'bigint', n: 10n });
      c.log(getter);
      c.log(badJson);
      c.log({ msg: 'throw' });
      c.log({ msg: 'weird' });
      c.log(null as never);
      c.log('a string' as never);
      c.writeLine(undefined as never);
      c.writeLine('not json at all');
      c.info(undefined as never, undefined);
    }).not.toThrow();
    const result = await c.flush({ timeoutMs: 5000 });
    expect(result.sent).toBe(0);
    expect(result.pending).toBe(0);
    expect(c.stats().dropped.before_send).toBe(2);
    expect(c.stats().failed).toBeGreaterThanOrEqual(8);
    expect(errors.map((e) => e.code)).toContain('batch_expired');
    expect(errors.map((e) => e.code)).toContain('before_send_failed');
    await c.shutdown({ timeoutMs: 100 });
    await server.close();
    await new Promise((r) => setImmediate(r));
    expect(rejections).toEqual([]);
  });

  it('serializes circular records, BigInt and Error values instead of failing', async () => {
    const sink = new InMemorySink();
    const c = new CloudSage({ transport: sink, exitHooks: false });
    const circular: Record<string, unknown> = { msg: 'c' };
    circular.self = circular;
    c.log(circular);
    c.log({ msg: 'b', n: 10n });
    c.error('failed', { err: new TypeError('bad input') });
    await c.flush();
    expect(sink.records[0]).toMatchObject({ msg: 'c', self: '[Circular]' });
    expect(sink.records[1]).toMatchObject({ msg: 'b', n: '10' });
    expect(sink.records[2]).toMatchObject({ level: 'error', err: { type: 'TypeError', message: 'bad input' } });
  });
});
