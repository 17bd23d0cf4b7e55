// @cloudsage/pino as pino's worker-thread transport, against the real backend. Each case runs a small
// app in a child process (pino's transport blocks the app's thread at exit until the worker is done,
// so the backend must live elsewhere) and reads the records back through the read API.
import { randomUUID } from 'node:crypto';
import type { LogRecord } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type FlakyProxy, startBackend, startFlakyProxy } from './support/backend.js';
import { runApp } from './support/run-app.js';

const APP = new URL('./fixtures/app.mjs', import.meta.url);

let backend: Backend;
beforeAll(async () => {
  backend = await startBackend();
});
afterAll(async () => {
  await backend?.close();
});

async function recordsOf(run: string): Promise<LogRecord[]> {
  return (await backend.logs()).filter((r) => r.attributes?.run === run);
}

function byMsg(records: LogRecord[], msg: string): LogRecord {
  const found = records.find((r) => r.msg === msg);
  if (!found) throw new Error(`no record "${msg}" among ${records.map((r) => r.msg).join(', ')}`);
  return found;
}

async function run(scenario: string, endpoint: string, extra: Record<string, unknown> = {}, env = {}) {
  const id = randomUUID();
  // No batch leaves on its own timer (unless a test says so): only the exit handling can deliver.
  const options = { endpoint, apiKey: backend.ingestKey, batch: { maxWaitMs: 600_000 }, ...extra };
  const exit = await runApp(APP, scenario, { RUN_ID: id, CLOUDSAGE_OPTIONS: JSON.stringify(options), ...env });
  return { id, exit };
}

describe("pino({ transport: { target: '@cloudsage/pino' } })", () => {
  it('delivers every level, child bindings, errors, serializers, redaction and trace ids at a plain exit', async () => {
    const { id, exit } = await run('all', backend.url);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    const records = await recordsOf(id);
    expect(records).toHaveLength(14);

    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
      expect(byMsg(records, `level ${level}`).level).toBe(level);
    }
    expect(byMsg(records, 'from child').attributes).toMatchObject({ reqId: 'req-1' });
    expect(byMsg(records, 'from grandchild')).toMatchObject({ level: 'warn', attributes: { reqId: 'req-1', step: 2 } });

    const failed = byMsg(records, 'payment error');
    expect(failed.level).toBe('error');
    const err = failed.attributes?.err as { type: string; message: string; stack: string };
    expect(err.type).toBe('Error');
    expect(err.message).toContain('charge failed');
    expect(err.stack).toMatch(/^Error: charge failed\n\s+at /);
    expect(err.stack).toContain('caused by: Error: card declined');

    // The app's serializer ran: the password never left the process.
    expect(byMsg(records, 'serialized user').attributes?.user).toEqual({ id: 7, plan: 'pro' });
    // pino's own redaction, then the client's default patterns (email, API key) on the line.
    expect(byMsg(records, 'pino redaction').attributes?.card).toEqual({ number: '[pino-censored]', brand: 'visa' });
    expect(byMsg(records, 'mail from [REDACTED] with key [REDACTED]')).toBeDefined();

    expect(byMsg(records, 'inside a span')).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
    });
    const outside = byMsg(records, 'outside a span');
    expect(outside.traceId).toBeUndefined();
    expect(outside.spanId).toBeUndefined();
  });

  it('works as one of pino.transport({ targets }), honouring the target level', async () => {
    const { id, exit } = await run('targets', backend.url);
    expect(exit.code).toBe(0);
    const records = await recordsOf(id);
    expect(records.map((r) => `${r.level} ${r.msg}`).sort()).toEqual(['error via targets too', 'info via targets']);
  });

  it('delivers what was logged right before process.exit(), without a flush', async () => {
    const { id, exit } = await run('hard-exit', backend.url);
    expect(exit.code).toBe(3);
    const seqs = (await recordsOf(id)).map((r) => r.attributes?.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('says on stderr, as a coded warning, when the backend refuses the batches (a wrong key)', async () => {
    const started = Date.now();
    const { id, exit } = await run('bad-key', backend.url, { apiKey: 'csk_not_a_real_key' });
    expect(exit.code).toBe(0);
    // Said when the key was refused (which setting to fix), and again at exit (what was lost).
    expect(exit.stderr).toMatch(
      /\[CLOUDSAGE_INGEST_UNAUTHORIZED\] CloudSageWarning: the backend refused the API key: set apiKey .*\(HTTP 401/,
    );
    expect(exit.stderr).toMatch(/\[CLOUDSAGE_INGEST_UNAUTHORIZED\] CloudSageWarning: .*gave up 1 record\(s\)/);
    // The exit does not wait out the flush deadline for a batch that only a new key can deliver.
    expect(Date.now() - started).toBeLessThan(8000);
    expect(await recordsOf(id)).toEqual([]);
  });

  it('says once on stderr that the key is missing, and never ends the app with an unhandled error', async () => {
    const { id, exit } = await run('bad-key', backend.url, { apiKey: undefined });
    expect(exit.code).toBe(0);
    expect(
      exit.stderr.match(/\[CLOUDSAGE_INVALID_OPTIONS\] CloudSageWarning: @cloudsage\/pino: .*apiKey/g),
    ).toHaveLength(1);
    expect(exit.stderr).not.toContain('Unhandled');
    expect(await recordsOf(id)).toEqual([]);
  });

  it('holds a burst bigger than its buffer back in pino until batches have left, instead of dropping it', async () => {
    // About 110 bytes a record: 20,000 of them are some thirty times the smallest buffer allowed (64 KiB).
    const count = 20_000;
    const { id, exit } = await run(
      'burst',
      backend.url,
      { maxBufferBytes: 64 * 1024, batch: { maxRecords: 250, maxWaitMs: 600_000 } },
      { COUNT: String(count) },
    );
    expect(exit.code).toBe(0);
    expect(exit.stderr).not.toContain('BUFFER_OVERFLOW');
    const seqs = (await recordsOf(id)).map((r) => r.attributes?.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  describe('while the backend answers 429 and 503', () => {
    let proxy: FlakyProxy;
    beforeAll(async () => {
      proxy = await startFlakyProxy(backend.url, [429, 503, 'lost-ack', 429, 503, 'lost-ack']);
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it('retries until every record of a burst is stored exactly once', async () => {
      const count = 3000;
      const { id, exit } = await run(
        'burst',
        proxy.url,
        { batch: { maxRecords: 250, maxWaitMs: 600_000 }, retry: { retries: 10, minDelayMs: 1, maxDelayMs: 20 } },
        { COUNT: String(count) },
      );
      expect(exit.code).toBe(0);
      expect(proxy.refused).toBe(6);
      const seqs = (await recordsOf(id)).map((r) => r.attributes?.seq as number).sort((a, b) => a - b);
      // Nothing lost, nothing twice: the Idempotency-Key of a retried batch stays the same.
      expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
      expect(proxy.posts).toBeGreaterThanOrEqual(count / 250 + 6);
    });
  });
});
