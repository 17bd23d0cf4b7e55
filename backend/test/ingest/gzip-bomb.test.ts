import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { decodeBody } from '../../src/services/ingest/decode-body.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { batchCount, createTenant, type Tenant } from './ingest-fixture.js';

const MIB = 1024 * 1024;
// gzip members may be concatenated (RFC 1952 §2.2), so 1,000 copies of one 10 MiB member make a
// ~10 MB body that inflates to 10 GiB, without the test ever compressing 10 GiB.
const MEMBER = gzipSync(Buffer.alloc(10 * MIB, 'a'));
const MEMBERS = 1_000;

const LIMITS = {
  maxBodyBytes: 16 * MIB,
  maxInflatedBytes: 50 * MIB,
  maxBatchRecords: 10_000,
  maxRecordBytes: 256 * 1024,
};

function bombStream(pulled: { bytes: number; peakMemory: number }): Readable {
  const base = process.memoryUsage();
  const baseline = base.heapUsed + base.arrayBuffers;
  let i = 0;
  return new Readable({
    read() {
      const m = process.memoryUsage();
      pulled.peakMemory = Math.max(pulled.peakMemory, m.heapUsed + m.arrayBuffers - baseline);
      if (i++ >= MEMBERS) return this.push(null);
      pulled.bytes += MEMBER.length;
      this.push(MEMBER);
    },
  });
}

describe('gzip bomb', () => {
  it('is cut at the inflated limit after reading a small part of the body, in bounded memory', async () => {
    expect(MEMBER.length * MEMBERS).toBeGreaterThan(9 * 1000 * 1000);
    // A limit well above what the garbage collector lets pile up (a few dozen MB of passed
    // chunks), so holding the inflated body would show as memory that the bound below refuses.
    const limits = { ...LIMITS, maxInflatedBytes: 128 * MIB };
    for (const form of ['ndjson', 'text'] as const) {
      const pulled = { bytes: 0, peakMemory: 0 };
      const error = await decodeBody(bombStream(pulled), form, 'gzip', limits, () => {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('payload_too_large');
      expect((error as AppError).message).toMatch(/decompressed body exceeds 134217728/);
      // 128 MiB inflated is 13 members; zlib and the stream buffers may pull a few more.
      expect(pulled.bytes).toBeLessThan(MEMBER.length * 40);
      // One endless line is kept to 1 MiB; the rest is zlib's 64 KiB chunks, collected as they pass.
      expect(pulled.peakMemory).toBeLessThan(64 * MIB);
    }
  });

  it('a JSON body is cut at the same limit', async () => {
    const pulled = { bytes: 0, peakMemory: 0 };
    const error = await decodeBody(bombStream(pulled), 'json', 'gzip', LIMITS, () => {}).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('payload_too_large');
    expect(pulled.bytes).toBeLessThan(MEMBER.length * 40);
  });
});

describe('gzip bomb over HTTP', () => {
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    t = await startTestApp({ env: { CLOUDSAGE_MAX_BODY_BYTES: String(16 * MIB) } });
    tenant = await createTenant(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 413 and closes the connection without reading the rest', async () => {
    const body = Buffer.concat(Array.from({ length: MEMBERS }, () => MEMBER));
    const answer = await new Promise<{ status: number; text: string; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(`${t.url}/api/ingest`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-ndjson',
            'content-encoding': 'gzip',
            'content-length': String(body.length),
            'x-cloudsage-key': tenant.key,
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection as string | undefined }),
          );
        });
        // The server stops reading and closes: the rest of our write fails, which is the point.
        req.on('error', (err) => {
          if (!req.writableFinished && (err as { code?: string }).code === 'EPIPE') return;
          if ((err as { code?: string }).code === 'ECONNRESET') return;
          reject(err);
        });
        req.end(body);
      },
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error.code).toBe('payload_too_large');
    expect(answer.connection).toBe('close');
    expect(await batchCount(t.app, tenant.projectId)).toBe(0);
  });
});
