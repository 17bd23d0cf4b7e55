import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoFromMs } from '../src/normalize/iso-time.js';
import { leadingTimestamp } from '../src/normalize/leading-time.js';
import { levelFromText } from '../src/normalize/level.js';

// A fixed seed keeps CI reproducible; FC_SEED=<n> explores other cases on demand.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261202) });

// The general ISO path of leadingTimestamp as it was before the hand-written fast path: the oracle.
const LEADING_ISO = /^\[?(\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*/;
function isoByExpression(line: string): number | undefined {
  const iso = LEADING_ISO.exec(line);
  if (!iso) return undefined;
  let text = (iso[1] as string).replace(' ', 'T').replace(',', '.').replaceAll('/', '-');
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text += 'Z';
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms > 0 && ms <= Date.UTC(9999, 11, 31, 23, 59, 59, 999) ? ms : undefined;
}

const pieces = (options: string[]) => fc.constantFrom(...options);
// Lines built from the pieces an ISO timestamp is made of, valid and not: out-of-range fields, days
// Date.parse rolls over, every fraction length, zones with and without colon, and what may follow.
const isoLike = fc
  .tuple(
    pieces(['2026', '1969', '0050', '9999', '1970', '2000', '20x6']),
    pieces(['-01', '-12', '-13', '-00', '-02', '-1x', '/03']),
    pieces(['-01', '-28', '-29', '-31', '-00', '-15', '-32']),
    pieces(['T', ' ', 't', '_']),
    pieces(['00', '23', '24', '12', '7']),
    pieces([':00', ':59', ':60', ':5']),
    pieces([':00', ':59', ':60', ':0']),
    pieces(['', '.', '.1', '.12', '.123', '.9999', '.123456789', '.1234567890', ',5', ',123']),
    pieces(['', 'Z', '+01:00', '-0530', '+01', '+99:00', '-23:59', 'z', '+1:00', '+0100x', '-00:30']),
    pieces(['', ' msg', 'x', '1', ']', ' ERROR boom']),
  )
  .map((parts) => parts.join(''));

describe('leadingTimestamp fast path', () => {
  it('reads every ISO-like line as the general path does', () => {
    fc.assert(
      fc.property(isoLike, (line) => {
        expect(leadingTimestamp(line, 0)).toBe(isoByExpression(line));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the common forms', () => {
    expect(leadingTimestamp('2026-11-25T10:00:05Z INFO ok')).toBe(Date.UTC(2026, 10, 25, 10, 0, 5));
    expect(leadingTimestamp('2026-11-25 10:00:05,250 WARN x')).toBe(Date.UTC(2026, 10, 25, 10, 0, 5, 250));
    expect(leadingTimestamp('2026-11-25T10:00:05.5+01:30 x')).toBe(Date.UTC(2026, 10, 25, 8, 30, 5, 500));
  });
});

describe('isoFromMs', () => {
  it('formats as Date#toISOString does, across hours, days and years', () => {
    const valid = fc.integer({ min: 1, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });
    fc.assert(
      fc.property(valid, fc.double({ min: 0, max: 0.999, noNaN: true }), (ms, fraction) => {
        expect(isoFromMs(ms + fraction)).toBe(new Date(ms + fraction).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('stays right when consecutive calls move back and forth in time', () => {
    const base = Date.UTC(2026, 10, 25, 10, 59, 59, 990);
    for (const ms of [base, base + 20, base - 3_600_000, base + 20, base + 86_400_000 * 40])
      expect(isoFromMs(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('levelFromText quick reject', () => {
  // Lines made of level cues and filler: whatever the quick reject lets through or stops, the answer
  // must be the one the full expressions give. The oracle is the same line with " (" appended, a cue
  // that defeats the quick reject and that no expression reads (lines stay under the 300-character head).
  const words = pieces(
    (
      'INFO ERROR ERR WARN WARNING FATAL CRITICAL DEBUG TRACE PANIC EMERGENCY ALERT SEVERE EXCEPTION ' +
      'NullPointerException TypeError: level=warn lvl:error severity="debug" [error] <warn> (fatal) [main] ' +
      'error warning job done 12ms ERRORS XWARN Errors levels WRN FTL [WRN] WRNX FATA[0003] FATAX'
    ).split(' '),
  );
  it('answers as the full expressions do', () => {
    fc.assert(
      fc.property(fc.array(words, { maxLength: 6 }), (parts) => {
        const line = parts.join(' ');
        expect(levelFromText(line)).toBe(levelFromText(`${line} (`));
      }),
      { numRuns: 5_000 },
    );
  });
});
