import { LogRecord, normalizeLine } from '@cloudsage/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prototypeIsClean } from './fuzz-app.js';
import { RUNS } from './fuzz-runner.js';
import { deepRecord, INVALID_UTF8, recordText } from './hostile.js';

const RECEIVED = new Date('2026-11-25T12:00:00.000Z');
const MAX_RECORD_BYTES = 4096;

/**
 * The normalizer on the same hostile lines the ingest fuzz sends, at the 10,000 cases a target the
 * issue asks for (packages/schema has its own property tests with generated objects; these are
 * raw lines: `__proto__` keys as JSON.parse makes them, nests up to 12,000 deep, broken UTF-8).
 */
describe('fuzzing the normalizer with hostile lines', () => {
  it(`never throws on ${RUNS} lines, answers a valid bounded record or a reason, and leaves prototypes alone`, () => {
    const line = fc.oneof(
      { weight: 12, arbitrary: recordText },
      { weight: 1, arbitrary: deepRecord },
      {
        weight: 2,
        arbitrary: fc
          .tuple(recordText, fc.nat({ max: INVALID_UTF8.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }))
          .map(([text, i, at]) => {
            const bytes = Buffer.from(text);
            const cut = Math.floor(bytes.length * at);
            // As the server decodes it: invalid sequences become U+FFFD, a NUL stays a NUL.
            return Buffer.concat([bytes.subarray(0, cut), INVALID_UTF8[i] as Buffer, bytes.subarray(cut)]).toString(
              'utf8',
            );
          }),
      },
    );
    let accepted = 0;
    fc.assert(
      fc.property(line, (text) => {
        const r = normalizeLine(text, RECEIVED, MAX_RECORD_BYTES);
        if (!r.ok) {
          expect(r.reason.length).toBeGreaterThan(0);
          return;
        }
        accepted++;
        expect(LogRecord.safeParse(r.record).success).toBe(true);
        expect(Buffer.byteLength(JSON.stringify(r.record))).toBeLessThanOrEqual(MAX_RECORD_BYTES);
      }),
      { numRuns: RUNS },
    );
    expect(prototypeIsClean()).toBe(true);
    // Most generated lines are record-shaped; the run must have exercised the accepting path.
    expect(accepted).toBeGreaterThan(RUNS / 4);
    console.log(`fuzz normalizer: ${RUNS} lines, ${accepted} accepted`);
  });
});
