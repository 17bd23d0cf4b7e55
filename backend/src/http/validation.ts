import type { z } from 'zod';
import { AppError } from '../errors.js';

function fail(code: 'invalid_body' | 'invalid_query' | 'invalid_header', error: z.ZodError): never {
  const issue = error.issues[0];
  // A strict schema's unknown key has an empty path: name the key itself.
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : unknownKey;
  const message = issue ? `${field ?? 'value'}: ${issue.message}` : 'invalid input';
  throw new AppError(code, message, { details: field === undefined ? undefined : { field } });
}

/**
 * Refuses a NUL character in any string of a parsed value, naming its field: PostgreSQL text
 * cannot hold one (the insert would fail as a 500), and no name, email or URL needs it.
 */
function refuseNul(value: unknown, code: 'invalid_body' | 'invalid_query', path: string[] = []): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      const field = path.join('.') || undefined;
      throw new AppError(code, `${field ?? 'value'}: must not contain NUL characters`, {
        details: field === undefined ? undefined : { field },
      });
    }
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) refuseNul(v, code, [...path, String(i)]);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) refuseNul(v, code, [...path, k]);
  }
}

/**
 * Parses a request body with a schema, or throws 400 `invalid_body` naming the first bad field.
 *
 * @example
 * const { name } = parseBody(CreateProjectRequest, request.body);
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  // No body at all reads as `{}` (every field absent); a JSON `null` is a body, and a wrong one.
  const parsed = schema.safeParse(body === undefined ? {} : body);
  if (!parsed.success) fail('invalid_body', parsed.error);
  refuseNul(parsed.data, 'invalid_body');
  return parsed.data;
}

/** Parses query parameters with a schema, or throws 400 `invalid_query` naming the first bad one. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) fail('invalid_query', parsed.error);
  refuseNul(parsed.data, 'invalid_query');
  return parsed.data;
}
