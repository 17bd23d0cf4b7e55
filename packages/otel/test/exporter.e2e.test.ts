// @cloudsage/otel with the real OpenTelemetry logs SDK against the real backend, read back through the
// read API.
import { randomUUID } from 'node:crypto';
import type { LogRecord } from '@cloudsage/schema';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudSageLogRecordExporter, type CloudSageOtelOptions } from '../src/index.js';
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

function exporterFor(extra: Partial<CloudSageOtelOptions> = {}, endpoint = backend.url) {
  return new CloudSageLogRecordExporter({ endpoint, apiKey: backend.ingestKey, exitHooks: false, ...extra });
}

const SEVERITIES = [
  [SeverityNumber.TRACE, 'trace'],
  [SeverityNumber.DEBUG2, 'debug'],
  [SeverityNumber.INFO, 'info'],
  [SeverityNumber.WARN3, 'warn'],
  [SeverityNumber.ERROR, 'error'],
  [SeverityNumber.FATAL4, 'fatal'],
] as const;

describe('CloudSageLogRecordExporter', () => {
  it('ships every severity with resource, scopes, attributes, exceptions, redaction and trace ids (BatchLogRecordProcessor)', async () => {
    const run = randomUUID();
    const exporter = exporterFor();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({
        'service.name': 'checkout',
        'host.name': 'web-1',
        'service.version': '1.2.3',
      }),
      processors: [new BatchLogRecordProcessor({ exporter })],
    });
    const payments = provider.getLogger('payments', '2.0.0');
    const http = provider.getLogger('http');
    for (const [severityNumber, name] of SEVERITIES) {
      payments.emit({
        severityNumber,
        severityText: name.toUpperCase(),
        body: `severity ${name}`,
        attributes: { run },
      });
    }
    http.emit({
      severityNumber: SeverityNumber.INFO,
      body: 'GET /cart',
      attributes: { run, 'http.status': 200, ms: 12 },
    });

    const err = new Error('charge failed', { cause: new Error('card declined') });
    payments.emit({
      severityNumber: SeverityNumber.ERROR,
      body: 'payment error',
      attributes: {
        run,
        'exception.type': err.name,
        'exception.message': err.message,
        'exception.stacktrace': `${err.stack}\nCaused by: ${(err.cause as Error).stack}`,
      },
    });
    payments.emit({ body: 'user signed in', attributes: { run, password: 'hunter2', email: 'ada@example.com' } });
    payments.emit({ body: { event: 'cart.updated', items: 3 }, eventName: 'cart.updated', attributes: { run } });
    const sc = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    context.with(trace.setSpanContext(ROOT_CONTEXT, sc), () =>
      payments.emit({ body: 'inside a span', attributes: { run } }),
    );
    payments.emit({ body: 'outside a span', attributes: { run } });
    await provider.forceFlush();

    const records = await recordsOf(run);
    expect(records).toHaveLength(SEVERITIES.length + 6);
    for (const [, name] of SEVERITIES) {
      expect(byMsg(records, `severity ${name}`)).toMatchObject({ level: name, service: 'checkout', host: 'web-1' });
    }
    expect(byMsg(records, 'severity info').attributes).toMatchObject({
      'otel.scope': 'payments',
      'otel.severityText': 'INFO',
    });
    expect(byMsg(records, 'GET /cart').attributes).toMatchObject({ 'otel.scope': 'http', 'http.status': 200, ms: 12 });

    const failed = byMsg(records, 'payment error');
    expect(failed.level).toBe('error');
    expect(failed.attributes?.['exception.stacktrace']).toMatch(/^Error: charge failed\n\s+at /);
    expect(failed.attributes?.['exception.stacktrace']).toContain('Caused by: Error: card declined');

    expect(byMsg(records, 'user signed in').attributes).toMatchObject({ password: '[REDACTED]', email: '[REDACTED]' });
    expect(byMsg(records, 'cart.updated').attributes).toMatchObject({
      eventName: 'cart.updated',
      'otel.body': { event: 'cart.updated', items: 3 },
    });
    expect(byMsg(records, 'inside a span')).toMatchObject({ traceId: sc.traceId, spanId: sc.spanId });
    expect(byMsg(records, 'outside a span').traceId).toBeUndefined();
    await provider.shutdown();
  });

  it('answers SUCCESS, FAILED after shutdown, and with waitForDelivery FAILED when a batch is not delivered', async () => {
    const run = randomUUID();
    // Real SDK records, captured by the SDK's own in-memory exporter, then handed to ours as a processor would.
    const memory = new InMemoryLogRecordExporter();
    const logger = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: memory })] }).getLogger(
      'results',
    );
    for (const body of ['delivered', 'never delivered', 'after shutdown']) logger.emit({ body, attributes: { run } });
    const [delivered, lost, late] = memory.getFinishedLogRecords();
    const exportOne = (exporter: CloudSageLogRecordExporter, record: typeof delivered) =>
      new Promise<ExportResult>((resolve) => exporter.export([record as NonNullable<typeof record>], resolve));

    const exporter = exporterFor({ waitForDelivery: true });
    const unreachable = exporterFor({ waitForDelivery: true, retry: false, onError: () => {} }, 'http://127.0.0.1:9');
    const results = [await exportOne(exporter, delivered), await exportOne(unreachable, lost)];
    await exporter.shutdown();
    results.push(await exportOne(exporter, late));

    expect(results.map((r) => r.code)).toEqual([
      ExportResultCode.SUCCESS,
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
    ]);
    expect(results[1]?.error).toMatchObject({ code: 'batch_failed' });
    expect(results[2]?.error).toMatchObject({ code: 'closed' });
    expect((await recordsOf(run)).map((r) => r.msg)).toEqual(['delivered']);
    await unreachable.shutdown();
  });

  describe('while the backend answers 429 and 503', () => {
    let proxy: FlakyProxy;
    beforeAll(async () => {
      proxy = await startFlakyProxy(backend.url, [503, 'lost-ack', 429, 503, 429, 'lost-ack']);
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it('retries until every record is stored exactly once', async () => {
      const run = randomUUID();
      const count = 2000;
      const exporter = exporterFor(
        { batch: { maxRecords: 200 }, retry: { retries: 10, minDelayMs: 1, maxDelayMs: 20 } },
        proxy.url,
      );
      const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
      const logger = provider.getLogger('burst');
      for (let seq = 0; seq < count; seq++) logger.emit({ body: 'burst', attributes: { run, seq } });
      await provider.shutdown();
      expect(proxy.refused).toBe(6);
      const seqs = (await recordsOf(run)).map((r) => r.attributes?.seq as number).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
    });
  });

  it('delivers at process exit without a flush or shutdown (SimpleLogRecordProcessor, child process)', async () => {
    const run = randomUUID();
    // No batch leaves on its own timer: only the client's exit hook can deliver these records.
    const options = JSON.stringify({ endpoint: backend.url, apiKey: backend.ingestKey, batch: { maxWaitMs: 600_000 } });
    const exit = await runApp(new URL('./fixtures/app.mjs', import.meta.url), 'exit', {
      RUN_ID: run,
      CLOUDSAGE_OPTIONS: options,
    });
    expect(exit.code).toBe(0);
    const seqs = (await recordsOf(run)).map((r) => r.attributes?.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });
});
