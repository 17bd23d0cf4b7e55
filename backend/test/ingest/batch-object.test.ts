import { gunzipSync } from 'node:zlib';
import type { LogRecord } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/services/ingest/batch-object.js';

const T = '2026-11-25T10:11:12.345Z';

function writeAll(records: readonly LogRecord[]): BatchWriter {
  const writer = new BatchWriter();
  for (const record of records) writer.add(record);
  return writer;
}

function unpack(body: Uint8Array): LogRecord[] {
  const text = gunzipSync(body).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as LogRecord);
}

describe('BatchWriter', () => {
  it('writes one JSON line per record, in order, past the first buffer and with multi-byte text', async () => {
    // 40 records of ~20,000 UTF-16 units, most of them 3 UTF-8 bytes: far past the first buffer.
    const records: LogRecord[] = Array.from({ length: 40 }, (_, i) => ({
      time: T,
      level: 'info',
      msg: `${i} ${'漢字🚀é'.repeat(4000)} \n "quoted" \u0000`,
      attributes: { i, nested: { list: [i, null, 'x'] } },
    }));
    const { body, summary } = await writeAll(records).finish(true);
    expect(unpack(body)).toEqual(records);
    expect(summary.records).toBe(40);
  });

  it('gives the same object synchronously and through the zlib thread pool', async () => {
    const records: LogRecord[] = [
      { time: T, level: 'warn', msg: 'a', service: 'svc', host: 'h', traceId: 'ab12', spanId: 'cd34' },
      { time: T, level: 'error', msg: '' },
    ];
    const sync = await writeAll(records).finish(true);
    const pooled = await writeAll(records).finish();
    expect(unpack(sync.body)).toEqual(records);
    expect(unpack(pooled.body)).toEqual(records);
  });
});
