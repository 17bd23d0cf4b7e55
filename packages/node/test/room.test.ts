// Backpressure as a client capability: hasRoom / whenRoom, woken by sends that settle (no polling).
import { describe, expect, it } from 'vitest';
import { CloudSage, type Sender } from '../src/index.js';
import { HeldSender } from './helpers/held-sender.js';
import { eventually } from './helpers/ingest-server.js';
import { ManualClock } from './helpers/manual-clock.js';

/** A pino-like line of exactly `chars` characters. */
function line(chars: number, i = 0): string {
  const head = `{"level":30,"i":${i},"msg":"`;
  return `${head}${'x'.repeat(chars - head.length - 2)}"}`;
}

function make(sender: Sender, extra: Partial<ConstructorParameters<typeof CloudSage>[0]> = {}) {
  return new CloudSage({
    sender,
    exitHooks: false,
    redact: false,
    maxBufferBytes: 65_536,
    maxBufferRecords: 1000,
    // Nothing leaves by count or by time unless the test asks for it.
    batch: { maxRecords: 1000, maxWaitMs: 3_600_000 },
    stderr: { write: () => true },
    ...extra,
  });
}

describe('hasRoom', () => {
  it('says yes while a line fits below the bound less a sixteenth, counting 64 bytes a record', async () => {
    const c = make(new HeldSender());
    // 61,440 bytes of room: 384 lines of 96 characters cost 160 each.
    for (let i = 0; i < 384; i++) {
      expect(c.hasRoom(96)).toBe(true);
      c.writeLine(line(96, i));
    }
    expect(c.hasRoom(96)).toBe(false);
    expect(c.hasRoom(0)).toBe(false);
    expect(c.stats().dropped.overflow).toBe(0);
    await c.shutdown({ timeoutMs: 0 });
  });

  it('says no once the records bound is reached', async () => {
    const c = make(new HeldSender(), { maxBufferRecords: 3 });
    for (let i = 0; i < 3; i++) c.writeLine(line(40, i));
    expect(c.hasRoom(1)).toBe(false);
    await c.shutdown({ timeoutMs: 0 });
  });
});

describe('whenRoom', () => {
  it('sends the partial batch at once and resolves true when its send settles, not before', async () => {
    const sender = new HeldSender();
    const c = make(sender);
    for (let i = 0; i < 384; i++) c.writeLine(line(96, i));
    let answer: boolean | undefined;
    void c.whenRoom().then((a) => {
      answer = a;
    });
    await eventually(() => sender.held.length === 1, 'the partial batch');
    expect(sender.held[0]!.batch.lines).toHaveLength(384);
    // Taken for sending, the batch's bytes still count until it settles.
    await new Promise((r) => setImmediate(r));
    expect(answer).toBeUndefined();
    sender.releaseFirst();
    await eventually(() => answer !== undefined, 'whenRoom');
    expect(answer).toBe(true);
    expect(c.hasRoom(96)).toBe(true);
    await c.shutdown({ timeoutMs: 0 });
  });

  it('resolves true at once when there is room', async () => {
    const c = make(new HeldSender());
    expect(await c.whenRoom()).toBe(true);
    await c.shutdown({ timeoutMs: 0 });
  });

  it('gives up on a backend that settles nothing for stallMs, lets records in, and shuts again once one settles', async () => {
    const clock = new ManualClock();
    const sender = new HeldSender();
    // Small batches, four in flight: a settled one makes room for the next queued batch only.
    const c = make(sender, { clock, concurrency: 4, batch: { maxRecords: 8, maxWaitMs: 3_600_000 } });
    for (let i = 0; i < 384; i++) c.writeLine(line(96, i));
    const waiting = c.whenRoom({ stallMs: 100 });
    await eventually(() => sender.held.length === 4, 'four batches in flight');
    await clock.advance(99);
    await clock.advance(1);
    expect(await waiting).toBe(false);
    // Stalled: records go in and the buffer's drop policy decides.
    expect(c.hasRoom(96)).toBe(true);
    for (let i = 0; i < 400; i++) c.writeLine(line(96, 384 + i));
    expect(c.stats().dropped.overflow).toBeGreaterThan(0);
    // A batch settled and the next one left the queue, but the buffer is still full: backpressure is back.
    sender.releaseFirst();
    await eventually(() => c.stats().batches === 1 && sender.held.length === 4, 'the settled batch');
    expect(c.hasRoom(10)).toBe(false);
    const stopped = c.shutdown({ timeoutMs: 0 });
    await clock.advance(0);
    // The held sender ignores the abort: shutdown waits for its requests 1 s of the client's clock, no more.
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    await clock.advance(999);
    expect(done).toBe(false);
    await clock.advance(1);
    await stopped;
  });

  it('resolves false when the client shuts down', async () => {
    const c = make(new HeldSender());
    for (let i = 0; i < 384; i++) c.writeLine(line(96, i));
    const waiting = c.whenRoom();
    await c.shutdown({ timeoutMs: 0 });
    expect(await waiting).toBe(false);
  });
});
