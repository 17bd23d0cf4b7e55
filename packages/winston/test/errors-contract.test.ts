import { ERROR_CODES as CLIENT_ERROR_CODES } from '@cloudsage/node';
import { expect, it } from 'vitest';
import { expectTableMatchesCodes, readmeTable } from '../../node/test/helpers/readme-table.js';
import { ERROR_CODES } from '../src/index.js';

// The README's errors table is the users' copy of ERROR_CODES; this keeps the two in step both ways
// (the way fastify's test/internals/errors.test.js keeps lib/errors.js and docs/Reference/Errors.md).
const rows = readmeTable(new URL('../README.md', import.meta.url), 'Errors', ['code', 'status', 'meaning', 'fix']);

it('documents every code of ERROR_CODES and no other, each with a status, a meaning and a fix', () => {
  expectTableMatchesCodes(rows, ERROR_CODES, ['status', 'meaning', 'fix']);
});

it('uses only codes of @cloudsage/node, whose CloudSageError it throws', () => {
  expect(Object.keys(ERROR_CODES).filter((c) => !Object.hasOwn(CLIENT_ERROR_CODES, c))).toEqual([]);
});
