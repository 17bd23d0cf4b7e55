import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS, LogRecord, type NormalizeResult, normalizeLine, normalizeRecord } from '../src/index.js';

const RECEIVED = new Date('2030-01-01T00:00:00.000Z');
const T = '2026-01-01T00:00:00.000Z';
const MB = 1024 * 1024;

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

function ok(input: unknown, receivedAt: Date = RECEIVED) {
  const r = normalizeRecord(input, receivedAt);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  expect(LogRecord.parse(r.record)).toEqual(r.record);
  expect(bytes(r.record)).toBeLessThanOrEqual(LIMITS.maxRecordBytes);
  return r;
}

function rejected(r: NormalizeResult): string {
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.record).slice(0, 200)}`);
  return r.reason;
}

/** A truncated record: within the limit, flagged on both sides. */
function truncated(input: unknown) {
  const r = ok(input);
  expect(r.truncated).toBe(true);
  expect(r.record.attributes?.['cloudsage.truncated']).toBe(true);
  return r.record;
}

afterEach(() => {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('values that are not records', () => {
  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [42, 'number'],
    [Number.NaN, 'number'],
    [true, 'boolean'],
    [10n, 'bigint'],
    [Symbol('s'), 'symbol'],
    [() => 1, 'function'],
    [[{ msg: 'in an array' }], 'an array'],
    [[], 'an array'],
  ])('rejects %s with a reason naming it', (input, kind) => {
    expect(rejected(normalizeRecord(input, RECEIVED))).toBe(`record must be an object or a string, got ${kind}`);
  });

  it('rejects empty objects and empty or blank lines', () => {
    expect(rejected(normalizeRecord({}, RECEIVED))).toBe('record has no message and no fields');
    for (const line of ['', '   ', '\r\n', '\uFEFF', '\uFEFF  \t\r\n']) {
      expect(rejected(normalizeLine(line, RECEIVED))).toBe('empty line');
      expect(rejected(normalizeRecord(line, RECEIVED))).toBe('empty line');
    }
  });

  it('reads a JSON line that is not an object as text', () => {
    expect(ok(normalizeLine('[1,2,3]', RECEIVED).ok && '[1,2,3]').record.msg).toBe('[1,2,3]');
    const broken = normalizeLine('{"level":50,"msg":"cut off', RECEIVED);
    expect(broken.ok && broken.record.msg).toBe('{"level":50,"msg":"cut off');
  });
});

describe('size limits', () => {
  it('cuts a 1 MB text line to the limit and flags it', () => {
    const rec = truncated('E'.repeat(MB));
    expect(rec.msg.startsWith('EEEE')).toBe(true);
    expect(rec.msg).toMatch(/…\[truncated \d+ chars\]$/);
    expect(rec.msg.length).toBeGreaterThan(LIMITS.maxRecordBytes / 2);
  });

  it('cuts a 1 MB msg and a 1 MB field', () => {
    const big = 'x'.repeat(MB);
    expect(truncated({ time: T, level: 'error', msg: big }).level).toBe('error');
    const rec = truncated({ time: T, msg: 'small', payload: big, after: 'kept?' });
    expect(rec.msg).toBe('small');
    expect(String(rec.attributes?.payload).length).toBeLessThan(LIMITS.maxRecordBytes);
  });

  it('keeps multi-byte 1 MB strings within the byte limit', () => {
    const emoji = '😀'.repeat(MB / 4);
    const cjk = '日本語'.repeat(MB / 9);
    for (const s of [emoji, cjk, `a${emoji}`]) {
      truncated(s);
      truncated({ time: T, msg: s });
      truncated({ time: T, msg: 'm', field: s, nested: { deeper: [s] } });
    }
  });

  it('keeps strings that serialize 6 bytes a character within the limit', () => {
    // Control characters and lone surrogates become \uXXXX in JSON: 6 bytes for one UTF-16 unit.
    for (const ch of ['\u0001', '\udc00', '\ud800']) {
      for (const n of [50_000, 60_000, MB]) truncated({ time: T, msg: ch.repeat(n) });
      // Under the limit once serialized: kept whole.
      const fits = ok({ time: T, msg: ch.repeat(40_000) });
      expect(fits.truncated).toBe(false);
      expect(fits.record.msg.length).toBe(40_000);
    }
  });

  it('cuts a 1 MB key, top-level and nested', () => {
    const key = 'k'.repeat(MB);
    truncated({ time: T, msg: 'm', [key]: 1 });
    truncated({ time: T, msg: 'm', nested: { [key]: 1 } });
  });

  it('bounds many fields and wide arrays', () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) wide[`field_${i}`] = i;
    const input = { time: T, msg: 'wide', ...wide };
    const t0 = performance.now();
    normalizeRecord(input, RECEIVED);
    // Stops at the budget instead of copying 100,000 fields (and measuring them) four times over.
    expect(performance.now() - t0).toBeLessThan(500);
    const rec = truncated(input);
    expect(rec.attributes?.field_0).toBe(0);
    truncated({ time: T, msg: 'array', list: Array.from({ length: 100_000 }, (_, i) => i) });
  });

  it('honours a smaller maxRecordBytes', () => {
    const r = normalizeRecord({ time: T, msg: 'y'.repeat(10_000) }, RECEIVED, 4096);
    expect(r.ok && r.truncated).toBe(true);
    expect(r.ok && bytes(r.record)).toBeLessThanOrEqual(4096);
  });

  it('does not flag a record that fits', () => {
    const r = ok({ time: T, msg: 'z'.repeat(100_000) });
    expect(r.truncated).toBe(false);
    expect(r.record.msg.length).toBe(100_000);
    expect(r.record.attributes).toBeUndefined();
  });
});

describe('deep, cyclic and shared structures', () => {
  function deep(n: number): Record<string, unknown> {
    let o: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < n; i++) o = { child: o };
    return o;
  }

  it('survives 10,000-deep nesting as an object and as a JSON line', () => {
    const rec = ok({ time: T, msg: 'deep', data: deep(10_000) }).record;
    expect(JSON.stringify(rec.attributes)).toContain('"[Depth]"');
    const line = `{"time":"${T}","msg":"deep line","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const r = normalizeLine(line, RECEIVED);
    expect(r.ok && r.record.msg).toBe('deep line');
    expect(ok(deep(10_000)).record.msg).toBe('');
  });

  it('writes cycles as [Circular]', () => {
    const a: Record<string, unknown> = { time: T, msg: 'cycle' };
    a.self = a;
    const b: Record<string, unknown> = { name: 'b' };
    b.back = { to: b };
    a.b = b;
    const rec = ok(a).record;
    expect(rec.attributes?.self).toBe('[Circular]');
    expect(rec.attributes?.b).toEqual({ name: 'b', back: { to: '[Circular]' } });
    const arr: unknown[] = [1];
    arr.push(arr);
    expect(ok({ msg: 'arr', arr }).record.attributes?.arr).toEqual([1, '[Circular]']);
  });

  it('keeps a value referenced twice (not a cycle) both times', () => {
    const shared = { id: 1 };
    expect(ok({ msg: 'dag', a: shared, b: shared }).record.attributes).toEqual({ a: { id: 1 }, b: { id: 1 } });
  });

  it('bounds an exponentially shared structure (DAG) quickly', () => {
    // 10 levels of 500 references to the same array: 500^10 leaves if expanded naively.
    let level: unknown[] = [];
    for (let i = 0; i < 10; i++) level = Array.from({ length: 500 }, () => level);
    const t0 = performance.now();
    truncated({ time: T, msg: 'dag', tree: level });
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('hostile objects', () => {
  it('reads around throwing getters', () => {
    const rec = ok({
      time: T,
      msg: 'getters',
      get boom() {
        throw new Error('getter');
      },
      nested: {
        fine: 1,
        get bad() {
          throw new Error('nested getter');
        },
      },
    }).record;
    expect(rec.msg).toBe('getters');
    expect(rec.attributes).toEqual({ boom: '[Unreadable]', nested: { fine: 1, bad: '[Unreadable]' } });
  });

  it('survives a throwing getter on a mapped field', () => {
    const rec = ok({
      get msg(): string {
        throw new Error('no msg');
      },
      message: 'fallback',
      level: 'warn',
    }).record;
    expect(rec.msg).toBe('fallback');
    expect(rec.level).toBe('warn');
  });

  it('rejects a Proxy that throws on every trap, and reads one nested as [Unreadable]', () => {
    const hostile = new Proxy(
      {},
      Object.fromEntries(
        ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'set', 'defineProperty'].map((trap) => [
          trap,
          () => {
            throw new Error(`trap ${trap}`);
          },
        ]),
      ),
    );
    expect(rejected(normalizeRecord(hostile, RECEIVED))).toMatch(/^unreadable record: trap /);
    expect(ok({ time: T, msg: 'proxy inside', p: hostile }).record.attributes).toEqual({ p: '[Unreadable]' });
    expect(ok({ time: T, msg: hostile }).record.msg).toBe('[Unreadable]');
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(rejected(normalizeRecord(revocable.proxy, RECEIVED))).toMatch(/^unreadable record/);
  });

  it('keeps a level or time that cannot be turned into a string', () => {
    const rec = ok({ msg: 'odd', level: Object.create(null), time: Object.create(null) }).record;
    expect(rec.level).toBe('info');
    expect(rec.time).toBe(RECEIVED.toISOString());
    expect(rec.attributes).toEqual({ 'cloudsage.level': '{}', 'cloudsage.time': '{}' });
  });

  it('drops __proto__ keys and keeps constructor and prototype as plain fields, polluting nothing', () => {
    const input = JSON.parse(
      '{"msg":"pp","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"x":1},' +
        '"nested":{"__proto__":{"polluted":3},"ok":1},"attributes":{"__proto__":{"polluted":4},"a":1}}',
    );
    const rec = ok(input).record;
    const kept = {
      constructor: { prototype: { polluted: 2 } },
      prototype: { x: 1 },
      nested: { ok: 1 },
      a: 1,
    };
    expect(rec.attributes).toEqual(kept);
    expect(Object.getPrototypeOf(rec.attributes)).toBe(Object.prototype);
    expect(Object.hasOwn(rec.attributes ?? {}, 'constructor')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(rec)).attributes).toEqual(kept);
    const line = normalizeLine(JSON.stringify(input).replace('"msg"', '"__proto__":{"polluted":5},"msg"'), RECEIVED);
    expect(line.ok && line.record.attributes).toEqual(kept);
  });

  it('keeps OTLP attributes named constructor and prototype, drops __proto__', () => {
    const rec = ok({
      timeUnixNano: '1767225600000000000',
      body: { stringValue: 'otlp names' },
      attributes: [
        { key: 'constructor', value: { stringValue: 'Foo' } },
        { key: 'prototype', value: { intValue: '1' } },
        { key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { intValue: '6' } }] } } },
      ],
    }).record;
    expect(rec.attributes).toEqual({ constructor: 'Foo', prototype: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps user attributes named like Object.prototype members', () => {
    const rec = ok({ msg: 'names', attributes: { toString: 'ts', hasOwnProperty: 1, valueOf: true } }).record;
    expect(rec.attributes).toEqual({ toString: 'ts', hasOwnProperty: 1, valueOf: true });
  });
});

describe('JavaScript values inside records', () => {
  it('turns BigInt, Symbol, functions, Buffers, Dates and typed arrays into JSON', () => {
    const rec = ok({
      time: T,
      msg: 'values',
      big: 2n ** 70n,
      sym: Symbol('s'),
      fn: () => 1,
      buf: Buffer.from('hello'),
      u8: new Uint8Array(3),
      when: new Date(T),
      badDate: new Date('nope'),
      nan: Number.NaN,
      inf: Number.NEGATIVE_INFINITY,
      map: new Map([[1, 2]]),
      list: [undefined, () => 1, Symbol('x'), 1],
    }).record;
    expect(rec.attributes).toEqual({
      big: '1180591620717411303424',
      buf: '[Buffer 5 bytes]',
      u8: '[Uint8Array 3 bytes]',
      when: T,
      badDate: null,
      nan: 'NaN',
      inf: '-Infinity',
      map: {},
      list: [null, null, null, 1],
    });
  });

  it('keeps Errors with their cause chain, and a cyclic cause', () => {
    const root = new TypeError('root');
    const mid = new Error('mid', { cause: root });
    const top = Object.assign(new Error('top', { cause: mid }), { code: 'E_TOP', statusCode: 503 });
    const rec = ok({ time: T, msg: 'err', err: top }).record;
    const err = rec.attributes?.err as Record<string, unknown>;
    expect(err).toMatchObject({
      type: 'Error',
      message: 'top',
      code: 'E_TOP',
      statusCode: 503,
      cause: { type: 'Error', message: 'mid', cause: { type: 'TypeError', message: 'root' } },
    });
    expect(err.stack).toMatch(/^Error: top\n/);
    const loop = new Error('loop');
    (loop as { cause?: unknown }).cause = loop;
    const loopErr = ok({ msg: 'x', err: loop }).record.attributes?.err as Record<string, unknown> | undefined;
    expect(loopErr?.cause).toBe('[Circular]');
  });

  it('reads an Error given as the whole record', () => {
    const rec = ok(new RangeError('out of range', { cause: 'bad input' })).record;
    expect(rec.msg).toBe('out of range');
    expect(rec.level).toBe('error');
    const err = rec.attributes?.err as Record<string, unknown>;
    expect(err).toMatchObject({ type: 'RangeError', message: 'out of range', cause: 'bad input' });
    expect(err.stack).toMatch(/^RangeError: out of range\n/);
  });

  it('takes a message that is a number, boolean, array or object', () => {
    expect(ok({ msg: 42 }).record.msg).toBe('42');
    expect(ok({ msg: false }).record.msg).toBe('false');
    expect(ok({ msg: [1, 'a'] }).record.msg).toBe('[1,"a"]');
    expect(ok({ msg: { a: 1 } }).record.msg).toBe('{"a":1}');
    expect(ok({ msg: 10n }).record.msg).toBe('10');
  });
});

describe('times', () => {
  it.each([
    ['nope', 'nope'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [-1, '-1'],
    [1e300, '1e+300'],
    ['+275760-09-13T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'],
    ['10000-01-01T00:00:00Z', '10000-01-01T00:00:00Z'],
    [true, 'true'],
    [{ at: 1 }, '{"at":1}'],
  ])('uses the receive time for %s and keeps the original', (time, kept) => {
    const rec = ok({ msg: 'bad time', time }).record;
    expect(rec.time).toBe(RECEIVED.toISOString());
    expect(rec.attributes).toEqual({ 'cloudsage.time': kept });
  });

  it.each([
    [1767225600, '2026-01-01T00:00:00.000Z'],
    [1767225600123, '2026-01-01T00:00:00.123Z'],
    [1767225600123456, '2026-01-01T00:00:00.123Z'],
    ['1767225600123456789', '2026-01-01T00:00:00.123Z'],
    ['2026-01-01T01:00:00+01:00', '2026-01-01T00:00:00.000Z'],
    ['Thu, 01 Jan 2026 00:00:00 GMT', '2026-01-01T00:00:00.000Z'],
    [new Date('2026-01-01T00:00:00.000Z'), '2026-01-01T00:00:00.000Z'],
    [[1767225600, 5_000_000], '2026-01-01T00:00:00.005Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s', (time, iso) => {
    expect(ok({ msg: 't', time }).record.time).toBe(iso);
  });

  it('treats epoch 0 as no time, without flagging it', () => {
    for (const time of [0, '0']) {
      const rec = ok({ msg: 't', time }).record;
      expect(rec.time).toBe(RECEIVED.toISOString());
      expect(rec.attributes).toBeUndefined();
    }
  });

  it('falls back to now for an unusable receive time', () => {
    const before = Date.now();
    const r = normalizeRecord({ msg: 'x' }, new Date('nope'));
    expect(r.ok && Date.parse(r.record.time)).toBeGreaterThanOrEqual(before);
  });
});

describe('levels', () => {
  it.each([
    ['WARNING', 'warn'],
    [' Error ', 'error'],
    ['ERROR2', 'error'],
    ['\u001b[31merror\u001b[39m', 'error'],
    [55, 'error'],
    ['60', 'fatal'],
    ['emerg', 'fatal'],
  ])('reads %j as %s', (level, expected) => {
    expect(ok({ msg: 'l', level }).record.level).toBe(expected);
  });

  it.each([
    ['loud', 'loud'],
    ['', undefined],
    [true, 'true'],
    [Number.NaN, 'NaN'],
    [[1], '[1]'],
    ['x'.repeat(100), 'x'.repeat(64)],
  ])('stores unknown level %j as info, keeping the original', (level, kept) => {
    const rec = ok({ msg: 'l', level }).record;
    expect(rec.level).toBe('info');
    expect(rec.attributes?.['cloudsage.level']).toBe(kept);
  });
});
