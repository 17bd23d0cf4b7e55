import { Writable } from 'node:stream';
import { CloudSage } from '@cloudsage/node';
import { LogsPage } from '@cloudsage/schema';
import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { LoggerProvider, type ReadableLogRecord, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { startTestApp, type TestApp } from '../support/app.js';
import { call, createTenant, storedRecords, type Tenant } from './ingest-fixture.js';

/*
 * End to end: records written by the real pino, winston and OpenTelemetry SDK libraries, shipped
 * by @cloudsage/node (gzip NDJSON, Idempotency-Key, real HTTP) into the real backend, and read
 * back through GET /api/projects/:id/logs and the stored objects.
 */

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** The shape of an OTel SDK log record, as the normalizer reads it, for the client to ship. */
function otelLine(r: ReadableLogRecord): string {
  return JSON.stringify({
    hrTime: r.hrTime,
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    body: r.body,
    attributes: r.attributes,
    spanContext: r.spanContext,
    resource: { attributes: r.resource.attributes },
  });
}

describe('pino, winston and OpenTelemetry through @cloudsage/node into the backend', () => {
  let t: TestApp;
  let tenant: Tenant;
  let client: CloudSage;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t.url);
    client = new CloudSage({
      endpoint: t.url,
      apiKey: tenant.key,
      exitHooks: false,
      batch: { maxRecords: 4, maxWaitMs: 60_000 },
      onError: (err) => {
        throw err;
      },
    });
  });
  afterAll(async () => {
    await client.shutdown({ timeoutMs: 5_000 });
    await t.close();
  });

  it('stores every record with its level, message and fields, readable through the logs API', async () => {
    // pino writes its NDJSON lines to any object with write(); the client takes them as they are.
    const logger = pino(
      { base: { pid: 4242, hostname: 'web-1' } },
      { write: (line: string) => client.writeLine(line) },
    );
    const http = logger.child({ service: 'checkout' });
    http.info(
      { req: { method: 'GET', url: '/cart' }, res: { statusCode: 200 }, responseTime: 12 },
      'request completed',
    );
    http.warn({ duration: 1800 }, 'slow query');
    http.error({ err: new Error('card declined') }, 'payment failed');

    const winstonLogger = winston.createLogger({
      level: 'debug',
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      defaultMeta: { service: 'billing' },
      transports: [
        new winston.transports.Stream({
          stream: new Writable({
            write(chunk: Buffer, _enc, done) {
              client.writeLine(chunk.toString('utf8'));
              done();
            },
          }),
        }),
      ],
    });
    winstonLogger.debug('invoice cache miss', { invoiceId: 'inv_9' });
    winstonLogger.error('invoice render failed', { invoiceId: 'inv_9' });

    const provider = new LoggerProvider({
      processors: [
        new SimpleLogRecordProcessor({
          exporter: {
            export(records, done) {
              for (const r of records) client.writeLine(otelLine(r));
              done({ code: 0 });
            },
            async forceFlush() {},
            async shutdown() {},
          },
        }),
      ],
    });
    const spanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 };
    provider.getLogger('orders').emit({
      severityNumber: SeverityNumber.FATAL,
      severityText: 'FATAL',
      body: 'order store unreachable',
      attributes: { 'db.system': 'postgresql', retries: 3 },
      context: trace.setSpanContext(context.active(), spanContext),
    });
    await provider.forceFlush();
    await new Promise<void>((resolve) => winstonLogger.on('finish', resolve).end());

    const flushed = await client.flush({ timeoutMs: 10_000 });
    expect(flushed).toMatchObject({ dropped: 0, pending: 0 });
    expect(client.stats()).toMatchObject({ sent: 6, failed: 0, buffered: 0 });

    const page = await call(t.url, 'GET', `/api/projects/${tenant.projectId}/logs?limit=100`, {
      headers: { 'x-cloudsage-key': tenant.key },
    });
    expect(page.status).toBe(200);
    const logs = LogsPage.parse(page.body).logs;
    const byMsg = new Map(logs.map((r) => [r.msg, r]));
    expect([...byMsg.keys()].sort()).toEqual(
      [
        'request completed',
        'slow query',
        'payment failed',
        'invoice cache miss',
        'invoice render failed',
        'order store unreachable',
      ].sort(),
    );
    expect(byMsg.get('request completed')).toMatchObject({
      level: 'info',
      host: 'web-1',
      service: 'checkout',
      attributes: { responseTime: 12, res: { statusCode: 200 } },
    });
    expect(byMsg.get('slow query')?.level).toBe('warn');
    const payment = byMsg.get('payment failed');
    expect(payment?.level).toBe('error');
    expect(JSON.stringify(payment?.attributes)).toContain('card declined');
    expect(byMsg.get('invoice cache miss')).toMatchObject({ level: 'debug', service: 'billing' });
    expect(byMsg.get('invoice render failed')).toMatchObject({
      level: 'error',
      attributes: { invoiceId: 'inv_9' },
    });
    expect(byMsg.get('order store unreachable')).toMatchObject({
      level: 'fatal',
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      attributes: { 'db.system': 'postgresql', retries: 3 },
    });

    // The same records sit in the bucket objects the batch rows name, each once.
    const stored = await storedRecords(t.app, tenant.projectId);
    expect(stored.map((r) => r.msg).sort()).toEqual([...byMsg.keys()].sort());
    // Six records in batches of at most four: more than one batch, each with its own key.
    const batches = await t.app.sql.db
      .selectFrom('ingest_batches')
      .select(['idempotency_key'])
      .where('project_id', '=', tenant.projectId)
      .execute();
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(b.idempotency_key).toBeTruthy();
  });
});
