import { CloudSageError } from '@cloudsage/node';
import { LIMITS } from '@cloudsage/schema';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { cloudsageMixin, type TraceApi, type TraceFields } from '../src/index.js';
import { DEFAULT_BATCH_RECORDS, resolvePinoOptions } from '../src/options.js';

const SPAN = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
const inSpan = <T>(fn: () => T, sc = SPAN): T => context.with(trace.setSpanContext(ROOT_CONTEXT, sc), fn);

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

function capture(mixin: ReturnType<typeof cloudsageMixin>) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ mixin, base: undefined }, { write: (l: string) => lines.push(JSON.parse(l)) });
  return { logger, lines };
}

describe('cloudsageMixin()', () => {
  it('stamps traceId and spanId of the active span, and nothing outside one', () => {
    const { logger, lines } = capture(cloudsageMixin());
    inSpan(() => logger.info({ a: 1 }, 'inside'));
    logger.info({ a: 2 }, 'outside');
    expect(lines[0]).toMatchObject({ traceId: SPAN.traceId, spanId: SPAN.spanId, a: 1 });
    expect(lines[1]).not.toHaveProperty('traceId');
    expect(lines[1]).not.toHaveProperty('spanId');
  });

  it('never lets one call’s fields leak into the next (pino assigns into the mixin result)', () => {
    const { logger, lines } = capture(cloudsageMixin());
    logger.info({ secret: 1 }, 'first');
    logger.info('second');
    inSpan(() => logger.info({ other: 1 }, 'third'));
    inSpan(() => logger.info('fourth'));
    expect(lines[1]).not.toHaveProperty('secret');
    expect(lines[3]).not.toHaveProperty('other');
  });

  it('ignores the all-zero (invalid) span context', () => {
    const { logger, lines } = capture(cloudsageMixin());
    inSpan(() => logger.info('zero'), { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
    expect(lines[0]).not.toHaveProperty('traceId');
  });

  it('merges the fields of another mixin, and survives one that throws', () => {
    let calls = 0;
    const { logger, lines } = capture(
      cloudsageMixin({
        mixin: (_obj, level) => {
          calls++;
          if (level === 50) throw new Error('bad mixin');
          return { region: 'eu-1' };
        },
      }),
    );
    inSpan(() => logger.info('merged'));
    inSpan(() => logger.error('thrown'));
    expect(lines[0]).toMatchObject({ region: 'eu-1', traceId: SPAN.traceId });
    expect(lines[1]).toMatchObject({ msg: 'thrown', traceId: SPAN.traceId });
    expect(lines[1]).not.toHaveProperty('region');
    expect(calls).toBe(2);
  });

  it('uses a given API object and adds nothing when it throws', () => {
    const api = {
      trace: {
        getSpanContext: () => {
          throw new Error('broken api');
        },
      },
      context: { active: () => ROOT_CONTEXT },
    } as unknown as TraceApi;
    const { logger, lines } = capture(cloudsageMixin({ api }));
    logger.info('still logged');
    expect(lines[0]).toMatchObject({ msg: 'still logged' });
    expect(lines[0]).not.toHaveProperty('traceId');
  });

  it('fails fast on bad options with invalid_options', () => {
    expect(() => cloudsageMixin({ mixin: 'nope' } as never)).toThrow(CloudSageError);
    expect(() => cloudsageMixin({ colour: 1 } as never)).toThrow(/invalid cloudsageMixin\(\) options/);
  });

  it('has the pino mixin signature', () => {
    expectTypeOf(cloudsageMixin()).toEqualTypeOf<(mergeObject: object, level: number) => object>();
    expectTypeOf<TraceFields>().toEqualTypeOf<{ traceId?: string; spanId?: string }>();
  });
});

describe('transport options', () => {
  it('strips the keys pino adds for a worker target and turns exit hooks off in a worker', () => {
    const resolved = resolvePinoOptions(
      { endpoint: 'http://127.0.0.1:1', apiKey: 'csk_x', $context: {}, pinoWillSendConfig: true } as never,
      true,
    );
    expect(resolved.client).toEqual({
      endpoint: 'http://127.0.0.1:1',
      apiKey: 'csk_x',
      exitHooks: false,
      maxBufferRecords: 1_000_000,
      maxBufferBytes: 128 * 1024 * 1024,
      batch: { maxRecords: 10_000, maxBytes: 2 * 1024 * 1024 },
    });
    expect(resolved.shutdownTimeoutMs).toBe(8000);
  });

  it('keeps exit hooks in the app thread and rejects a bad shutdownTimeoutMs', () => {
    const inApp = resolvePinoOptions({ apiKey: 'csk_x', endpoint: 'http://h' }, false).client;
    expect(inApp.exitHooks).toBeUndefined();
    expect(inApp.onError).toBeUndefined();
    expect(() => resolvePinoOptions({ shutdownTimeoutMs: -1 }, false)).toThrow(/shutdownTimeoutMs/);
  });

  it('sends batches of up to 10,000 records and 2 MiB unless told otherwise, keeping the other batch fields', () => {
    const batch = (b?: { maxRecords?: number; maxBytes?: number; maxWaitMs?: number }) =>
      resolvePinoOptions({ apiKey: 'csk_x', endpoint: 'http://h', ...(b ? { batch: b } : {}) }, true).client.batch;
    const MiB2 = 2 * 1024 * 1024;
    expect(batch()).toEqual({ maxRecords: 10_000, maxBytes: MiB2 });
    expect(batch({ maxWaitMs: 200 })).toEqual({ maxRecords: 10_000, maxBytes: MiB2, maxWaitMs: 200 });
    expect(batch({ maxRecords: 100 })).toEqual({ maxRecords: 100, maxBytes: MiB2 });
    expect(batch({ maxBytes: 65_536 })).toEqual({ maxRecords: 10_000, maxBytes: 65_536 });
    // The most records the ingest API takes in one request.
    expect(DEFAULT_BATCH_RECORDS).toBe(LIMITS.maxBatchRecords);
  });
});
