import { describe, expect, it } from 'vitest';
import { RecordBuffer } from '../src/buffer.js';
import type { Batch, SendResult, Transport } from '../src/index.js';
import { CloudSage, type CloudSageError, InMemorySink } from '../src/index.js';
import { ManualClock } from './helpers/manual-clock.js';

/** A transport that holds every send until released: a stalled backend. */
class StalledTransport implements Transport {
  readonly held: Array<{ batch: Batch; release: (r: SendResult) => void }> = [];
  send(batch: Batch): Promise<SendResult> {
    return new Promise((release) => this.held.push({ batch, release }));
  }
  releaseAll(): void {
    for (const h of this.held.splice(0)) h.release({ kind: 'sent', status: 202 });
  }
}

describe('bounded buffer', () => {
  it('drops oldest debug/info before warn/error under the default policy', () => {
    const buf = new RecordBuffer({ maxRecords: 3, maxBytes: 1 << 20, policy: 'oldest-low-first' });
    buf.push('e1', 50);
    buf.push('i1', 30);
    buf.push('w1', 40);
    expect(buf.push('i2', 30).dropped).toBe(1); // evicts i1
    expect(buf.push('d1', 20).dropped).toBe(1); // evicts i2
    expect(buf.push('e2', 50).dropped).toBe(1); // evicts d1
    expect(buf.push('e3', 50).dropped).toBe(1); // no low left: evicts oldest high e1
    expect(buf.take(10, 1 << 20, Number.POSITIVE_INFINITY)?.lines).toEqual(['w1', 'e2', 'e3']);
  });

  it('supports oldest and newest policies', () => {
    const oldest = new RecordBuffer({ maxRecords: 2, maxBytes: 1 << 20, policy: 'oldest' });
    for (const l of ['e', 'a', 'b']) oldest.push(l, l === 'e' ? 50 : 30);
    expect(oldest.take(10, 1 << 20, Infinity)?.lines).toEqual(['a', 'b']);
    const newest = new RecordBuffer({ maxRecords: 2, maxBytes: 1 << 20, policy: 'newest' });
    for (const l of ['a', 'b', 'c']) newest.push(l, 30);
    expect(newest.take(10, 1 << 20, Infinity)?.lines).toEqual(['a', 'b']);
  });

  it('bounds bytes too, counting batches in flight, and compacts tombstones', () => {
    const buf = new RecordBuffer({ maxRecords: 1_000_000, maxBytes: 100 * 164, policy: 'oldest-low-first' });
    const line = 'x'.repeat(100);
    for (let i = 0; i < 100_000; i++) buf.push(line, 30);
    expect(buf.size).toBe(100);
    expect(buf.bytes).toBeLessThanOrEqual(100 * 164);
    const taken = buf.take(50, 1 << 20, Infinity)!;
    expect(taken.lines).toHaveLength(50);
    for (let i = 0; i < 100; i++) buf.push(line, 30);
    expect(buf.bytes + buf.reserved).toBeLessThanOrEqual(100 * 164);
    buf.release(taken.held);
    expect(buf.reserved).toBe(0);
  });
});

describe('overflow in the client', () => {
  it('counts drops by reason, warns once through onError and a rate-limited stderr line, and reports them in the next batch', async () => {
    const transport = new StalledTransport();
    const errors: CloudSageError[] = [];
    const stderr: string[] = [];
    const clock = new ManualClock();
    const c = new CloudSage({
      transport,
      exitHooks: false,
      clock,
      maxBufferRecords: 10,
      batch: { maxRecords: 5 },
      concurrency: 1,
      onError: (e) => errors.push(e),
      stderr: { write: (l: string) => stderr.push(l) },
    });
    for (let i = 0; i < 5; i++) c.info(`first${i}`);
    await clock.advance(0);
    expect(transport.held).toHaveLength(1); // one batch of 5 in flight, 5 slots left
    for (let i = 0; i < 20; i++) c.info(`burst${i}`);
    c.error('important');
    expect(c.stats().dropped.overflow).toBe(11);
    expect(errors.map((e) => e.code)).toEqual(['buffer_overflow']);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^\[CLOUDSAGE_BUFFER_OVERFLOW\] CloudSageWarning: dropped 1 log record/);
    await clock.advance(60_000);
    c.info('one more');
    expect(stderr).toHaveLength(2);
    expect(stderr[1]).toMatch(/dropped \d+ log record/);
    transport.releaseAll();
    const flushed = c.flush({ timeoutMs: 1000 });
    for (let i = 0; i < 5; i++) {
      await clock.advance(0);
      transport.releaseAll();
    }
    await flushed;
    const batches = transport.held.length === 0;
    expect(batches).toBe(true);
    expect(c.stats().sent).toBe(15);
    expect(c.stats().dropped.overflow).toBe(12);
  });

  it('sends the drop counts with the next batch through the transport seam', async () => {
    const sink = new InMemorySink();
    const c = new CloudSage({ transport: sink, exitHooks: false, maxBufferRecords: 2, stderr: { write: () => true } });
    for (let i = 0; i < 5; i++) c.debug(`d${i}`);
    await c.flush();
    c.info('next');
    await c.flush();
    expect(sink.batches.map((b) => b.dropped)).toEqual([
      { overflow: 3, oversize: 0, before_send: 0 },
      { overflow: 0, oversize: 0, before_send: 0 },
    ]);
  });

  it('carries the counts of a batch that failed on to the next batch', async () => {
    const sink = new InMemorySink();
    sink.respondWith({ kind: 'failed', status: 400, message: 'bad batch' });
    const c = new CloudSage({ transport: sink, exitHooks: false, maxBufferRecords: 1, stderr: { write: () => true } });
    c.info('a');
    c.info('b');
    await c.flush();
    c.info('c');
    await c.flush();
    expect(sink.batches).toHaveLength(1);
    expect(sink.batches[0]!.dropped.overflow).toBe(1);
  });
});
