import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as HttpJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { batchCount, createTenant, type OtlpTenant, storedRecords } from './otlp-fixture.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** Emits three records through a real LoggerProvider and returns them as the SDK hands them to exporters. */
async function sdkRecords(tag: string): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'host.name': 'web-1',
      'deployment.environment': 'x',
    }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('checkout-logger', '1.2.3');
  const traced = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
  });
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: `${tag} started`,
    attributes: { port: 8080 },
  });
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: `${tag} payment failed`,
    attributes: { 'order.id': 'o-17', retry: true },
    context: traced,
  });
  logger.emit({ severityNumber: SeverityNumber.WARN2, body: { event: `${tag} slow`, ms: 1234 } });
  await provider.forceFlush();
  const records = [...memory.getFinishedLogRecords()];
  await provider.shutdown();
  return records;
}

function exportWith(
  exporter: LogRecordExporter,
  records: ReadableLogRecord[],
): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(records, resolve));
}

describe.each(SQL_DIALECTS)('POST /v1/logs with the stock OpenTelemetry exporters (%s)', (dialect) => {
  let t: TestApp;
  let tenant: OtlpTenant;
  beforeAll(async () => {
    t = await startTestApp({ dialect });
    tenant = await createTenant(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  const exporters = {
    'http/json': (url: string, key: string) =>
      new HttpJsonExporter({ url: `${url}/v1/logs`, headers: { authorization: `Bearer ${key}` } }),
    'http/json gzip': (url: string, key: string) =>
      new HttpJsonExporter({
        url: `${url}/v1/logs`,
        headers: { 'x-cloudsage-key': key },
        compression: 'gzip' as never,
      }),
    'http/protobuf': (url: string, key: string) =>
      new ProtoExporter({ url: `${url}/v1/logs`, headers: { authorization: `Bearer ${key}` } }),
    'http/protobuf gzip': (url: string, key: string) =>
      new ProtoExporter({
        url: `${url}/v1/logs`,
        headers: { authorization: `Bearer ${key}` },
        compression: 'gzip' as never,
      }),
  };

  for (const [name, make] of Object.entries(exporters)) {
    it(`stores every record sent by ${name}, mapped to LogRecord fields`, async () => {
      const before = (await storedRecords(t.app, tenant.projectId)).length;
      const exporter = make(t.url, tenant.key);
      const result = await exportWith(exporter, await sdkRecords(name));
      await exporter.shutdown();
      expect(result.error).toBeUndefined();
      expect(result.code).toBe(0); // ExportResultCode.SUCCESS

      const mine = (await storedRecords(t.app, tenant.projectId)).slice(before);
      expect(mine).toHaveLength(3);
      const byMsg = new Map(mine.map((r) => [r.msg, r]));
      const started = byMsg.get(`${name} started`);
      expect(started).toMatchObject({ level: 'info', service: 'checkout', host: 'web-1' });
      expect(started?.attributes).toMatchObject({
        port: 8080,
        'otel.scope.name': 'checkout-logger',
        'otel.scope.version': '1.2.3',
      });
      expect(Date.parse(started?.time ?? '')).toBeGreaterThan(Date.now() - 60_000);
      const failed = byMsg.get(`${name} payment failed`);
      expect(failed).toMatchObject({ level: 'error', traceId: TRACE_ID, spanId: SPAN_ID });
      expect(failed?.attributes).toMatchObject({ 'order.id': 'o-17', retry: true });
      const slow = mine.find((r) => r.level === 'warn');
      expect(JSON.parse(slow?.msg ?? '{}')).toEqual({ event: `${name} slow`, ms: 1234 });
    });
  }
});

describe('POST /v1/logs back-pressure with a stock exporter', () => {
  it('answers 429 with Retry-After, and the exporter waits and resends once', async () => {
    // Half a second before a minute boundary, so the 429's Retry-After is 1 s.
    let clock = Math.floor(Date.now() / 60_000) * 60_000 + 59_500;
    const t = await startTestApp({ env: { CLOUDSAGE_INGEST_RATE_PER_MIN: '1' }, now: () => clock });
    try {
      const tenant = await createTenant(t.url);
      const statuses: number[] = [];
      let otlpRequests = 0;
      t.app.server.on('request', (req, res) => {
        if (req.url !== '/v1/logs') return;
        otlpRequests++;
        // The third request is the exporter's retry: the minute has passed by then.
        if (otlpRequests === 3) clock += 60_000;
        res.on('finish', () => statuses.push(res.statusCode));
      });
      const warmup = await fetch(`${t.url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` },
        body: JSON.stringify({ resourceLogs: [] }),
      });
      expect(warmup.status).toBe(200);

      const exporter = new ProtoExporter({
        url: `${t.url}/v1/logs`,
        headers: { authorization: `Bearer ${tenant.key}` },
      });
      const result = await exportWith(exporter, await sdkRecords('limited'));
      await exporter.shutdown();
      expect(result.code).toBe(0);
      expect(statuses).toEqual([200, 429, 200]);
      expect(await storedRecords(t.app, tenant.projectId)).toHaveLength(3);
      // The one export that got through: the 429 stored nothing, and the empty warm-up stores no
      // row either (issue #22: an empty batch's row broke log reads).
      expect(await batchCount(t.app, tenant.projectId)).toBe(1);
    } finally {
      await t.close();
    }
  });
});
