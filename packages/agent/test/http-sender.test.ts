import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { createBatch } from '@cloudsage/node';
import { emptyDropCounts } from '@cloudsage/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentSender } from '../src/ship/http-sender.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A real ingest endpoint that answers 503 to the first request and 202 after; keeps every body. */
function flakyIngest(): Promise<{ url: string; bodies: Buffer[]; keys: string[] }> {
  const bodies: Buffer[] = [];
  const keys: string[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      keys.push(String(req.headers['idempotency-key']));
      res.writeHead(bodies.length === 1 ? 503 : 202, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, bodies, keys }),
    ),
  );
}

describe('the ingest sender', () => {
  it('sends gzip NDJSON at level 1, and a retry the very same body under the same key', async () => {
    const ingest = await flakyIngest();
    const sender = createAgentSender({ endpoint: ingest.url, apiKey: 'csk_test' });
    const lines = ['{"level":30,"msg":"a"}', '{"time":"2026-01-01T00:00:00.000Z","level":"info","msg":"b"}'];
    const batch = createBatch('run-0', lines, 80, emptyDropCounts());
    const signal = new AbortController().signal;
    expect((await sender.send(batch, { signal })).kind).toBe('retryable');
    expect(await sender.send(batch, { signal })).toEqual({ kind: 'sent', status: 202 });
    await sender.close?.();
    expect(ingest.keys).toEqual(['run-0', 'run-0']);
    const [first, second] = ingest.bodies as [Buffer, Buffer];
    expect(gunzipSync(first).toString()).toBe(`${lines.join('\n')}\n`);
    expect(second.equals(first)).toBe(true);
    // RFC 1952: the XFL byte of the gzip header is 4 when the fastest compression was used.
    expect(first[8]).toBe(4);
  });
});
