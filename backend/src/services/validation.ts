import type { z } from 'zod';
import { AppError } from '../errors.js';

function fail(code: 'invalid_body' | 'invalid_query' | 'invalid_header', error: z.ZodError): never {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue ? `${field ?? 'value'}: ${issue.message}` : 'invalid input';
  throw new AppError(code, message, { details: field === undefined ? undefined : { field } });
}

/**
 * Parses a request body with a schema, or throws 400 `invalid_body` naming the first bad field.
 *
 * @example
 * const { name } = parseBody(CreateProjectRequest, request.body);
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) fail('invalid_body', parsed.error);
  return parsed.data;
}

/** Parses query parameters with a schema, or throws 400 `invalid_query` naming the first bad one. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) fail('invalid_query', parsed.error);
  return parsed.data;
}
