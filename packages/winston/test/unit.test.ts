import { readFileSync } from 'node:fs';
import { CloudSageError, InMemorySink } from '@cloudsage/node';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import winston from 'winston';
import {
  CloudSageTransport,
  cloudsageTraceFormat,
  ERROR_CODES,
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

describe('CloudSageTransport options', () => {
  it('fails fast on bad winston or client options', () => {
    expect(() => new CloudSageTransport({ endpoint: 'http://h', apiKey: 'k', format: {} as never })).toThrow(
      /invalid CloudSageTransport options: format/,
    );
    expect(() => new CloudSageTransport({ endpoint: 'ftp://h', apiKey: 'k' })).toThrow(CloudSageError);
  });

  it('bounds the buffer at 1,000,000 records unless told otherwise', () => {
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

it('documents every error code in the README errors table, and no other', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Errors'));
  const documented = [...section.matchAll(/^\| `([a-z_]+)` /gm)].map((m) => m[1]);
  expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
});
