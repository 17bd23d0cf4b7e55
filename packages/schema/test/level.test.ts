import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  isLevel,
  LEVEL_RANK,
  LEVELS,
  type Level,
  levelFromName,
  levelFromPinoNumber,
  levelFromSeverityNumber,
  normalizeLine,
  normalizeRecord,
  ORIGINAL_LEVEL_ATTRIBUTE,
} from '../src/index.js';

// Names a plain-object lookup finds on Object.prototype: all its members (constructor, __proto__,
// toString, hasOwnProperty, valueOf, ...).
const INHERITED = Object.getOwnPropertyNames(Object.prototype);
const RECEIVED = new Date('2030-01-01T00:00:00.000Z');

describe('the level table', () => {
  it('ranks the six levels with pino’s numbers, and nothing else', () => {
    expect(LEVELS.map((l) => LEVEL_RANK[l])).toEqual([10, 20, 30, 40, 50, 60]);
    expect(Object.keys(LEVEL_RANK)).toEqual([...LEVELS]);
    expect(Object.isFrozen(LEVEL_RANK)).toBe(true);
    expect(LEVELS.every(isLevel)).toBe(true);
    expectTypeOf(LEVEL_RANK).toEqualTypeOf<Readonly<Record<Level, number>>>();
    expectTypeOf<Level>().toEqualTypeOf<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'>();
  });

  it.each([
    // winston npm and syslog levels
    ['silly', 'trace'],
    ['verbose', 'debug'],
    ['http', 'info'],
    ['notice', 'info'],
    ['warning', 'warn'],
    ['crit', 'fatal'],
    ['alert', 'fatal'],
    ['emerg', 'fatal'],
    // OTel severity texts, with their number and in any case
    ['TRACE2', 'trace'],
    ['WARN4', 'warn'],
    ['Error', 'error'],
    ['CRITICAL', 'fatal'],
    // log4j / java.util.logging and other spellings
    ['SEVERE', 'error'],
    ['finest', 'trace'],
    ['err', 'error'],
    ['panic', 'fatal'],
  ])('maps the name %j to %s', (name, level) => {
    expect(levelFromName(name)).toBe(level);
  });

  it('maps pino numbers and OTel severity numbers', () => {
    const pino = [5, 10, 25, 35, 45, 55, 70].map(levelFromPinoNumber);
    expect(pino.join(' ')).toBe('trace trace debug info warn error fatal');
    const severity = [0, 1, 5, 9, 13, 17, 21, 24].map(levelFromSeverityNumber);
    expect(severity.map(String).join(' ')).toBe('undefined trace debug info warn error fatal fatal');
  });
});

describe('levels named like Object.prototype members', () => {
  it.each(INHERITED)('%s is no level, no name and has no rank', (name) => {
    expect(isLevel(name)).toBe(false);
    expect(levelFromName(name)).toBeUndefined();
    expect(levelFromName(name.toUpperCase())).toBeUndefined();
    expect((LEVEL_RANK as Record<string, number>)[name]).toBeUndefined();
  });

  it.each(INHERITED)('the normalizer stores %s as info and keeps it', (name) => {
    const fromRecord = normalizeRecord({ msg: 'm', level: name }, RECEIVED);
    const fromLine = normalizeLine(JSON.stringify({ msg: 'm', level: name }), RECEIVED);
    const fromOtel = normalizeRecord({ body: 'm', severityText: name }, RECEIVED);
    for (const r of [fromRecord, fromLine, fromOtel]) {
      if (!r.ok) throw new Error(`rejected: ${r.reason}`);
      expect(r.record.level).toBe('info');
      expect(r.record.attributes?.[ORIGINAL_LEVEL_ATTRIBUTE]).toBe(name);
    }
  });
});
