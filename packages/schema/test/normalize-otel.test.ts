import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogRecord, normalizeRecord } from '../src/index.js';

const RECEIVED = new Date('2030-01-01T00:00:00.000Z');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const AT = new Date('2026-03-04T05:06:07.089Z');

function ok(input: unknown) {
  const r = normalizeRecord(input, RECEIVED);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  expect(LogRecord.parse(r.record)).toEqual(r.record);
  return r.record;
}

let records: ReadableLogRecord[] = [];
let provider: LoggerProvider;

beforeAll(async () => {
  const exporter = new InMemoryLogRecordExporter();
  provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': 'orders',
      'host.name': 'node-4',
      'deployment.environment': 'prod',
    }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('orders-scope', '1.2.3');
  // A non-recording span carrying a remote trace context, made active the way app code does.
  const spanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED };
  const active = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(spanContext));
  context.with(active, () => {
    // No context manager is registered in this test, so the context is also passed explicitly.
    logger.emit({
      timestamp: AT,
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: 'payment failed',
      attributes: { 'http.status_code': 502, retry: true, 'order.id': 'o-17' },
      context: active,
    });
  });
  logger.emit({
    timestamp: AT,
    severityNumber: SeverityNumber.WARN2,
    body: { event: 'cart', items: 3 },
    eventName: 'cart.updated',
  });
  logger.emit({ timestamp: AT, severityText: 'debug', body: 'only text' });
  logger.emit({ timestamp: AT, body: 'no severity at all' });
  logger.emit({ timestamp: AT, severityNumber: SeverityNumber.FATAL4, severityText: 'FATAL4', body: 'disk gone' });
  await provider.forceFlush();
  records = [...exporter.getFinishedLogRecords()];
});

afterAll(async () => {
  await provider.shutdown();
});

describe('OpenTelemetry SDK ReadableLogRecord', () => {
  it('exported all five records', () => {
    expect(records).toHaveLength(5);
  });

  it('maps severity, body, time, resource and trace context', () => {
    const r = ok(records[0]);
    expect(r).toEqual({
      time: AT.toISOString(),
      level: 'error',
      msg: 'payment failed',
      service: 'orders',
      host: 'node-4',
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      attributes: { 'http.status_code': 502, retry: true, 'order.id': 'o-17' },
    });
  });

  it('does not leak the SDK record internals into attributes', () => {
    for (const rec of records) {
      const keys = Object.keys(ok(rec).attributes ?? {});
      expect(keys.filter((k) => k.startsWith('_'))).toEqual([]);
    }
  });

  it('writes an object body as JSON and keeps the event name', () => {
    const r = ok(records[1]);
    expect(r.level).toBe('warn');
    expect(JSON.parse(r.msg)).toEqual({ event: 'cart', items: 3 });
    expect(r.attributes).toEqual({ eventName: 'cart.updated' });
    expect(r.traceId).toBeUndefined();
  });

  it('falls back to severityText, then to info', () => {
    expect(ok(records[2]).level).toBe('debug');
    const none = ok(records[3]);
    expect(none.level).toBe('info');
    expect(none.attributes).toBeUndefined();
    expect(ok(records[4]).level).toBe('fatal');
  });
});

describe('OTLP JSON (JsonLogsSerializer of @opentelemetry/otlp-transformer)', () => {
  type OtlpBody = {
    resourceLogs: { resource: unknown; scopeLogs: { logRecords: Record<string, unknown>[] }[] }[];
  };
  const otlp = () => JSON.parse(new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records))) as OtlpBody;
  // The resource sits once per resourceLogs; a receiver hands it to each record, as /v1/logs does.
  const flatten = (body: OtlpBody) =>
    body.resourceLogs.flatMap((rl) =>
      rl.scopeLogs.flatMap((sl) =>
        sl.logRecords.map((lr): Record<string, unknown> => ({ ...lr, resource: rl.resource })),
      ),
    );

  it('normalizes the wire encoding to the same records as the SDK objects', () => {
    const wire = flatten(otlp());
    expect(wire).toHaveLength(records.length);
    expect(wire[0]?.timeUnixNano).toBe(`${AT.getTime()}000000`);
    expect(wire[0]?.body).toEqual({ stringValue: 'payment failed' });
    expect(wire.map((w) => ok(w))).toEqual(records.map((rec) => ok(rec)));
  });

  it('reads hex trace ids, AnyValue attributes and kvlist bodies', () => {
    const [first, second] = flatten(otlp()).map((w) => ok(w));
    expect(first?.traceId).toBe(TRACE_ID);
    expect(first?.spanId).toBe(SPAN_ID);
    expect(first?.attributes?.['http.status_code']).toBe(502);
    expect(JSON.parse(second?.msg ?? '')).toEqual({ event: 'cart', items: 3 });
  });

  it('uses observedTimeUnixNano when timeUnixNano is 0 (unknown)', () => {
    const r = ok({
      timeUnixNano: '0',
      observedTimeUnixNano: '1767225600123000000',
      severityNumber: 9,
      body: { stringValue: 'observed only' },
    });
    expect(r.time).toBe('2026-01-01T00:00:00.123Z');
    expect(r.attributes).toBeUndefined();
  });

  it('ignores all-zero trace ids and maps severity ranges', () => {
    const r = ok({
      timeUnixNano: '1767225600000000000',
      severityNumber: 1,
      traceId: '00000000000000000000000000000000',
      spanId: '0000000000000000',
      body: { stringValue: 'x' },
    });
    expect(r.traceId).toBeUndefined();
    expect(r.spanId).toBeUndefined();
    const levels = [1, 5, 9, 13, 17, 21, 24].map(
      (severityNumber) => ok({ timeUnixNano: '1767225600000000000', severityNumber, body: { stringValue: 'x' } }).level,
    );
    expect(levels).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'fatal']);
  });

  it('reads arrayValue, int64 strings and nested kvlists in attributes', () => {
    const r = ok({
      timeUnixNano: '1767225600000000000',
      severityText: 'WARN',
      body: { stringValue: 'retrying' },
      attributes: [
        { key: 'attempts', value: { intValue: '3' } },
        { key: 'hosts', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
        { key: 'http', value: { kvlistValue: { values: [{ key: 'method', value: { stringValue: 'GET' } }] } } },
        { key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } } },
      ],
    });
    expect(r.level).toBe('warn');
    expect(r.attributes).toEqual({ attempts: 3, hosts: ['a', 'b'], http: { method: 'GET' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
