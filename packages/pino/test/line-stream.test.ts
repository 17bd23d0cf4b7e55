// The writable pino writes to, and the worker transport's backpressure, without a backend.
import type { Batch, SendResult } from '@cloudsage/node';
import { describe, expect, it } from 'vitest';
import { HeldSender } from '../../node/test/helpers/held-sender.js';
import cloudsageTransport, { createStream } from '../src/index.js';

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

describe('the worker transport’s backpressure (the client’s hasRoom / whenRoom)', () => {
  it('holds a write whose lines do not fit until a batch settles, then delivers every line once, in order, with no drop', async () => {
    const sender = new HeldSender();
    const stream = await cloudsageTransport({
      sender,
      exitHooks: false,
      redact: false,
      maxBufferBytes: 65_536,
      batch: { maxRecords: 100, maxWaitMs: 60_000 },
      concurrency: 1,
    });
    // 1,000 lines of ~100 characters: about twice what the 64 KiB buffer holds.
    const sent = Array.from(
      { length: 1000 },
      (_, i) => `{"level":30,"msg":"line ${String(i).padStart(4, '0')} ${'x'.repeat(70)}"}`,
    );
    let written = false;
    stream.write(`${sent.join('\n')}\n`, () => {
      written = true;
    });
    // Let the stream hand over what fits: it stops at the buffer's bound, with one batch in flight.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(written).toBe(false);
    expect(sender.held).toHaveLength(1);
    expect(stream.client.stats().dropped.overflow).toBe(0);
    // Each settled batch lets the stream go on.
    while (!written) {
      sender.releaseFirst();
      await new Promise((r) => setImmediate(r));
    }
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.end();
    while (sender.delivered.length < sent.length) {
      sender.releaseFirst();
      await new Promise((r) => setImmediate(r));
    }
    await closed;
    expect(sender.delivered).toEqual(sent);
    expect(stream.client.stats().dropped.overflow).toBe(0);
  });
});
