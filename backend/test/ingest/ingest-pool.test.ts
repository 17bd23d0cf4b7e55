import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { IngestPool } from '../../src/services/ingest/ingest-pool.js';
import { WINDOW_BYTES } from '../../src/services/ingest/pool-protocol.js';
import type { PrepareJob } from '../../src/services/ingest/prepare-batch.js';

const MIB = 1024 * 1024;
const job = (over: Partial<PrepareJob['limits']> = {}): PrepareJob => ({
  form: 'ndjson',
  encoding: 'gzip',
  receivedAt: Date.UTC(2026, 10, 25, 12),
  limits: {
    maxBodyBytes: 16 * MIB,
    maxInflatedBytes: 50 * MIB,
    maxBatchRecords: 10_000,
    maxRecordBytes: 256 * 1024,
    ...over,
  },
});

const BODY = gzipSync(
  [
    JSON.stringify({ level: 30, time: Date.UTC(2026, 10, 25, 11, 59), msg: 'a', responseTime: 5 }),
    JSON.stringify({ level: 50, time: Date.UTC(2026, 10, 25, 11, 59, 30), msg: 'b' }),
    '{}',
  ].join('\n'),
);

describe('IngestPool', () => {
  const pools: IngestPool[] = [];
  const pool = (workers: number) => {
    const p = new IngestPool(workers);
    pools.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('prepares a body on a worker exactly as inline', async () => {
    const inline = await pool(0).prepare(Readable.from([BODY]), job());
    const threaded = await pool(1).prepare(Readable.from([BODY.subarray(0, 10), BODY.subarray(10)]), job());
    expect(threaded.accepted).toBe(2);
    expect(threaded.rejected).toBe(1);
    expect(threaded.errors).toEqual(inline.errors);
    expect(threaded.summary?.minutes).toEqual(inline.summary?.minutes);
    expect(threaded.summary?.counts).toEqual(inline.summary?.counts);
    expect(gunzipSync(threaded.object as Uint8Array).toString()).toBe(
      gunzipSync(inline.object as Uint8Array).toString(),
    );
  });

  it('runs many bodies at once over its workers', async () => {
    const p = pool(2);
    const results = await Promise.all(Array.from({ length: 12 }, () => p.prepare(Readable.from([BODY]), job())));
    expect(results.map((r) => r.accepted)).toEqual(Array(12).fill(2));
  });

  it('answers the worker refusal as the same AppError, and stops reading the body within the window', async () => {
    const member = gzipSync(Buffer.alloc(10 * MIB, 'a'));
    let pulled = 0;
    let i = 0;
    const bomb = new Readable({
      read() {
        if (i++ >= 1000) return this.push(null);
        pulled += member.length;
        this.push(member);
      },
    });
    const error = await pool(1)
      .prepare(bomb, job())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('payload_too_large');
    // Five members inflate past 50 MiB; the main thread never runs more than a window ahead.
    expect(pulled).toBeLessThan(member.length * 6 + WINDOW_BYTES + 64 * 1024);
    const bad = await pool(1)
      .prepare(Readable.from([Buffer.from('not gzip')]), job())
      .catch((e: unknown) => e);
    expect((bad as AppError).code).toBe('invalid_body');
  });

  it('refuses a body over the raw limit on the main thread', async () => {
    const error = await pool(1)
      .prepare(Readable.from([Buffer.alloc(2048), Buffer.alloc(2048)]), job({ maxBodyBytes: 3000 }))
      .catch((e: unknown) => e);
    expect((error as AppError).code).toBe('payload_too_large');
  });
});
