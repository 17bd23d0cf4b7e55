import type { LogRecord } from '@cloudsage/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSearch, parseSearch } from '../../src/services/logs/log-search.js';
import { mayContain, requiredTrigrams, TextFilterBuilder } from '../../src/services/logs/text-filter.js';

const T = '2026-12-04T10:00:00.000Z';

function filterOf(records: LogRecord[]): Uint8Array {
  const b = new TextFilterBuilder();
  for (const r of records) b.add(JSON.stringify(r));
  const f = b.finish();
  if (!f) throw new Error('no filter');
  return f;
}

// Characters where lowercasing, JSON escaping or UTF-16 could make the filter disagree with search.
const tricky = fc.constantFrom(
  'K',
  'k',
  '\u212a',
  '\u0130',
  'i',
  '"',
  '\\',
  '\n',
  '\u00c9',
  '\u00e9',
  '😀',
  ' ',
  ':',
  '-',
  'Z',
);
const text = fc
  .array(fc.oneof(tricky, fc.string({ minLength: 1, maxLength: 3 })), { maxLength: 30 })
  .map((a) => a.join(''));

describe('the batch text filter', () => {
  it('never rules out a batch holding a record that a search word matches', () => {
    fc.assert(
      fc.property(text, text, fc.nat(), fc.nat({ max: 12 }), (msg, attr, start, len) => {
        const record: LogRecord = { time: T, level: 'info', msg, service: 'Svc', attributes: { note: attr } };
        const filter = filterOf([record]);
        const source = start % 2 === 0 ? msg : attr;
        const word = source.slice(start % (source.length + 1), (start % (source.length + 1)) + len);
        // Only words that search would match count (the word, lowercased, in the record's text).
        const search = compileSearch([{ kind: 'text', negate: false, text: word.toLowerCase() }]);
        if (word === '' || !search(record)) return;
        expect(mayContain(filter, requiredTrigrams([word.toLowerCase()]))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('holds field values, whatever their case', () => {
    const r: LogRecord = {
      time: T,
      level: 'error',
      msg: 'x',
      service: 'Checkout-API',
      attributes: { 'http.route': '/api/Orders' },
    };
    const filter = filterOf([r]);
    for (const q of ['service:checkout-api', 'http.route:/API/orders', 'level:error']) {
      const words = parseSearch(q).flatMap((t) => (t.kind === 'field' ? [t.value] : []));
      expect(mayContain(filter, requiredTrigrams(words)), q).toBe(true);
    }
  });

  it('rules out batches without the words, and stays small for a small batch', () => {
    const lines: LogRecord[] = Array.from({ length: 200 }, (_, i) => ({
      time: T,
      level: 'info',
      msg: `request completed GET /api/cart/${i} 200 in ${i % 50}ms`,
      service: 'checkout',
    }));
    const filter = filterOf(lines);
    expect(filter.length).toBeLessThan(8192);
    let ruledOut = 0;
    const absent = [
      'econnrefused',
      'timeout',
      'deadlock',
      'outofmemory',
      'segfault',
      'unauthorized',
      'payments',
      'kafka',
    ];
    for (const w of absent) if (!mayContain(filter, requiredTrigrams([w]))) ruledOut++;
    expect(ruledOut).toBeGreaterThanOrEqual(absent.length - 1);
    expect(mayContain(filter, requiredTrigrams(['completed', 'checkout']))).toBe(true);
    // Words it cannot judge never rule anything out.
    expect(requiredTrigrams(['ab', 'a"b', 'x\\y'])).toEqual([]);
    expect(mayContain(undefined, requiredTrigrams(['deadlock']))).toBe(true);
  });
});
