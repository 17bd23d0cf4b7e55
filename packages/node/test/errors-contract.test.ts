import { describe, expect, expectTypeOf, it } from 'vitest';
import { codeForStatus } from '../src/errors.js';
import { type CloudSageError, type CloudSageErrorCode, ERROR_CODES } from '../src/index.js';
import { expectTableMatchesCodes, readmeTable } from './helpers/readme-table.js';

// The README's errors table is the users' copy of ERROR_CODES; this keeps the two in step both ways
// (the way fastify's test/internals/errors.test.js keeps lib/errors.js and docs/Reference/Errors.md).

const rows = readmeTable(new URL('../README.md', import.meta.url), 'Errors', ['code', 'status', 'meaning', 'fix']);

// Every status an answer can have that is not a success.
const NON_2XX = Array.from({ length: 500 }, (_, i) => 100 + i).filter((s) => s < 200 || s >= 300);

/** What the status cell of a code says, from `codeForStatus`: one status, a whole class, or the rest. */
function expectedStatusCell(code: CloudSageErrorCode): string | undefined {
  const statuses = NON_2XX.filter((s) => codeForStatus(s) === code);
  if (statuses.length === 0) return undefined;
  if (statuses.length === 1) return String(statuses[0]);
  const century = Math.floor((statuses[0] as number) / 100);
  if (statuses.length === 100 && statuses.every((s) => Math.floor(s / 100) === century)) return `${century}xx`;
  return 'other non-2xx';
}

describe('error codes, the README errors table and the types stay in step', () => {
  it('documents every code of ERROR_CODES and no other, each with a status, a meaning and a fix', () => {
    expectTableMatchesCodes(rows, ERROR_CODES, ['status', 'meaning', 'fix']);
  });

  it('gives each code the status codeForStatus maps to it', () => {
    for (const row of rows) {
      const expected = expectedStatusCell(row.code as CloudSageErrorCode);
      if (expected !== undefined) {
        expect(row.status, row.code).toBe(expected);
        continue;
      }
      // A code no status maps to may still carry the status it came with (`invalid_response` a 2xx),
      // but may not claim a non-2xx status that belongs to another code.
      for (const [named] of (row.status ?? '').matchAll(/\b[1-5](\d\d|xx)\b/g)) {
        const statuses = named.endsWith('xx') ? NON_2XX.filter((s) => String(s)[0] === named[0]) : [Number(named)];
        for (const s of statuses.filter((s) => NON_2XX.includes(s))) {
          expect(codeForStatus(s), `${row.code} names ${s}`).toBe(row.code);
        }
      }
    }
  });

  it('types CloudSageError.code as exactly the codes of ERROR_CODES', () => {
    expectTypeOf<CloudSageError['code']>().toEqualTypeOf<keyof typeof ERROR_CODES>();
  });
});
