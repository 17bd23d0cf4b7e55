// The transport waits for the client's buffer room (hasRoom / whenRoom) instead of letting it drop.
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { HeldSender } from '../../node/test/helpers/held-sender.js';
import { CloudSageTransport } from '../src/index.js';

describe('backpressure', () => {
  it('holds a burst larger than the buffer until batches settle, then delivers every record once, in order', async () => {
    const sender = new HeldSender();
    const delivered = () => sender.delivered.map((l) => (JSON.parse(l) as { message: string }).message);
    const transport = new CloudSageTransport({
      sender,
      exitHooks: false,
      redact: false,
      maxBufferBytes: 65_536,
      batch: { maxRecords: 100, maxWaitMs: 60_000 },
      concurrency: 1,
    });
    const logger = winston.createLogger({ format: winston.format.json(), transports: [transport] });
    // ~1,000 records of ~120 bytes: about twice what the 64 KiB buffer holds.
    const sent = Array.from({ length: 1000 }, (_, i) => `record ${String(i).padStart(4, '0')} ${'x'.repeat(80)}`);
    for (const m of sent) logger.info(m);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    // The buffer filled to its bound; the rest waits in winston's stream, not dropped.
    expect(transport.client.stats().buffered).toBeLessThan(sent.length);
    expect(sender.held.length).toBe(1);
    while (sender.delivered.length < sent.length) {
      sender.releaseFirst();
      await new Promise((r) => setImmediate(r));
    }
    expect(delivered()).toEqual(sent);
    expect(transport.client.stats().dropped.overflow).toBe(0);
    await transport.close();
  });
});
