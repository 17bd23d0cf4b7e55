import { z } from 'zod';

/**
 * Every error answer of the HTTP API: `{ error: { code, message, details? } }`.
 *
 * @example
 * ErrorBody.parse({ error: { code: 'not_found', message: 'project not found' } });
 */
export const ErrorBody = z.object({
  error: z.object({
    /** Stable machine-readable code, e.g. `invalid_body`, `not_found`, `rate_limited`. */
    code: z.string(),
    message: z.string(),
    /** Extra detail, e.g. `{ field: 'email' }` for a 400. */
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
