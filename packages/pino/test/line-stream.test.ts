// The writable pino writes to, and the worker transport's backpressure gate, without a backend.
import type { Batch, ClientStats, SendResult } from '@cloudsage/node';
import { describe, expect, it } from 'vitest';
import { createStream } from '../src/index.js';
import { RoomGate } from '../src/room-gate.js';

/** A transport that keeps each batch's lines and accepts it. */
function collector() {
  const lines: string[] = [];
  return {
    lines,
    transport: {
      async send(batch: Batch): Promise<SendResult> {
        lines.push(...batch.lines);
        return { kind: 'sent', status: 202 };
      },
    },
  };
}

describe('the stream pino writes to', () => {
  it('splits chunks into lines, joins a line cut across chunks (and a character cut across buffers), and keeps the last unfinished line for end()', async () => {
    const { lines, transport } = collector();
    const stream = createStream({ transport, exitHooks: false, redact: false });
    stream.write('{"level":30,"msg":"a"}\n{"level":30,');
    stream.write('"msg":"b"}\n\n{"level":40,"msg":"c"}\n');
    const euro = Buffer.from('{"level":30,"msg":"€"}\n');
    stream.write(euro.subarray(0, 19));
    stream.write(euro.subarray(19));
    stream.write('{"level":50,"msg":"no newline"}');
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.end();
    await closed;
    expect(lines).toEqual([
      '{"level":30,"msg":"a"}',
      '{"level":30,"msg":"b"}',
      '{"level":40,"msg":"c"}',
      '{"level":30,"msg":"€"}',
      '{"level":50,"msg":"no newline"}',
    ]);
  });

  it('hands a large chunk over a few lines per event-loop turn, in order, every line included', async () => {
    const { lines, transport } = collector();
    const stream = createStream({ transport, exitHooks: false, redact: false, batch: { maxWaitMs: 60_000 } });
    const sent = Array.from({ length: 2000 }, (_, i) => `{"level":30,"msg":"line ${i}"}`);
    // ~60 KB in one write, as thread-stream hands the worker what pino wrote since its last read.
    stream.write(`${sent.join('\n')}\n`);
    // Only the first slice reached the client in the write call; the rest follows on later turns.
    const first = stream.client.stats().buffered;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(sent.length);
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.end();
    await closed;
    expect(lines).toEqual(sent);
  });

  it('still runs the default redaction patterns on each line', async () => {
    const { lines, transport } = collector();
    const stream = createStream({ transport, exitHooks: false });
    stream.write('{"level":30,"msg":"mail ada@example.com"}\n');
    await stream.flush();
    expect(lines).toEqual(['{"level":30,"msg":"mail [REDACTED]"}']);
    await stream.client.shutdown();
  });
});

/** A client whose counters the test sets. */
function fakeClient(stats: Partial<ClientStats>) {
  const current: ClientStats = {
    sent: 0,
    dropped: { overflow: 0, oversize: 0, before_send: 0 },
    retried: 0,
    failed: 0,
    buffered: 0,
    bytes: 0,
    batches: 0,
    spooled: 0,
    replayed: 0,
    ...stats,
  };
  let flushes = 0;
  return {
    current,
    flushes: () => flushes,
    stats: () => ({ ...current }),
    flush: async () => {
      flushes++;
    },
  };
}

describe('RoomGate (the worker transport’s backpressure)', () => {
  const limits = { maxBufferBytes: 16_000, maxBufferRecords: 1000, stallMs: 100, pollMs: 10 };

  it('lets lines in while they fit below the bound, less a sixteenth, counting 64 bytes a record', () => {
    const client = fakeClient({});
    const gate = new RoomGate(client, limits);
    // 15,000 bytes of room: 100 lines of 86 characters cost 150 each.
    for (let i = 0; i < 100; i++) expect(gate.take(86)).toBe(true);
    // The room counted is used up, so the gate asks the client, which holds those lines now.
    client.current.bytes = 15_000;
    expect(gate.take(86)).toBe(false);
    client.current.bytes = 14_850;
    expect(gate.take(86)).toBe(true);
  });

  it('refuses while the records bound is reached', () => {
    const gate = new RoomGate(fakeClient({ buffered: 1000 }), limits);
    expect(gate.take(1)).toBe(false);
  });

  it('waits until a batch has made room, and sends a partial batch first', async () => {
    const client = fakeClient({ bytes: 15_000 });
    let clock = 0;
    let looks = 0;
    const gate = new RoomGate(client, {
      ...limits,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
        // A batch settles on the third look.
        if (++looks === 3) Object.assign(client.current, { bytes: 0, batches: 1 });
      },
    });
    expect(gate.take(10)).toBe(false);
    await gate.wait();
    expect(looks).toBe(3);
    expect(client.flushes()).toBe(1);
    expect(gate.take(10)).toBe(true);
  });

  it('gives up waiting on a backend that settles nothing for stallMs, until a batch settles again', async () => {
    const client = fakeClient({ bytes: 15_000 });
    let clock = 0;
    const gate = new RoomGate(client, {
      ...limits,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    expect(gate.take(10)).toBe(false);
    await gate.wait();
    expect(clock).toBe(100);
    // Stalled: lines go in (the client's drop policy decides), a sixteenth of the bound at a time.
    for (let i = 0; i < 13; i++) expect(gate.take(10)).toBe(true);
    // A batch settled but the buffer is still full: the gate shuts again.
    Object.assign(client.current, { batches: 1 });
    for (let i = 0; i < 20 && gate.take(10); i++);
    expect(gate.take(10)).toBe(false);
  });
});
