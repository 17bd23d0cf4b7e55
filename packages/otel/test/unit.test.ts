import { CloudSageError, InMemorySink } from '@cloudsage/node';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CloudSageLogRecordExporter, levelOf, toRecord } from '../src/index.js';
import { resolveOtelOptions } from '../src/options.js';

/** Real SDK records, as a processor would hand them over. */
function sdkRecords(
  attributes: Record<string, string>,
  emit: Parameters<ReturnType<LoggerProvider['getLogger']>['emit']>[0][],
) {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(attributes),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('unit');
  for (const e of emit) logger.emit(e);
  return memory.getFinishedLogRecords() as ReadableLogRecord[];
}

describe('levelOf()', () => {
  it('maps severity numbers by range, then severity text, then info', () => {
    expect([1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24].map((n) => levelOf(n, undefined))).toEqual([
      'trace',
      'trace',
      'debug',
      'debug',
      'info',
      'info',
      'warn',
      'warn',
      'error',
      'error',
      'fatal',
      'fatal',
    ]);
    expect(levelOf(0, 'WARN2')).toBe('warn');
    expect(levelOf(undefined, 'critical')).toBe('fatal');
    expect(levelOf(undefined, 'loud')).toBe('info');
  });
});

describe('toRecord()', () => {
  it('maps service.name and host.name, and copies the rest of the resource only when asked', () => {
    const [record] = sdkRecords({ 'service.name': 'api', 'host.name': 'h1', 'deployment.environment': 'prod' }, [
      { severityNumber: SeverityNumber.ERROR, body: 'x' },
    ]);
    expect(toRecord(record!)).toMatchObject({
      level: 'error',
      msg: 'x',
      service: 'api',
      host: 'h1',
      'otel.scope': 'unit',
    });
    expect(toRecord(record!)).not.toHaveProperty('resource');
    expect(toRecord(record!, { includeResource: true }).resource).toMatchObject({ 'deployment.environment': 'prod' });
  });

  it('leaves the SDK’s unknown_service name out so the client’s `service` option applies', async () => {
    const [record] = sdkRecords({ 'service.name': 'unknown_service:node' }, [{ body: 'x' }]);
    expect(toRecord(record!)).not.toHaveProperty('service');
    const sink = new InMemorySink();
    const exporter = new CloudSageLogRecordExporter({ transport: sink, exitHooks: false, service: 'fallback' });
    exporter.export([record!], () => {});
    await exporter.forceFlush();
    expect(sink.records[0]).toMatchObject({ service: 'fallback', msg: 'x' });
  });
});

describe('CloudSageLogRecordExporter', () => {
  it('waits for buffer room instead of dropping when an export is larger than the buffer', async () => {
    const sink = new InMemorySink();
    const exporter = new CloudSageLogRecordExporter({
      transport: sink,
      exitHooks: false,
      maxBufferRecords: 2,
      batch: { maxRecords: 1000, maxWaitMs: 600_000 },
      onError: () => {},
      stderr: { write: () => true },
    });
    const records = sdkRecords({}, [{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    const result = await new Promise<ExportResult>((resolve) => exporter.export(records, resolve));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect(sink.records.map((r) => r.msg)).toEqual(['a', 'b', 'c']);
  });

  it('answers FAILED buffer_overflow when the bounded buffer had to drop (a backend that settles nothing)', async () => {
    // A clock whose timers the test fires by hand.
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const clock = {
      now: () => 0,
      setTimeout: (fn: () => void, ms: number) => timers.push({ fn, ms }),
      clearTimeout: () => {},
    };
    const sink = new InMemorySink();
    const exporter = new CloudSageLogRecordExporter({
      // The first batch never settles: the wait for room gives up after 5 s and the buffer drops.
      transport: { send: (batch) => (sink.attempts++ === 0 ? new Promise(() => {}) : sink.send(batch)) },
      exitHooks: false,
      maxBufferRecords: 2,
      concurrency: 1,
      batch: { maxRecords: 2, maxWaitMs: 600_000 },
      onError: () => {},
      stderr: { write: () => true },
      clock,
    });
    const records = sdkRecords({}, [{ body: 'a' }, { body: 'b' }, { body: 'c' }, { body: 'd' }, { body: 'e' }]);
    const answer = new Promise<ExportResult>((resolve) => exporter.export(records, resolve));
    await new Promise((r) => setImmediate(r));
    for (const t of timers.filter((t) => t.ms === 5000)) t.fn();
    const result = await answer;
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ code: 'buffer_overflow' });
    expect(exporter.client.stats().dropped.overflow).toBe(1);
  });

  it('bounds the buffer at 128 MiB (a 300,000-record burst overran the client’s 64 MiB) and 1,000,000 records unless told otherwise', () => {
    expect(resolveOtelOptions({ endpoint: 'http://h', apiKey: 'k' }).client.maxBufferBytes).toBe(128 * 1024 * 1024);
    expect(
      resolveOtelOptions({ endpoint: 'http://h', apiKey: 'k', maxBufferBytes: 65_536 }).client.maxBufferBytes,
    ).toBe(65_536);
    expect(resolveOtelOptions({ endpoint: 'http://h', apiKey: 'k' }).client.maxBufferRecords).toBe(1_000_000);
    expect(resolveOtelOptions({ endpoint: 'http://h', apiKey: 'k', maxBufferRecords: 5 }).client.maxBufferRecords).toBe(
      5,
    );
  });

  it('fails fast on bad options and has the LogRecordExporter shape', () => {
    expect(
      () => new CloudSageLogRecordExporter({ transport: new InMemorySink(), waitForDelivery: 'yes' as never }),
    ).toThrow(/invalid CloudSageLogRecordExporter options: waitForDelivery/);
    expect(() => new CloudSageLogRecordExporter({ endpoint: 'nope', apiKey: 'k' })).toThrow(CloudSageError);
    expectTypeOf<CloudSageLogRecordExporter>().toMatchTypeOf<LogRecordExporter>();
  });
});
