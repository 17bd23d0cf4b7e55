import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { readBody } from '../../src/services/ingest/read-body.js';
import { chunksOf } from './chunks.js';

const MIB = 1024 * 1024;
const LIMITS = { maxBodyBytes: 16 * MIB, maxInflatedBytes: 50 * MIB };

const chunked = (buf: Buffer, size: number): Readable => Readable.from(chunksOf(buf, size));

async function read(body: Readable, limits = LIMITS) {
  const out: Buffer[] = [];
  const raw: number[] = [];
  const bytes = await readBody(
    body,
    'gzip',
    limits,
    (c) => out.push(Buffer.from(c)),
    (n) => raw.push(n),
  );
  return { text: Buffer.concat(out), bytes, raw };
}

// Log-like text that compresses about as well as real batches do (several times, not a thousand).
function logText(lines: number): Buffer {
  const rows: string[] = [];
  for (let i = 0; i < lines; i++) rows.push(JSON.stringify({ level: 30, i, id: randomBytes(6).toString('hex') }));
  return Buffer.from(`${rows.join('\n')}\n`);
}

describe('readBody with gzip', () => {
  it('inflates a small body (inflated whole) and a large one (streamed) to the same bytes', async () => {
    for (const lines of [1_000, 20_000]) {
      const text = logText(lines);
      const gz = gzipSync(text);
      // 20,000 lines are several hundred KiB gzip: past the one-call size, so streamed.
      for (const size of [gz.length, 1_000]) {
        const got = await read(chunked(gz, size));
        expect(got.text.equals(text)).toBe(true);
        expect(got.bytes).toEqual({ raw: gz.length, inflated: text.length });
        expect(got.raw.at(-1)).toBe(gz.length);
      }
    }
  });

  it('streams a small body that inflates past what one call may hold, and delivers all of it', async () => {
    const text = Buffer.alloc(10 * MIB, 'a');
    const gz = gzipSync(text);
    expect(gz.length).toBeLessThan(64 * 1024);
    const got = await read(chunked(gz, 4096));
    expect(got.bytes.inflated).toBe(10 * MIB);
    expect(got.text.equals(text)).toBe(true);
  });

  it('cuts a small body at the inflated limit, below and above the one-call size', async () => {
    // 2 MiB inflates in the one call; 10 MiB passes what it may hold and is streamed.
    for (const [size, maxInflatedBytes] of [
      [2 * MIB, MIB],
      [10 * MIB, 8 * MIB],
    ] as const) {
      const gz = gzipSync(Buffer.alloc(size, 'a'));
      const error = await read(chunked(gz, 4096), { ...LIMITS, maxInflatedBytes }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('payload_too_large');
      expect((error as AppError).message).toContain(`decompressed body exceeds ${maxInflatedBytes}`);
    }
  });

  it('cuts the raw body at its limit while the small body is still arriving', async () => {
    const gz = gzipSync(logText(2_000));
    const error = await read(chunked(gz, 1_000), { ...LIMITS, maxBodyBytes: 5_000 }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('payload_too_large');
    expect((error as AppError).message).toContain('request body exceeds 5000');
  });

  it('leaves the request stream open and without its listeners when it stops early', async () => {
    const gz = gzipSync(logText(2_000));
    for (const [maxBodyBytes, size] of [
      [5_000, 1_000], // cut while the small body arrives
      [200_000, 50_000], // cut while streaming (past the one-call size)
    ] as const) {
      const source = new PassThrough();
      const big = Buffer.concat(Array.from({ length: 20 }, () => gz));
      for (let o = 0; o < big.length; o += size) source.write(big.subarray(o, o + size));
      // Never ended: the client is still sending.
      const error = await read(source, { ...LIMITS, maxBodyBytes }).catch((e: unknown) => e);
      expect((error as AppError).code).toBe('payload_too_large');
      await new Promise((r) => setImmediate(r));
      expect(source.destroyed).toBe(false);
      expect(source.listenerCount('readable')).toBe(0);
      source.destroy();
    }
  });

  it('answers invalid_body for corrupt, truncated, empty and trailing-garbage gzip, small or streamed', async () => {
    const small = gzipSync(logText(100));
    const large = gzipSync(logText(20_000));
    const bad = [
      Buffer.from('not gzip at all'),
      small.subarray(0, small.length - 10),
      large.subarray(0, large.length - 10),
      Buffer.concat([small, Buffer.from('xyz')]),
    ];
    for (const body of bad) {
      const error = await read(chunked(body, 8192)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_body');
    }
    const empty = await read(Readable.from([])).catch((e: unknown) => e);
    expect((empty as AppError).code).toBe('invalid_body');
  });
});
