import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { type ClientStats, CloudSage, CloudSageError, type CloudSageOptions } from '../src/index.js';
import { decodeSegment, type SpooledBatch } from '../src/spool/segment-codec.js';
import { eventually, startServer } from './helpers/ingest-server.js';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server | undefined;
let dir: string;
const clients: CloudSage[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cs-spool-client-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.shutdown({ timeoutMs: 100 })));
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function client(errors: CloudSageError[], extra: Partial<CloudSageOptions> = {}): CloudSage {
  const c = new CloudSage({
    endpoint: server!.url,
    apiKey: 'csk_test',
    spoolDir: dir,
    exitHooks: false,
    batch: { maxRecords: 50, maxWaitMs: 5 },
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5, maxRetryTimeMs: 100 },
    onError: (e) => errors.push(e),
    ...extra,
  });
  clients.push(c);
  return c;
}

const ids = (s: Server) => s.batches.flatMap((b) => b.records.map((r) => r.i as number));
const segments = () => readdirSync(dir).filter((n) => n.endsWith('.seg'));

describe('spoolDir in the client', () => {
  it('spools a batch the backend refuses with 503 past the retry budget, and the next start sends it once with its key', async () => {
    server = await startServer(() => ({ status: 503, headers: { 'retry-after': '0' } }));
    const errors: CloudSageError[] = [];
    const first = client(errors);
    for (let i = 0; i < 120; i++) first.info('r', { i });
    const result = await first.flush();
    expect(result).toMatchObject({ sent: 0, dropped: 0, pending: 0 });
    expect(first.stats()).toMatchObject({ spooled: 120, failed: 0 });
    expect(errors).toEqual([]);
    const refusedKeys = new Set(server.batches.map((b) => b.headers['idempotency-key']));
    await first.shutdown();
    await server.close();

    server = await startServer();
    const second = client(errors);
    await second.flush();
    expect(second.stats()).toMatchObject({ replayed: 120, sent: 120 });
    expect(ids(server).sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    const resentKeys = server.batches.map((b) => b.headers['idempotency-key']);
    expect(new Set(resentKeys)).toEqual(refusedKeys);
    expect(resentKeys).toHaveLength(refusedKeys.size);
    expect(segments()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('does not spool what retrying cannot fix (400): that batch is given up and reported', async () => {
    server = await startServer(() => ({ status: 400, body: { error: { code: 'invalid_body', message: 'no' } } }));
    const errors: CloudSageError[] = [];
    const c = client(errors);
    c.info('r', { i: 1 });
    await c.flush();
    expect(c.stats()).toMatchObject({ spooled: 0, failed: 1 });
    expect(errors.map((e) => e.code)).toEqual(['batch_failed']);
    expect(segments()).toEqual([]);
  });

  it('shutdown with the backend down spools what is still buffered or in flight', async () => {
    server = await startServer(() => ({ hang: true }));
    const errors: CloudSageError[] = [];
    const c = client(errors, { retry: { retries: 50, minDelayMs: 1000, maxRetryTimeMs: 600_000 } });
    for (let i = 0; i < 75; i++) c.info('r', { i });
    await eventually(() => server!.batches.length >= 1, 'a request in flight');
    const result = await c.shutdown({ timeoutMs: 20 });
    expect(result.sent).toBe(0);
    expect(c.stats()).toMatchObject({ spooled: 75, failed: 0 });
    expect(errors).toEqual([]);
    expect(segments().length).toBeGreaterThan(0);
  });

  it('skips a corrupt segment with spool_corrupt through onError and sends the rest', async () => {
    server = await startServer(() => ({ status: 503 }));
    const errors: CloudSageError[] = [];
    const first = client(errors);
    for (let i = 0; i < 100; i++) first.info('r', { i });
    await first.flush();
    await first.shutdown();
    const [bad, good] = segments().sort() as [string, string];
    expect(good).toBeDefined();
    const bytes = readFileSync(join(dir, bad));
    const lost = new Set((decodeSegment(bytes) as { batch: SpooledBatch }).batch.lines.map((l) => JSON.parse(l).i));
    expect(lost.size).toBe(50);
    writeFileSync(join(dir, bad), bytes.subarray(0, bytes.length >> 1));
    await server.close();

    server = await startServer();
    const second = client(errors);
    second.info('after', { i: 1000 });
    await second.flush();
    expect(errors.map((e) => e.code)).toEqual(['spool_corrupt']);
    expect(errors[0]?.message).toContain(bad);
    const kept = Array.from({ length: 100 }, (_, i) => i).filter((i) => !lost.has(i));
    expect(ids(server).sort((a, b) => a - b)).toEqual([...kept, 1000]);
    expect(segments()).toEqual([]);
  });

  it('a long-lived client re-sends its spool once the backend is back, without a restart', async () => {
    let down = true;
    server = await startServer(() => (down ? { status: 503 } : undefined));
    const errors: CloudSageError[] = [];
    const c = client(errors, { spool: { retryIntervalMs: 10 } });
    for (let i = 0; i < 30; i++) c.info('r', { i });
    await c.flush();
    expect(c.stats().spooled).toBe(30);
    const refused = server.batches.length;
    down = false;
    await eventually(() => c.stats().replayed === 30, 'the spool re-sent');
    expect(server.batches.slice(refused).flatMap((b) => b.records.map((r) => r.i))).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
    expect(errors).toEqual([]);
  });

  it('validates the spool options: the age cap stays inside the 24 h idempotency window', () => {
    const base = { endpoint: 'http://127.0.0.1:1', apiKey: 'csk_x', exitHooks: false as const, spoolDir: dir };
    expect(() => new CloudSage({ ...base, spool: { maxAgeMs: 24 * 3_600_000 } })).toThrow(CloudSageError);
    expect(() => new CloudSage({ ...base, spool: { maxBytes: 1024 } })).toThrow(/spool\.maxBytes/);
    expect(() => new CloudSage({ ...base, spoolDir: '' })).toThrow(/spoolDir/);
    expectTypeOf<CloudSageOptions['spoolDir']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<CloudSageOptions['spool']>>().toEqualTypeOf<{
      maxBytes?: number;
      maxAgeMs?: number;
      retryIntervalMs?: number;
    }>();
    expectTypeOf<ClientStats['spooled']>().toEqualTypeOf<number>();
    expectTypeOf<ClientStats['replayed']>().toEqualTypeOf<number>();
  });
});
