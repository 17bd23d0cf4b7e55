import type { z } from 'zod';

/** The document's tags, in the order it lists them. */
export const TAGS = ['auth', 'projects', 'keys', 'ingest', 'read', 'ops'] as const;

/** A tag grouping operations in the document. */
export type Tag = (typeof TAGS)[number];

/** A request body: JSON of one schema, or per content type a schema, raw bytes or text. */
export type DocBody = z.ZodType | { readonly [contentType: string]: z.ZodType | 'binary' | 'text' };

/**
 * How a route describes itself in the OpenAPI document, declared as `config.openapi` on the route.
 * It is documentation only: Fastify neither validates nor serializes with it (the handlers parse
 * with the same zod schemas, keeping their error bodies), so declaring it changes no answer.
 * Path, method and auth come from the route itself, never from here.
 */
export interface RouteDoc {
  summary: string;
  tag: Tag;
  /** The route's query parameters (the zod schema its handler parses with, where it has one). */
  query?: z.ZodObject;
  body?: DocBody;
  /** The success status: 200 when not given. */
  status?: number;
  /** The success body: JSON of a zod schema, or a content type (`text/plain`) for a body of text. */
  response?: z.ZodType | string;
  responseDescription?: string;
  /**
   * Error statuses beyond those the route's declaration implies (`openapi.ts`, `impliedErrors`):
   * 401 everywhere, 403 by auth and CSRF, 404 by path parameters, 400/413/415 by a body or query.
   */
  errors?: readonly number[];
  /** The shape of error answers: ours, or OTLP's google.rpc.Status (OTLP spec, "Failures"). */
  errorShape?: 'ErrorBody' | 'RpcStatus';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's OpenAPI description; `false` for what is not part of the API (the dashboard's files). */
    openapi?: RouteDoc | false;
  }
}
