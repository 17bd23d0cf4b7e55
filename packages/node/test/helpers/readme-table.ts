// Reads the errors table of a package README, for the tests that keep a package's error codes and its
// README in step both ways (each package's test/errors-contract.test.ts; test code only, shared by path
// like pino's test/support).
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** One row of the table, keyed by column name; `code` is the code without its backticks. */
export type TableRow = Record<string, string> & { code: string };

/**
 * The rows of the first table under `## <heading>` (up to the next `## ` heading). Fails the test when
 * the section is missing, its columns are not `columns`, or a row's first cell is not a `code`.
 *
 * @example
 * const rows = readmeTable(new URL('../README.md', import.meta.url), 'Errors', ['code', 'status', 'meaning', 'fix']);
 */
export function readmeTable(readme: URL, heading: string, columns: readonly string[]): TableRow[] {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThan(-1);
  const end = text.indexOf('\n## ', start + 1);
  const lines = text
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .filter((l) => l.startsWith('|'));
  // A cell may hold an escaped pipe (`\|`), which does not end it.
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  expect(cells(lines[0] ?? '')).toEqual(columns);
  return lines.slice(2).map((line) => {
    const values = cells(line);
    expect(values[0], line).toMatch(/^`[a-z_]+`$/);
    const row: Record<string, string> = {};
    columns.forEach((c, i) => {
      row[c] = values[i] ?? '';
    });
    return { ...row, code: (values[0] ?? '').slice(1, -1) };
  });
}

/**
 * Checks the table against a package's code list both ways: every code has a row, every row is a code,
 * no code has two rows, every code has a description, and every row fills each of `required`.
 *
 * @example
 * expectTableMatchesCodes(rows, ERROR_CODES, ['meaning', 'fix']);
 */
export function expectTableMatchesCodes(
  rows: readonly TableRow[],
  codes: Readonly<Record<string, unknown>>,
  required: readonly string[],
): void {
  const documented = rows.map((r) => r.code);
  expect(
    Object.keys(codes).filter((c) => !documented.includes(c)),
    'codes missing from the README',
  ).toEqual([]);
  expect(
    documented.filter((c) => !Object.hasOwn(codes, c)),
    'README rows for codes that do not exist',
  ).toEqual([]);
  expect(documented.length, 'codes documented twice').toBe(new Set(documented).size);
  for (const [code, description] of Object.entries(codes)) {
    if (typeof description === 'string') expect(description.trim(), code).not.toBe('');
  }
  for (const row of rows) for (const column of required) expect(row[column], `${row.code}: ${column}`).not.toBe('');
}
