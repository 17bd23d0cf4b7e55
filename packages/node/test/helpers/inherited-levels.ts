// Levels named like Object.prototype members, for the level tests of node, pino, winston and otel (test
// code only, shared by path like readme-table.ts): a plain-object lookup of such a name finds the member.
import { LEVELS, normalizeRecord } from '@cloudsage/schema';
import { expect } from 'vitest';

/** Every member of Object.prototype: constructor, __proto__, toString, hasOwnProperty, valueOf, ... */
export const INHERITED_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype);

/**
 * Fails the test unless the backend (whose normalizer is the schema's) stores each shipped record as one
 * of the six levels, and as info: none of these names is a level.
 *
 * @example
 * expectStoredAsInfo(sink.records);
 */
export function expectStoredAsInfo(shipped: ReadonlyArray<Record<string, unknown>>): void {
  expect(shipped.length).toBeGreaterThan(0);
  for (const record of shipped) {
    const stored = normalizeRecord(record, new Date('2030-01-01T00:00:00.000Z'));
    if (!stored.ok) throw new Error(`rejected: ${stored.reason}`);
    expect(LEVELS).toContain(stored.record.level);
    expect(stored.record.level).toBe('info');
  }
}
