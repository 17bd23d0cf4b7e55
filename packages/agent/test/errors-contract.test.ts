import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_ERROR_CODES, type AgentErrorCode, EXIT_STATUS } from '../src/errors.js';

// The README's errors table is the users' copy of AGENT_ERROR_CODES and EXIT_STATUS; this keeps them in
// step both ways (the way fastify's test/internals/errors.test.js keeps its errors and docs).

type Row = { code: string; exitStatus: string; meaning: string; fix: string };

function errorsTable(): Row[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Exit status and errors\n');
  expect(start, 'README has a "## Exit status and errors" section').toBeGreaterThan(-1);
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
  expect(cells(lines[0] ?? '')).toEqual(['code', 'exit status', 'meaning', 'fix']);
  return lines.slice(2).map((line) => {
    const [code = '', exitStatus = '', meaning = '', fix = ''] = cells(line);
    expect(code, line).toMatch(/^`[a-z_]+`$/);
    return { code: code.slice(1, -1), exitStatus, meaning, fix };
  });
}

const rows = errorsTable();
const codes = Object.keys(AGENT_ERROR_CODES) as AgentErrorCode[];

describe('agent error codes, exit statuses and the README errors table stay in step', () => {
  it('documents every code in AGENT_ERROR_CODES', () => {
    const documented = new Set(rows.map((r) => r.code));
    expect(codes.filter((c) => !documented.has(c))).toEqual([]);
  });

  it('documents no code that AGENT_ERROR_CODES lacks, and none twice', () => {
    expect(rows.map((r) => r.code).filter((c) => !(c in AGENT_ERROR_CODES))).toEqual([]);
    expect(rows.length).toBe(new Set(rows.map((r) => r.code)).size);
  });

  it('gives every code a description and an exit status, and every row a meaning and a fix', () => {
    expect(Object.keys(EXIT_STATUS).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(AGENT_ERROR_CODES[code].trim(), code).not.toBe('');
    for (const row of rows) {
      expect(row.meaning, row.code).not.toBe('');
      expect(row.fix, row.code).not.toBe('');
    }
  });

  it('gives each code the exit status the command exits with', () => {
    for (const row of rows) expect(row.exitStatus, row.code).toBe(String(EXIT_STATUS[row.code as AgentErrorCode]));
  });
});
