// @cloudsage/winston with the real winston against the real backend, read back through the read API.
import { randomUUID } from 'node:crypto';
import type { LogRecord } from '@cloudsage/schema';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { CloudSageTransport, type CloudSageWinstonOptions, cloudsageTraceFormat } from '../src/index.js';
import { type Backend, type FlakyProxy, runApp, startBackend, startFlakyProxy } from './support/harness.js';

let backend: Backend;
beforeAll(async () => {
  backend = await startBackend();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  context.disable();
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

/** `logger.end()` and its 'finish': winston's way to wait for every transport. */
function endLogger(logger: winston.Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
  });
}

function transportFor(extra: Partial<CloudSageWinstonOptions> = {}, endpoint = backend.url) {
  return new CloudSageTransport({ endpoint, apiKey: backend.ingestKey, exitHooks: false, ...extra });
}

describe('CloudSageTransport', () => {
  it('ships every level, child metadata, errors with stack and cause, formats, redaction and trace ids; end() waits', async () => {
    const run = randomUUID();
    const transport = transportFor({
      redact: { paths: ['card.number'] },
      // A per-transport format plays the part of a serializer: the password never reaches the client.
      format: winston.format((info) => {
        if (info.user && typeof info.user === 'object') info.user = { id: (info.user as { id: number }).id };
        return info;
      })(),
    });
    const logger = winston.createLogger({
      level: 'silly',
      defaultMeta: { run },
      format: winston.format.combine(
        cloudsageTraceFormat(),
        winston.format.errors({ stack: true }),
        winston.format.timestamp(),
        winston.format.json(),
      ),
      transports: [transport],
    });
    const npmLevels = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
    for (const level of npmLevels) logger.log(level, `level ${level}`);
    const child = logger.child({ reqId: 'req-1' });
    child.info('from child');
    child.child({ step: 2 }).warn('from grandchild');
    logger.error('payment error', new Error('charge failed', { cause: new Error('card declined') }));
    logger.info('serialized user', { user: { id: 7, password: 'hunter2' } });
    logger.info('path redaction', { card: { number: '4000 0000 0000 0002', brand: 'visa' } });
    logger.info('mail from ada@example.com with key csk_live_0123456789abcdef');
    const sc = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    context.with(trace.setSpanContext(ROOT_CONTEXT, sc), () => logger.info('inside a span'));
    logger.info('outside a span');
    await endLogger(logger);

    const records = await recordsOf(run);
    expect(records).toHaveLength(npmLevels.length + 8);
    const expected = {
      error: 'error',
      warn: 'warn',
      info: 'info',
      http: 'info',
      verbose: 'debug',
      debug: 'debug',
      silly: 'trace',
    };
    for (const [winstonLevel, level] of Object.entries(expected)) {
      const record = byMsg(records, `level ${winstonLevel}`);
      expect(record.level).toBe(level);
      if (winstonLevel !== level) expect(record.attributes?.['winston.level']).toBe(winstonLevel);
    }
    expect(byMsg(records, 'from child').attributes).toMatchObject({ reqId: 'req-1' });
    expect(byMsg(records, 'from grandchild')).toMatchObject({ level: 'warn', attributes: { reqId: 'req-1', step: 2 } });

    const failed = byMsg(records, 'payment error charge failed');
    expect(failed.level).toBe('error');
    expect(failed.attributes?.stack).toMatch(/^Error: charge failed\n\s+at /);
    expect(failed.attributes?.cause).toMatchObject({ type: 'Error', message: 'card declined' });
    expect((failed.attributes?.cause as { stack?: string } | undefined)?.stack).toMatch(
      /^Error: card declined\n\s+at /,
    );

    expect(byMsg(records, 'serialized user').attributes?.user).toEqual({ id: 7 });
    expect(byMsg(records, 'path redaction').attributes?.card).toEqual({ number: '[REDACTED]', brand: 'visa' });
    expect(byMsg(records, 'mail from [REDACTED] with key [REDACTED]')).toBeDefined();
    expect(byMsg(records, 'inside a span')).toMatchObject({ traceId: sc.traceId, spanId: sc.spanId });
    expect(byMsg(records, 'outside a span').traceId).toBeUndefined();
    expect(transport.client.stats()).toMatchObject({ buffered: 0, sent: records.length });
  });

  it('honours its own level and silent, and emits logged for what it ships', async () => {
    const run = randomUUID();
    const warnOnly = transportFor({ level: 'warn' });
    const silent = transportFor({ silent: true });
    const logged: string[] = [];
    warnOnly.on('logged', (info: { message: string }) => logged.push(info.message));
    const logger = winston.createLogger({ level: 'debug', defaultMeta: { run }, transports: [warnOnly, silent] });
    logger.debug('too low');
    logger.info('still too low');
    logger.warn('shipped');
    logger.error('shipped too');
    await endLogger(logger);
    expect((await recordsOf(run)).map((r) => r.msg).sort()).toEqual(['shipped', 'shipped too']);
    expect(logged).toEqual(['shipped', 'shipped too']);
    expect(silent.client.stats().sent).toBe(0);
  });

  it('flushes on close() when winston removes it', async () => {
    const run = randomUUID();
    const transport = transportFor();
    const logger = winston.createLogger({ defaultMeta: { run }, transports: [transport] });
    for (let seq = 0; seq < 30; seq++) logger.info('then removed', { seq });
    logger.remove(transport);
    expect(await transport.close()).toMatchObject({ pending: 0 });
    expect(await recordsOf(run)).toHaveLength(30);
  });

  describe('while the backend answers 429 and 503', () => {
    let proxy: FlakyProxy;
    beforeAll(async () => {
      proxy = await startFlakyProxy(backend.url, [503, 429, 'lost-ack', 503, 'lost-ack', 429]);
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it('retries until every record is stored exactly once', async () => {
      const run = randomUUID();
      const count = 2000;
      const transport = transportFor(
        { batch: { maxRecords: 200 }, retry: { retries: 10, minDelayMs: 1, maxDelayMs: 20 } },
        proxy.url,
      );
      const logger = winston.createLogger({ defaultMeta: { run }, transports: [transport] });
      for (let seq = 0; seq < count; seq++) logger.info('burst', { seq });
      await endLogger(logger);
      expect(proxy.refused).toBe(6);
      const seqs = (await recordsOf(run)).map((r) => r.attributes?.seq as number).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
    });
  });
});

describe('at process exit, without a flush (child process)', () => {
  const APP = new URL('./fixtures/app.mjs', import.meta.url);
  const start = async (scenario: string) => {
    const run = randomUUID();
    // No batch leaves on its own timer: only the exit handling can deliver these records.
    const options = JSON.stringify({ endpoint: backend.url, apiKey: backend.ingestKey, batch: { maxWaitMs: 600_000 } });
    const exit = await runApp(APP, scenario, { RUN_ID: run, CLOUDSAGE_OPTIONS: options });
    return { run, exit };
  };

  it('delivers when the event loop empties', async () => {
    const { run, exit } = await start('plain-exit');
    expect(exit.code).toBe(0);
    expect(await recordsOf(run)).toHaveLength(20);
  });

  it('delivers the uncaught exception (handleExceptions) before winston exits the process', async () => {
    const { run, exit } = await start('uncaught');
    expect(exit.code).toBe(1);
    const records = await recordsOf(run);
    expect(records).toHaveLength(21);
    const crash = records.find((r) => r.msg.startsWith('uncaughtException: unexpected state'));
    expect(crash?.level).toBe('error');
    expect(crash?.attributes?.error).toMatchObject({ message: 'unexpected state', cause: { message: 'disk full' } });
  });

  it('delivers the unhandled rejection (handleRejections) before winston exits the process', async () => {
    const { run, exit } = await start('rejection');
    expect(exit.code).toBe(1);
    const records = await recordsOf(run);
    expect(records).toHaveLength(21);
    expect(records.some((r) => r.msg.startsWith('unhandledRejection: promise went wrong'))).toBe(true);
  });
});
