import { describe, expect, it } from 'vitest';
import { AGENT_ERROR_CODES, type AgentErrorCode, EXIT_STATUS } from '../src/errors.js';

// The README's errors table is the users' copy of AGENT_ERROR_CODES and EXIT_STATUS; this keeps them in
// step both ways (the way fastify's test/internals/errors.test.js keeps its errors and docs).

// The README table reader of @cloudsage/node's tests, which every package's errors test shares. Loaded by
// path at run time (vitest compiles it) rather than imported: this package's typecheck stays inside it.
const HELPER = new URL('../../node/test/helpers/readme-table.ts', import.meta.url).href;
type Row = Record<string, string> & { code: string };
const { readmeTable, expectTableMatchesCodes } = (await import(HELPER)) as {
  readmeTable(readme: URL, heading: string, columns: readonly string[]): Row[];
  expectTableMatchesCodes(
    rows: readonly Row[],
    codes: Readonly<Record<string, unknown>>,
    required: readonly string[],
  ): void;
};

const rows = readmeTable(new URL('../README.md', import.meta.url), 'Exit status and errors', [
  'code',
  'exit status',
  'meaning',
  'fix',
]);

describe('agent error codes, exit statuses and the README errors table stay in step', () => {
  it('documents every code of AGENT_ERROR_CODES and no other, each with a meaning and a fix', () => {
    expectTableMatchesCodes(rows, AGENT_ERROR_CODES, ['meaning', 'fix']);
  });

  it('gives each code the exit status the command exits with', () => {
    expect(Object.keys(EXIT_STATUS).sort()).toEqual(Object.keys(AGENT_ERROR_CODES).sort());
    for (const row of rows) {
      expect(row['exit status'], row.code).toBe(String(EXIT_STATUS[row.code as AgentErrorCode]));
    }
  });
});
