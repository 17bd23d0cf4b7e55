// The stream hands runs of lines to the client (writeLines): whatever the chunking thread-stream does,
// every line arrives once, whole and in order, and batches keep their record and byte limits.
import type { Batch, SendResult } from '@cloudsage/node';
import { describe, expect, it } from 'vitest';
import cloudsageTransport, { createStream } from '../src/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function collector() {
  const batches: string[][] = [];
  return {
    batches,
    sender: {
      async send(batch: Batch): Promise<SendResult> {
        batches.push([...batch.lines]);
        return { kind: 'sent', status: 202 };
      },
    },
  };
}

const line = (i: number) =>
  `{"level":${i % 7 === 0 ? 50 : 30},"time":${1735689600000 + i},"msg":"line ${i} ${'é€😀'.repeat(i % 3)}${'x'.repeat(i % 40)}"}`;

async function closed(stream: { once(e: 'close', cb: () => void): unknown; end(): unknown }) {
  const done = new Promise<void>((resolve) => stream.once('close', resolve));
  stream.end();
  await done;
}

describe('runs of lines through the stream', () => {
  it('delivers every line once and in order however the bytes are cut, within the batch limits', async () => {
    for (let seed = 0; seed < 5; seed++) {
      const next = rng(seed);
      const { batches, sender } = collector();
      const stream = await cloudsageTransport({
        sender,
        exitHooks: false,
        redact: false,
        batch: { maxRecords: 37, maxBytes: 4096, maxWaitMs: 60_000 },
      });
      const sent = Array.from({ length: 3000 }, (_, i) => line(i));
      const bytes = Buffer.from(`${sent.join('\n')}\n`);
      // Chunks cut anywhere: inside a line, inside a character, some without any newline.
      for (let at = 0; at < bytes.length; ) {
        const size = next() < 0.2 ? 1 + Math.floor(next() * 50) : 1 + Math.floor(next() * 70_000);
        const chunk = bytes.subarray(at, at + size);
        if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
        at += size;
      }
      await closed(stream);
      expect(batches.flat()).toEqual(sent);
      for (const b of batches) {
        expect(b.length).toBeLessThanOrEqual(37);
        // A batch over the byte limit holds one record only.
        if (b.length > 1) expect(Buffer.byteLength(`${b.join('\n')}\n`)).toBeLessThanOrEqual(4096 + 3 * b.length);
      }
      expect(stream.client.stats()).toMatchObject({ sent: sent.length, buffered: 0 });
    }
  });

  it('keeps lines that are not JSON, blank lines and a JSON-looking line that is not JSON as before', async () => {
    const { batches, sender } = collector();
    const stream = createStream({ sender, exitHooks: false, batch: { maxWaitMs: 60_000 } });
    stream.write(
      '{"level":30,"msg":"a"}\nplain text ada@example.com\n\n   \n{"password":"runs on\n{"level":30,"msg":"b"}\n',
    );
    await closed(stream);
    expect(batches.flat()).toEqual([
      '{"level":30,"msg":"a"}',
      'plain text [REDACTED]',
      '{"password":"runs on',
      '{"level":30,"msg":"b"}',
    ]);
  });
});
