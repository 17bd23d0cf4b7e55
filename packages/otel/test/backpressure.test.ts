// The exporter waits for the client's buffer room (hasRoom / whenRoom) instead of letting it drop.
import type { ExportResult } from '@opentelemetry/core';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { HeldSender } from '../../node/test/helpers/held-sender.js';
import { CloudSageLogRecordExporter } from '../src/index.js';

function sdkRecords(bodies: string[]): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  const logger = provider.getLogger('backpressure');
  for (const body of bodies) logger.emit({ body });
  return memory.getFinishedLogRecords() as ReadableLogRecord[];
}

describe('backpressure', () => {
  it('answers an export only once its records fit, so none is dropped, and delivers every record once, in order', async () => {
    const sender = new HeldSender();
    const exporter = new CloudSageLogRecordExporter({
      sender,
      exitHooks: false,
      redact: false,
      maxBufferBytes: 65_536,
      batch: { maxRecords: 100, maxWaitMs: 60_000 },
      concurrency: 1,
    });
    const sent = Array.from({ length: 1000 }, (_, i) => `record ${String(i).padStart(4, '0')} ${'x'.repeat(80)}`);
    // Exports of 100 records one after another, as the batch processor makes them (it waits for each).
    const results: ExportResult[] = [];
    const exports = (async () => {
      for (let i = 0; i < sent.length; i += 100) {
        results.push(await new Promise<ExportResult>((r) => exporter.export(sdkRecords(sent.slice(i, i + 100)), r)));
      }
    })();
    let flushed: Promise<void> | undefined;
    while (sender.delivered.length < sent.length) {
      await new Promise((r) => setImmediate(r));
      sender.releaseFirst();
      // The last records make a partial batch, which leaves with a flush (or the batch timer).
      if (results.length === 10) flushed ??= exporter.forceFlush();
    }
    await exports;
    await flushed;
    expect(sender.delivered.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(sent);
    expect(results.every((r) => r.code === 0)).toBe(true);
    expect(exporter.client.stats().dropped.overflow).toBe(0);
    await exporter.shutdown();
  });
});
