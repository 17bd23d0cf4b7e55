import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloudSage, InMemorySink } from '../src/index.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

function client(sink: InMemorySink, batch: { maxRecords?: number; maxBytes?: number; maxWaitMs?: number }) {
  return new CloudSage({ transport: sink, exitHooks: false, batch, redact: false });
}

describe('batching thresholds', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a batch as soon as maxRecords records are buffered', async () => {
    const sink = new InMemorySink();
    const c = client(sink, { maxRecords: 10, maxWaitMs: 60_000 });
    for (let i = 0; i < 9; i++) c.info('r', { i });
    await settle();
    expect(sink.batches).toHaveLength(0);
    c.info('r', { i: 9 });
    await settle();
    expect(sink.batches).toHaveLength(1);
    expect(sink.batches[0]!.records.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('sends a batch once maxBytes raw bytes are buffered, and no batch exceeds it', async () => {
    const sink = new InMemorySink();
    const c = client(sink, { maxRecords: 1000, maxBytes: 2048, maxWaitMs: 60_000 });
    const pad = 'x'.repeat(400);
    for (let i = 0; i < 4; i++) c.info(pad, { i });
    await settle();
    expect(sink.batches).toHaveLength(0);
    for (let i = 4; i < 12; i++) c.info(pad, { i });
    await settle();
    expect(sink.batches.length).toBeGreaterThanOrEqual(2);
    for (const b of sink.batches) {
      const raw = b.records.reduce((n, r) => n + JSON.stringify(r).length + 1, 0);
      expect(raw).toBeLessThanOrEqual(2048);
    }
  });

  it('sends a partial batch after maxWaitMs, not before', async () => {
    const sink = new InMemorySink();
    const c = client(sink, { maxRecords: 1000, maxWaitMs: 1000 });
    c.info('one');
    c.info('two');
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(sink.records.map((r) => r.msg)).toEqual(['one', 'two']);
  });

  it('uses the defaults of 1,000 records and 1 s', async () => {
    const sink = new InMemorySink();
    const c = new CloudSage({ transport: sink, exitHooks: false });
    for (let i = 0; i < 1500; i++) c.info('r', { i });
    await settle();
    expect(sink.batches.map((b) => b.records.length)).toEqual([1000]);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(sink.batches.map((b) => b.records.length)).toEqual([1000, 500]);
  });

  it('adds time, level and service, keeps the caller fields, and never mutates the input', async () => {
    const sink = new InMemorySink();
    const c = new CloudSage({ transport: sink, exitHooks: false, service: 'checkout' });
    const input = { msg: 'paid', orderId: 42 };
    c.log(input);
    c.log({ level: 'error', msg: 'failed', time: '2026-01-01T00:00:00.000Z' });
    await c.flush();
    expect(input).toEqual({ msg: 'paid', orderId: 42 });
    expect(sink.records[0]).toMatchObject({ level: 'info', msg: 'paid', orderId: 42, service: 'checkout' });
    expect(typeof sink.records[0]!.time).toBe('string');
    expect(sink.records[1]).toMatchObject({ level: 'error', time: '2026-01-01T00:00:00.000Z' });
  });
});
