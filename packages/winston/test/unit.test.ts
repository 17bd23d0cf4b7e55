import { CloudSageError, InMemorySink } from '@cloudsage/node';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import winston from 'winston';
import { formattedLine } from '../src/formatted-line.js';
import {
  CloudSageTransport,
  cloudsageTraceFormat,
  type Level,
  type TraceApi,
  toCloudSageLevel,
  toRecord,
} from '../src/index.js';
import { resolveWinstonOptions } from '../src/options.js';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

describe('cloudsageTraceFormat()', () => {
  const SPAN = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
  const fmt = cloudsageTraceFormat();
  const apply = (info: Record<string, unknown>) => fmt.transform({ level: 'info', message: 'x', ...info });

  it('adds the ids of the active span, nothing outside one or for the invalid context', () => {
    expect(context.with(trace.setSpanContext(ROOT_CONTEXT, SPAN), () => apply({}))).toMatchObject({
      traceId: SPAN.traceId,
      spanId: SPAN.spanId,
    });
    expect(apply({})).not.toHaveProperty('traceId');
    const zero = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 };
    expect(context.with(trace.setSpanContext(ROOT_CONTEXT, zero), () => apply({}))).not.toHaveProperty('traceId');
  });

  it('keeps the record when the API throws, and fails fast on bad options', () => {
    const broken = {
      trace: {
        getSpanContext: () => {
          throw new Error('broken');
        },
      },
      context: { active: () => ROOT_CONTEXT },
    } as unknown as TraceApi;
    expect(cloudsageTraceFormat({ api: broken }).transform({ level: 'info', message: 'kept' })).toMatchObject({
      message: 'kept',
    });
    expect(() => cloudsageTraceFormat({ api: {} as TraceApi })).toThrow(CloudSageError);
  });
});

describe('toRecord()', () => {
  it('maps message, the uncolorized level and keeps the original winston level when it differs', () => {
    const info = { level: '\u001b[32mverbose\u001b[39m', message: 'warm', keys: 3, [Symbol.for('level')]: 'verbose' };
    expect(toRecord(info)).toEqual({ level: 'debug', msg: 'warm', 'winston.level': 'verbose', keys: 3 });
    expect(toRecord({ level: 'error', message: 'x', exception: true })).toEqual({ level: 'error', msg: 'x' });
    expect(toCloudSageLevel('emerg')).toBe('fatal');
    expect(toCloudSageLevel('custom')).toBe('info');
    expectTypeOf(toCloudSageLevel).returns.toEqualTypeOf<Level>();
  });
});

describe('formattedLine() (the line json() rendered, shipped without a second serialization)', () => {
  const TIME = '2026-01-01T00:00:00.000Z';
  /** What a logger with `format` hands its transports for `logger.log(level, message, meta)`. */
  function infoOf(format: winston.Logform.Format, level: string, message: string, meta: object = {}) {
    const info = { [Symbol.for('level')]: level, level, message, ...meta };
    return format.transform(info, format.options) as Record<string | symbol, unknown>;
  }

  it('puts time and msg (and service) first, so the record’s own fields of those names, later, win', () => {
    const json = winston.format.json();
    const line = formattedLine(infoOf(json, 'warn', 'slow', { ms: 1200 }), TIME, 'api');
    expect(line?.startsWith(`{"service":"api","time":"${TIME}","msg":"slow",`)).toBe(true);
    expect(JSON.parse(line!)).toEqual({
      service: 'api',
      time: TIME,
      msg: 'slow',
      level: 'warn',
      message: 'slow',
      ms: 1200,
    });
    const own = JSON.parse(
      formattedLine(infoOf(json, 'info', 'm', { service: 'own', time: 5, msg: 'own' }), TIME, 'api')!,
    );
    expect(own).toMatchObject({ service: 'own', time: 5, msg: 'own' });
  });

  it('leaves to toRecord what needs mapping: other formats, winston-only or colorized levels, errors, exceptions', () => {
    const json = winston.format.json();
    expect(formattedLine(infoOf(winston.format.simple(), 'info', 'plain'), TIME)).toBeUndefined();
    expect(formattedLine(infoOf(json, 'verbose', 'v'), TIME)).toBeUndefined();
    const colorized = infoOf(winston.format.combine(winston.format.colorize(), json), 'info', 'c');
    expect(formattedLine(colorized, TIME)).toBeUndefined();
    expect(formattedLine(infoOf(json, 'error', 'e', { err: new Error('x') }), TIME)).toBeUndefined();
    expect(formattedLine(infoOf(json, 'error', 'e', { exception: true }), TIME)).toBeUndefined();
    expect(formattedLine(infoOf(json, 'info', 'ok'), TIME)).toBeDefined();
  });

  it('is what the transport ships for a json() logger, and toRecord still serves path redaction', async () => {
    const sink = new InMemorySink();
    const transport = new CloudSageTransport({ transport: sink, exitHooks: false });
    const logger = winston.createLogger({ transports: [transport] });
    logger.info('fast', { user: { email: 'ada@example.com' } });
    await transport.flush();
    expect(sink.records).toMatchObject([{ msg: 'fast', message: 'fast', user: { email: '[REDACTED]' } }]);
    expect(typeof sink.records[0]?.time).toBe('string');
    await transport.close();

    const byPath = new InMemorySink();
    const redacting = new CloudSageTransport({ transport: byPath, exitHooks: false, redact: { paths: ['user.id'] } });
    const other = winston.createLogger({ transports: [redacting] });
    other.info('mapped', { user: { id: 7 } });
    await redacting.flush();
    expect(byPath.records).toEqual([
      { time: expect.any(String), level: 'info', msg: 'mapped', user: { id: '[REDACTED]' } },
    ]);
    await redacting.close();
  });
});

describe('CloudSageTransport options', () => {
  it('fails fast on bad winston or client options', () => {
    expect(() => new CloudSageTransport({ endpoint: 'http://h', apiKey: 'k', format: {} as never })).toThrow(
      /invalid CloudSageTransport options: format/,
    );
    expect(() => new CloudSageTransport({ endpoint: 'ftp://h', apiKey: 'k' })).toThrow(CloudSageError);
  });

  it('bounds the buffer at 128 MiB (a 300,000-record burst overran the client’s 64 MiB) and 1,000,000 records unless told otherwise', () => {
    expect(resolveWinstonOptions({ endpoint: 'http://h', apiKey: 'k' }).client.maxBufferBytes).toBe(128 * 1024 * 1024);
    expect(
      resolveWinstonOptions({ endpoint: 'http://h', apiKey: 'k', maxBufferBytes: 65_536 }).client.maxBufferBytes,
    ).toBe(65_536);
    expect(resolveWinstonOptions({ endpoint: 'http://h', apiKey: 'k' }).client.maxBufferRecords).toBe(1_000_000);
    expect(
      resolveWinstonOptions({ endpoint: 'http://h', apiKey: 'k', maxBufferRecords: 5 }).client.maxBufferRecords,
    ).toBe(5);
  });

  it('works with the in-memory sink of @cloudsage/node', async () => {
    const sink = new InMemorySink();
    const transport = new CloudSageTransport({ transport: sink, exitHooks: false, service: 'api' });
    const logger = winston.createLogger({ transports: [transport] });
    logger.warn('careful', { n: 1 });
    await transport.flush();
    expect(sink.records).toMatchObject([{ level: 'warn', msg: 'careful', n: 1, service: 'api' }]);
    await transport.close();
  });
});
