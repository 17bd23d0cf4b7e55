import { CloudSageError } from '@cloudsage/node';
import type { z } from 'zod';

/**
 * Codes this package throws, all as `CloudSageError` (the one error class of `@cloudsage/node`), so one
 * `instanceof` check covers every CloudSage package. The README's errors table lists the same codes, and
 * `test/errors-contract.test.ts` keeps the two in step both ways.
 */
export const ERROR_CODES = Object.freeze({
  invalid_options:
    'The options given to `CloudSageTransport` or `cloudsageTraceFormat()` are invalid (thrown at set-up).',
} as const);

/** A code from {@link ERROR_CODES}. */
export type WinstonErrorCode = keyof typeof ERROR_CODES;

/**
 * Builds the set-up error for a failed options parse, naming every problem.
 *
 * @example
 * throw invalidOptions('CloudSageTransport', parsed.error);
 */
export function invalidOptions(where: string, error: z.ZodError): CloudSageError {
  const problems = error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
  return new CloudSageError('invalid_options', `invalid ${where} options: ${problems}`, { details: error.issues });
}
