import { LIMITS, TRUNCATED_ATTRIBUTE } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { CloudSage, type CloudSageError, InMemorySink } from '../src/index.js';
import { truncateLine } from '../src/truncate.js';

describe('per-record limit', () => {
  it('truncates a long message with a marker instead of dropping it', async () => {
    const sink = new InMemorySink();
    const c = new CloudSage({ transport: sink, exitHooks: false, redact: false });
    c.info('x'.repeat(LIMITS.maxRecordBytes + 10_000), { requestId: 'r1' });
    await c.flush();
    const rec = sink.records[0]!;
    expect(rec[TRUNCATED_ATTRIBUTE]).toBe(true);
    expect(rec.requestId).toBe('r1');
    expect(rec.level).toBe('info');
    expect(String(rec.msg)).toMatch(/…\[truncated \d+ chars\]$/);
    expect(Buffer.byteLength(JSON.stringify(rec))).toBeLessThanOrEqual(LIMITS.maxRecordBytes);
    expect(c.stats().dropped.oversize).toBe(0);
  });

  it('cuts large nested fields and multi-byte text to fit', () => {
    const line = JSON.stringify({
      level: 'info',
      msg: 'ok',
      body: { html: 'é'.repeat(5000), list: Array(2000).fill('item') },
    });
    const out = truncateLine(line, 4096)!;
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(4096);
    const parsed = JSON.parse(out);
    expect(parsed).toMatchObject({ level: 'info', msg: 'ok', [TRUNCATED_ATTRIBUTE]: true });
  });

  it('drops as oversize only when truncation cannot help, and says so once', async () => {
    const sink = new InMemorySink();
    const errors: CloudSageError[] = [];
    const c = new CloudSage({
      transport: sink,
      exitHooks: false,
      maxRecordBytes: 256,
      onError: (e) => errors.push(e),
      stderr: { write: () => true },
    });
    const manyKeys = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key_number_${i}`, i]));
    c.log(manyKeys);
    c.log(manyKeys);
    await c.flush();
    expect(sink.records).toHaveLength(0);
    expect(c.stats().dropped.oversize).toBe(2);
    expect(errors.map((e) => e.code)).toEqual(['record_oversize']);
  });
});
