import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, LogRecord, type NormalizeResult, normalizeLine, normalizeRecord } from '../src/index.js';

// A fixed seed keeps CI reproducible; FC_SEED=<n> explores other cases on demand.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261125) });

const RECEIVED = new Date('2030-01-01T00:00:00.000Z');
const SMALL_LIMIT = 2048;

/** What every answer must satisfy, whatever the input. */
function checkResult(r: NormalizeResult, maxBytes: number = LIMITS.maxRecordBytes): void {
  if (!r.ok) {
    expect(typeof r.reason).toBe('string');
    expect(r.reason.length).toBeGreaterThan(0);
    return;
  }
  expect(LogRecord.safeParse(r.record).success).toBe(true);
  expect(Buffer.byteLength(JSON.stringify(r.record), 'utf8')).toBeLessThanOrEqual(maxBytes);
  expect(r.record.attributes?.['cloudsage.truncated'] === true).toBe(r.truncated);
  // Attributes are plain JSON: a round trip through JSON changes nothing.
  expect(JSON.parse(JSON.stringify(r.record))).toEqual(r.record);
}

function prototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTO_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

// Keys the normalizer maps, plus the prototype-pollution ones, so generated objects hit them often.
const KNOWN_KEYS = [
  'time',
  'timestamp',
  'ts',
  'level',
  'severity',
  'severityNumber',
  'severityText',
  'msg',
  'message',
  'body',
  'hostname',
  'host',
  'service',
  'name',
  'pid',
  'err',
  'traceId',
  'spanId',
  'spanContext',
  'attributes',
  'resource',
  'timeUnixNano',
  'observedTimeUnixNano',
  'hrTime',
  '__proto__',
  'constructor',
  'prototype',
];

const value = fc.oneof(
  fc.anything({ maxDepth: 2, maxKeys: 4 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(10, 20, 30, 40, 50, 60, 35, 0, -1, 1e300, Number.NaN, Number.POSITIVE_INFINITY),
  fc.constantFrom('ERROR', 'warn', 'WARNING', '\u001b[31merror\u001b[39m', 'nope', '', '0', 'Infinity'),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom('2026-01-01T00:00:00Z', '1767225600123456789', 'not a date', '+275760-09-13T00:00:00.000Z'),
  fc.constantFrom({ stringValue: 'otlp' }, { kvlistValue: { values: [{ key: 'k', value: { intValue: '1' } }] } }),
  fc.constantFrom([{ key: 'a', value: { stringValue: 'b' } }], [1767225600, 5]),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constant(new Error('generated', { cause: new Error('inner') })),
  fc.bigInt(),
);

const knownShaped = fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 12 })), value, {
  maxKeys: 12,
});

const RUNS = { numRuns: 2000 };

describe('normalizeRecord properties', () => {
  it('never throws and answers a valid record or a reason, for anything', () => {
    fc.assert(
      fc.property(
        fc.anything({
          maxDepth: 3,
          maxKeys: 6,
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: true,
          withObjectString: true,
          withBoxedValues: true,
        }),
        (input) => {
          checkResult(normalizeRecord(input, RECEIVED));
          prototypeUntouched();
        },
      ),
      RUNS,
    );
  });

  it('holds for objects mixing the mapped keys with odd values', () => {
    fc.assert(
      fc.property(knownShaped, (input) => {
        checkResult(normalizeRecord(input, RECEIVED));
        checkResult(normalizeRecord(input, RECEIVED, SMALL_LIMIT), SMALL_LIMIT);
        prototypeUntouched();
      }),
      RUNS,
    );
  });

  it('holds for parsed JSON (where __proto__ is an own key) and its line', () => {
    fc.assert(
      fc.property(
        fc.json({ maxDepth: 4 }),
        fc.constantFrom('', '\uFEFF'),
        fc.constantFrom('', '\n', '\r\n'),
        (json, bom, eol) => {
          checkResult(normalizeRecord(JSON.parse(json), RECEIVED));
          checkResult(normalizeLine(`${bom}${json}${eol}`, RECEIVED));
          prototypeUntouched();
        },
      ),
      RUNS,
    );
  });

  it('holds for text lines; a non-blank line is always accepted with its text kept', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('grapheme', 'binary'), maxLength: 300 }), (line) => {
        const r = normalizeRecord(line, RECEIVED);
        checkResult(r);
        const blank =
          line
            .replace(/^\uFEFF/, '')
            .replace(/[\r\n]+$/, '')
            .trim() === '';
        expect(r.ok).toBe(!blank);
        if (r.ok && !line.startsWith('\uFEFF') && !/[\r\n]$/.test(line)) expect(r.record.msg).toBe(line);
        checkResult(normalizeLine(line, RECEIVED));
      }),
      RUNS,
    );
  });

  it('keeps every record within a small limit, also for long multi-byte values', () => {
    const long = fc.string({
      unit: fc.constantFrom('a', 'é', '日', '😀', '\u0001', '\ud800', '"'),
      minLength: 500,
      maxLength: 3000,
    });
    fc.assert(
      fc.property(long, long, (msg, field) => {
        const r = normalizeRecord(
          { level: 30, time: 1767225600000, msg, field, nested: { field } },
          RECEIVED,
          SMALL_LIMIT,
        );
        expect(r.ok).toBe(true);
        checkResult(r, SMALL_LIMIT);
      }),
      { numRuns: 1000 },
    );
  });
});
