import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

/**
 * Building blocks for hostile input. Values are generated as JSON TEXT, not objects, so a body
 * can hold what JSON.stringify would never write: duplicate and `__proto__` keys, nesting
 * thousands deep, numbers out of range, and raw bytes that are not UTF-8.
 */

/** Keys that have broken JavaScript object handling before, and our own field names. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'polluted',
  'isAdmin',
  '',
  'level',
  'msg',
  'message',
  'time',
  'attributes',
  'projectId',
  'logs',
] as const;

/** Strings meant to break paths, headers, logs, SQL and terminals. */
export const NASTY_STRINGS = [
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  'logs/../../escape',
  '/absolute/path',
  '.',
  '..',
  '\u0000',
  'a\u0000b',
  '\r\nX-Injected: 1',
  '\u202e\u2066',
  '\ud800',
  '\udfff',
  '\ufeff',
  "' or 1=1 --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, meant literally.
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  'NaN',
  '-0',
  '1e309',
  'p_AAAAAAAAAAAAAAAAAAAAAA',
] as const;

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 16, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
  { weight: 6, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  // Up to twice the fuzz record limit (4 KiB), so truncation is reached; rare, as every body has
  // dozens of strings and long ones make up most of the run's cost.
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 9000 }).map((n) => 'x'.repeat(n)) },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), hostileString);

const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
  fc.constantFrom('1e309', '-1e309', '-0', '123456789012345678901234567890', '0.0000000000000000000001', '1E2'),
);

/** Nesting far past any sane depth, as arrays or objects (up to 12,000 levels, past V8's stack for recursive code). */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 64, max: 12_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}0${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`,
  );

/** Any JSON value as text, with hostile keys and duplicates (deep nests: see deepRecord). */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: hostileString.map((s) => JSON.stringify(s)) },
    { weight: 2, arbitrary: numberText },
    { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'null') },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`) },
    {
      weight: 3,
      arbitrary: fc
        .array(fc.tuple(hostileKey, tie('value')), { maxLength: 5 })
        .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    },
  ),
})).value;

/**
 * One record holding a deep nest, or a bare one. Bodies add it now and then rather than at every
 * value: deep nests cost about ten times a flat record, and one per request reaches the same code.
 */
export const deepRecord: fc.Arbitrary<string> = fc.oneof(
  deepJson,
  deepJson.map((d) => `{"msg":"deep","attributes":${d}}`),
  deepJson.map((d) => `{"level":"info","msg":${d},"time":${d}}`),
);

const levelText = fc.oneof(
  fc.constantFrom('"info"', '"ERROR"', '"warn"', '"fatal"', '"nonsense"', '30', '50', '99', '-1', 'null', '{}', '[]'),
  // Names that index into Object.prototype when looked up in a plain object.
  fc.constantFrom('"__proto__"', '"constructor"', '"toString"', '"hasOwnProperty"', '"valueOf"'),
  jsonText,
);
const timeText = fc.oneof(
  fc.constantFrom('"2026-11-25T12:00:00.000Z"', '1764072000000', '"yesterday"', '-1', '1e20', '""', '"2026-02-30"'),
  jsonText,
);

/** One log record as JSON text: mostly record-shaped with hostile fields, sometimes any value. */
export const recordText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          level: levelText,
          msg: fc.oneof(
            hostileString.map((s) => JSON.stringify(s)),
            jsonText,
          ),
          time: timeText,
          extra: fc.array(fc.tuple(hostileKey, jsonText), { maxLength: 4 }),
        },
        { requiredKeys: [] },
      )
      .map((r) => {
        const parts: string[] = [];
        if (r.level !== undefined) parts.push(`"level":${r.level}`);
        if (r.msg !== undefined) parts.push(`"msg":${r.msg}`);
        if (r.time !== undefined) parts.push(`"time":${r.time}`);
        for (const [k, v] of r.extra ?? []) parts.push(`${JSON.stringify(k)}:${v}`);
        return `{${parts.join(',')}}`;
      }),
  },
  { weight: 1, arbitrary: jsonText },
);

/** Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, 5-byte, NUL. */
export const INVALID_UTF8 = [
  [0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
  [0x00],
].map((b) => Buffer.from(b));

/** A change to a body's bytes after it was written. */
export type Mutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'invalid-utf8'; at: number; bytes: number }
  | { kind: 'bom' }
  | { kind: 'huge-line'; length: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((at) => ({ kind: 'truncate' as const, at })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: INVALID_UTF8.length - 1 }))
      .map(([at, bytes]) => ({ kind: 'invalid-utf8' as const, at, bytes })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  // One line without a newline, from over the record limit (4 KiB) to over the body limit (64 KiB);
  // the inflated limit is reached by the gzip bomb.
  {
    weight: 1,
    arbitrary: fc.integer({ min: 5000, max: 80_000 }).map((length) => ({ kind: 'huge-line' as const, length })),
  },
);

/** Applies a mutation to body bytes. */
export function mutate(body: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'none':
      return body;
    case 'truncate':
      return body.subarray(0, Math.floor(body.length * m.at));
    case 'invalid-utf8': {
      const at = Math.floor(body.length * m.at);
      return Buffer.concat([body.subarray(0, at), INVALID_UTF8[m.bytes] as Buffer, body.subarray(at)]);
    }
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
    case 'huge-line':
      return Buffer.concat([body, Buffer.alloc(m.length, 'a')]);
  }
}

// A small body that inflates to 1 MiB, four times the fuzz inflated limit.
const BOMB = gzipSync(Buffer.alloc(1024 * 1024));

/** How a body is sent: as is, gzip, broken gzip, a bomb, and what Content-Encoding says. */
export type Wire = {
  encoding: 'identity' | 'gzip' | 'gzip-truncated' | 'bomb' | 'not-gzip';
  header: string | undefined;
};

export const wire: fc.Arbitrary<Wire> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Wire>({ encoding: 'identity', header: undefined }) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom('gzip', 'x-gzip', 'GZIP', ' gzip ')
      .map((header): Wire => ({ encoding: 'gzip', header })),
  },
  { weight: 1, arbitrary: fc.constant<Wire>({ encoding: 'gzip-truncated', header: 'gzip' }) },
  { weight: 1, arbitrary: fc.constant<Wire>({ encoding: 'bomb', header: 'gzip' }) },
  { weight: 1, arbitrary: fc.constant<Wire>({ encoding: 'not-gzip', header: 'gzip' }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('deflate', 'br', 'gzip, gzip', 'identity', 'zstd')
      .map((header): Wire => ({ encoding: 'identity', header })),
  },
);

/** The bytes on the wire for a body. */
export function encode(body: Buffer, w: Wire): Buffer {
  switch (w.encoding) {
    case 'identity':
    case 'not-gzip':
      return body;
    case 'gzip':
      return gzipSync(body, { level: 1 });
    case 'gzip-truncated': {
      const gz = gzipSync(body, { level: 1 });
      return gz.subarray(0, Math.max(1, gz.length - 6));
    }
    case 'bomb':
      return BOMB;
  }
}

// What a header value can hold on the wire: tab, printable ASCII and obs-text (RFC 9110 §5.5).
const NOT_WIRE = /[^\t\x20-\x7e\x80-\xff]/g;

/** Header values a real HTTP parser lets through (CR, LF and NUL are tested on raw sockets). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((s) => s.replace(NOT_WIRE, '').slice(0, 300)),
  fc.constantFrom(...NASTY_STRINGS.map((s) => s.replace(NOT_WIRE, ''))),
);
