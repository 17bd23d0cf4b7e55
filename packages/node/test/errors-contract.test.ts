import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { codeForStatus } from '../src/errors.js';
import { type CloudSageError, type CloudSageErrorCode, ERROR_CODES } from '../src/index.js';

// The README's errors table is the users' copy of ERROR_CODES; this keeps the two in step both ways
// (the way fastify's test/internals/errors.test.js keeps lib/errors.js and docs/Reference/Errors.md).

type Row = { code: string; status: string; meaning: string; fix: string };

function errorsTable(): Row[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Errors\n');
  expect(start, 'README has a "## Errors" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const lines = readme
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .filter((l) => l.startsWith('|'));
  // A cell may hold an escaped pipe (`\|`), which does not end it.
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  expect(cells(lines[0] ?? '')).toEqual(['code', 'status', 'meaning', 'fix']);
  return lines.slice(2).map((line) => {
    const [code = '', status = '', meaning = '', fix = ''] = cells(line);
    expect(code, line).toMatch(/^`[a-z_]+`$/);
    return { code: code.slice(1, -1), status, meaning, fix };
  });
}

const rows = errorsTable();
const codes = Object.keys(ERROR_CODES) as CloudSageErrorCode[];

// Every status a response can have that is not a success.
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
  it('documents every code in ERROR_CODES', () => {
    const documented = new Set(rows.map((r) => r.code));
    expect(codes.filter((c) => !documented.has(c))).toEqual([]);
  });

  it('documents no code that ERROR_CODES lacks, and none twice', () => {
    expect(rows.map((r) => r.code).filter((c) => !(c in ERROR_CODES))).toEqual([]);
    expect(rows.length).toBe(new Set(rows.map((r) => r.code)).size);
  });

  it('gives every code a description, and every row a meaning and a fix', () => {
    for (const code of codes) expect(ERROR_CODES[code].trim(), code).not.toBe('');
    for (const row of rows) {
      expect(row.meaning, row.code).not.toBe('');
      expect(row.fix, row.code).not.toBe('');
      expect(row.status, row.code).not.toBe('');
    }
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
      for (const [named] of row.status.matchAll(/\b[1-5](\d\d|xx)\b/g)) {
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
