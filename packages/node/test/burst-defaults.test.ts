import { describe, expect, it } from 'vitest';
import { BURST_BUFFER_DEFAULTS, type CloudSageOptions, withBurstBufferDefaults } from '../src/index.js';

describe('withBurstBufferDefaults', () => {
  const base = { endpoint: 'http://127.0.0.1:1', apiKey: 'csk_x' };

  it('fills both buffer bounds with the burst defaults (128 MiB, 1,000,000 records) when unset', () => {
    const out = withBurstBufferDefaults({ ...base });
    expect(out.maxBufferBytes).toBe(128 * 1024 * 1024);
    expect(out.maxBufferRecords).toBe(1_000_000);
    expect(BURST_BUFFER_DEFAULTS).toEqual({ maxBufferBytes: 128 * 1024 * 1024, maxBufferRecords: 1_000_000 });
  });

  it('keeps the values the caller gave, each on its own, and touches nothing else', () => {
    const options: CloudSageOptions = { ...base, maxBufferBytes: 1024, batch: { maxRecords: 7 } };
    const out = withBurstBufferDefaults(options);
    expect(out).toBe(options);
    expect(out).toEqual({ ...base, maxBufferBytes: 1024, maxBufferRecords: 1_000_000, batch: { maxRecords: 7 } });
    expect(withBurstBufferDefaults({ ...base, maxBufferRecords: 5 })).toMatchObject({
      maxBufferRecords: 5,
      maxBufferBytes: 128 * 1024 * 1024,
    });
  });

  it('cannot be changed through the exported defaults', () => {
    expect(Object.isFrozen(BURST_BUFFER_DEFAULTS)).toBe(true);
  });
});
