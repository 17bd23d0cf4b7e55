import { gzipSync } from 'node:zlib';
import { LogRecord, SCORE_NDJSON_CONTENT_TYPE } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { build } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { isValidRecord } from '../src/parse-request.js';
import { lcg } from './helpers.js';

// The stored form checks records with the hand-written `isValidRecord`, never with zod; this holds it to
// the schema on generated records, hostile ones included: a validator that accepts more than
// `LogRecord` would be a speed-up that weakens a check. A fixed seed keeps CI reproducible;
// VALIDATOR_SEED=<n> explores others.

const SEED = Number(process.env.VALIDATOR_SEED ?? 20261204);
const KEY = 'test-key-0123456789abcdef';
const HUGE = 'x'.repeat(256 * 1024);

const TIMES: unknown[] = [
  '2026-03-01T12:00:00.000Z',
  '2026-03-01T12:00:00Z',
  '2026-03-01T12:00:00.123456789+02:00',
  '2024-02-29T23:59:59.999-05:30',
  '2026-02-29T00:00:00Z',
  '2026-03-01T24:00:00Z',
  '2026-03-01T12:00:00',
  '2026-03-01 12:00:00Z',
  '2026-03-01T12:00:00.Z',
  '2026-03-01T12:00:00+0200',
  '2026-03-01T12:00:00Z\n',
  ' 2026-03-01T12:00:00Z',
  '+002026-03-01T12:00:00Z',
  `2026-03-01T12:00:00.${'1'.repeat(5000)}Z`,
  HUGE,
  '',
  1772366400000,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  null,
  true,
  {},
  ['2026-03-01T12:00:00Z'],
];
const LEVELS: unknown[] = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'WARN',
  'warning',
  'Info',
  ' info',
  '',
  'toString',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  30,
  null,
  {},
  ['info'],
];
const STRINGS: unknown[] = [
  '',
  'ok',
  'é ✓ 漢字 🙂',
  '\u0000\u001f',
  '\ud800',
  HUGE,
  0,
  -1,
  Number.NaN,
  null,
  true,
  {},
  [],
];
const OPTIONAL: unknown[] = [undefined, undefined, undefined, 'api', '', HUGE, 1, null, false, {}, ['a']];
const ATTRIBUTES: unknown[] = [
  undefined,
  undefined,
  {},
  { a: 1, b: { c: [1, null, 'x'] } },
  { n: Number.POSITIVE_INFINITY, m: Number.NaN, big: 1e308 },
  JSON.parse('{"__proto__":{"polluted":true}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  { constructor: 'Foo' },
  Object.create(null),
  { [HUGE.slice(0, 10_000)]: HUGE },
  [],
  [1, 2],
  null,
  'x',
  0,
  true,
  new Date(0),
];
const EXTRA_KEYS = ['extra', 'constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'time2'];
const NOT_OBJECTS: unknown[] = [null, undefined, 0, 'record', true, [], [{ time: TIMES[0], level: 'info', msg: 'x' }]];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

/** A record-like value: mostly valid fields with one or two hostile ones, sometimes not an object at all. */
function generate(rnd: () => number): unknown {
  if (rnd() < 0.03) return pick(rnd, NOT_OBJECTS);
  const r: Record<string, unknown> = {};
  const valid = rnd() < 0.5;
  const set = (key: string, value: unknown) => {
    // Missing fields are part of the space too.
    if (rnd() < 0.03) return;
    if (value !== undefined || rnd() < 0.5) r[key] = value;
  };
  set('time', valid || rnd() < 0.5 ? pick(rnd, TIMES.slice(0, 4)) : pick(rnd, TIMES));
  set('level', valid || rnd() < 0.5 ? pick(rnd, LEVELS.slice(0, 6)) : pick(rnd, LEVELS));
  set('msg', valid || rnd() < 0.5 ? pick(rnd, STRINGS.slice(0, 6)) : pick(rnd, STRINGS));
  for (const key of ['service', 'host', 'traceId', 'spanId']) {
    set(key, valid || rnd() < 0.7 ? pick(rnd, OPTIONAL.slice(0, 6)) : pick(rnd, OPTIONAL));
  }
  set('attributes', valid || rnd() < 0.5 ? pick(rnd, ATTRIBUTES.slice(0, 5)) : pick(rnd, ATTRIBUTES));
  if (rnd() < 0.2) {
    const key = pick(rnd, EXTRA_KEYS);
    // An own `__proto__` key can only come from JSON.parse (or defineProperty), as it does on the wire.
    Object.defineProperty(r, key, {
      value: pick(rnd, [1, 'x', {}, null]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return r;
}

describe('isValidRecord agrees with the LogRecord schema', () => {
  it('on 10,000 generated records, hostile ones included', { timeout: 60_000 }, () => {
    const rnd = lcg(SEED);
    let accepted = 0;
    for (let i = 0; i < 10_000; i++) {
      const record = generate(rnd);
      const zod = LogRecord.safeParse(record).success;
      if (isValidRecord(record) !== zod) {
        expect.fail(
          `case ${i} (seed ${SEED}): isValidRecord ${!zod}, schema ${zod}: ${String(JSON.stringify(record))?.slice(0, 300)}`,
        );
      }
      if (zod) accepted++;
    }
    // Both answers must be well represented, or the agreement says little.
    expect(accepted).toBeGreaterThan(2_000);
    expect(accepted).toBeLessThan(8_000);
  });

  it('on the same records after a trip through JSON text, as the stored form reads them', { timeout: 60_000 }, () => {
    const rnd = lcg(SEED + 1);
    for (let i = 0; i < 1_000; i++) {
      const text = JSON.stringify(generate(rnd));
      if (text === undefined) continue;
      const record: unknown = JSON.parse(text);
      expect(isValidRecord(record), text.slice(0, 300)).toBe(LogRecord.safeParse(record).success);
    }
  });
});

describe('the stored form accepts exactly what the JSON form accepts', () => {
  const window = { from: '2026-03-01T12:00:00.000Z', to: '2026-03-01T12:01:00.000Z' };
  const metadata = JSON.stringify({ window });
  const headers = { authorization: `Bearer ${KEY}` };

  it('on 400 generated record lines, through the real app (the schema, and Fastify refusing prototype keys)', {
    timeout: 120_000,
  }, async () => {
    const app = await build(loadConfig({ WORKER_API_KEY: KEY }), { logger: false });
    try {
      const rnd = lcg(SEED + 2);
      let accepted = 0;
      for (let i = 0; i < 400; i++) {
        const line = JSON.stringify(generate(rnd));
        if (line === undefined) continue;
        const json = await app.inject({
          method: 'POST',
          url: '/score',
          headers: { ...headers, 'content-type': 'application/json' },
          payload: `{"projectId":"p1","metadata":${metadata},"logs":[${line}]}`,
        });
        const stored = await app.inject({
          method: 'POST',
          url: '/score',
          headers: { ...headers, 'content-type': SCORE_NDJSON_CONTENT_TYPE, 'content-encoding': 'gzip' },
          payload: gzipSync(`{"projectId":"p1","metadata":${metadata}}\n${line}\n`),
        });
        expect([200, 400]).toContain(json.statusCode);
        expect(stored.statusCode, line.slice(0, 300)).toBe(json.statusCode);
        if (json.statusCode === 200) accepted++;
      }
      expect(accepted).toBeGreaterThan(80);
    } finally {
      await app.close();
    }
  });
});
