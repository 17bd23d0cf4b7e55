import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  isTraceContextApi,
  loadTraceContextApi,
  readTraceContext,
  type TraceContextApi,
  type TraceIds,
  traceIdsOf,
} from '../src/index.js';

const IDS = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const ZERO = { traceId: '0'.repeat(32), spanId: '0'.repeat(16) };

/** A stand-in for @opentelemetry/api whose active span is whatever `current` holds. */
function fakeApi(current: () => { traceId: string; spanId: string } | undefined): TraceContextApi {
  const active = Symbol('context');
  return {
    trace: { getSpanContext: (ctx: never) => (ctx === (active as never) ? current() : undefined) },
    context: { active: () => active },
  };
}

describe('readTraceContext()', () => {
  it('reads the active span’s ids into a fresh object each call', () => {
    const api = fakeApi(() => ({ ...IDS, traceFlags: 1 }) as never);
    const first = readTraceContext(api);
    expect(first).toEqual(IDS);
    expect(readTraceContext(api)).not.toBe(first);
    expectTypeOf(readTraceContext).returns.toEqualTypeOf<TraceIds | undefined>();
  });

  it('reads nothing without an API, outside a span, for the all-zero context, or when the API throws', () => {
    expect(readTraceContext(undefined)).toBeUndefined();
    expect(readTraceContext(fakeApi(() => undefined))).toBeUndefined();
    expect(readTraceContext(fakeApi(() => ZERO))).toBeUndefined();
    expect(readTraceContext(fakeApi(() => ({ ...IDS, spanId: ZERO.spanId })))).toBeUndefined();
    const throwing = fakeApi(() => {
      throw new Error('broken API');
    });
    expect(() => readTraceContext(throwing)).not.toThrow();
    expect(readTraceContext(throwing)).toBeUndefined();
  });
});

describe('traceIdsOf()', () => {
  it('copies valid ids and refuses none or the invalid ones', () => {
    expect(traceIdsOf({ ...IDS, traceFlags: 1 } as never)).toEqual(IDS);
    expect(traceIdsOf(undefined)).toBeUndefined();
    expect(traceIdsOf({ ...IDS, traceId: ZERO.traceId })).toBeUndefined();
  });
});

describe('isTraceContextApi() and loadTraceContextApi()', () => {
  it('tells the API’s shape apart', () => {
    expect(isTraceContextApi(fakeApi(() => undefined))).toBe(true);
    for (const v of [undefined, null, {}, { trace: {} }, { trace: { getSpanContext() {} }, context: {} }]) {
      expect(isTraceContextApi(v)).toBe(false);
    }
  });

  it('loads @opentelemetry/api as the given module would, and never throws', () => {
    // @cloudsage/node does not depend on it; @cloudsage/pino declares it (an optional peer).
    const fromPino = loadTraceContextApi(new URL('../../pino/package.json', import.meta.url));
    expect(isTraceContextApi(fromPino)).toBe(true);
    // createRequire refuses a relative path: the loader answers undefined instead.
    expect(() => loadTraceContextApi('relative/index.js')).not.toThrow();
    expect(loadTraceContextApi('relative/index.js')).toBeUndefined();
  });
});
