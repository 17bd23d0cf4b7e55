import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../src/errors.js';

// The README's errors table is the callers' copy of ERROR_CODES; this keeps the two in step both ways
// (the way fastify's test/internals/errors.test.js keeps lib/errors.js and its docs). The worker shares
// only @cloudsage/schema with the packages, so it reads the table itself.
function errorsTable(): Array<{ code: string; status: string; meaning: string; fix: string }> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n### Errors\n');
  expect(start, 'README has a "### Errors" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  const lines = readme
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .filter((l) => l.startsWith('|'));
  expect(cells(lines[0] ?? '')).toEqual(['code', 'status', 'meaning', 'fix']);
  return lines.slice(2).map((line) => {
    const [code = '', status = '', meaning = '', fix = ''] = cells(line);
    expect(code, line).toMatch(/^`[a-z_]+`$/);
    return { code: code.slice(1, -1), status, meaning, fix };
  });
}

const rows = errorsTable();
const documented = rows.map((r) => r.code);

describe('worker error codes and the README errors table stay in step', () => {
  it('documents every code of ERROR_CODES and no other, none twice', () => {
    expect(Object.keys(ERROR_CODES).filter((c) => !documented.includes(c))).toEqual([]);
    expect(documented.filter((c) => !Object.hasOwn(ERROR_CODES, c))).toEqual([]);
    expect(documented.length).toBe(new Set(documented).size);
  });

  it('gives each code its status, a meaning and a fix', () => {
    for (const row of rows) {
      expect(row.status, row.code).toBe(String(ERROR_CODES[row.code as ErrorCode]));
      expect(row.meaning, row.code).not.toBe('');
      expect(row.fix, row.code).not.toBe('');
    }
  });
});
