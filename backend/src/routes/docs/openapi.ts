import { ErrorBody, LogRecord } from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { keyScopeOf, type RouteAuth } from '../../plugins/route-access.js';
import { type DocBody, type RouteDoc, TAGS } from './route-doc.js';

/** One method of one registered route, with what the route declared about itself. */
export interface DocumentedRoute {
  method: string;
  url: string;
  auth: RouteAuth;
  config: FastifyContextConfig;
  doc: RouteDoc;
}

/**
 * Collects every route registered after it in this scope (and its children) that describes itself
 * in `config.openapi`. A route without a description fails to register, so none can be left out;
 * `openapi: false` keeps what is not part of the API (the dashboard's files) out on purpose.
 *
 * @example
 * const routes = collectRoutes(app); // then register the route plugins; buildOpenApi(routes, version)
 */
export function collectRoutes(app: FastifyInstance): DocumentedRoute[] {
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    const config = route.config ?? {};
    const methods = [route.method].flat().filter((m) => m !== 'HEAD');
    if (config.openapi === undefined && methods.length > 0) {
      throw new Error(
        `${methods.join(',')} ${route.url}: describe the route in config.openapi (false to leave it out)`,
      );
    }
    if (!config.openapi) return;
    const auth = config.auth;
    if (auth === undefined) throw new Error(`${methods.join(',')} ${route.url}: declare config.auth`);
    for (const method of methods) routes.push({ method, url: route.url, auth, config, doc: config.openapi });
  });
  return routes;
}

// `:id` is the project in every `/api/projects/:id` route: the document names it `projectId`, as the
// forecast and risk-history routes do, so a client sees one name for one thing.
const PATH_PARAMETERS: Record<string, { name: string; description: string }> = {
  id: { name: 'projectId', description: 'the project' },
  projectId: { name: 'projectId', description: 'the project' },
  keyId: { name: 'keyId', description: 'the API key' },
};

function pathParameter(name: string): { name: string; description: string } {
  const known = PATH_PARAMETERS[name];
  if (!known) throw new Error(`path parameter :${name} has no description in PATH_PARAMETERS`);
  return known;
}

/** The route's URL as an OpenAPI path: `/api/projects/:id/keys/:keyId` -> `/api/projects/{projectId}/keys/{keyId}`. */
export function documentedPath(url: string): string {
  if (url.includes('*')) throw new Error(`${url}: a wildcard route cannot be documented`);
  return url.replace(/:(\w+)/g, (_, name: string) => `{${pathParameter(name).name}}`);
}

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid input, naming the field',
  401: 'missing or invalid credentials (credentials that do not verify answer 401 on every route)',
  403: 'the API key lacks the scope, or a cookie-authenticated write lacks its X-CSRF-Token',
  404: 'not found, or not yours',
  409: 'conflict',
  413: 'too large',
  415: 'unsupported content type or encoding',
  429: 'rate limited; see Retry-After',
  503: 'a store is down; see Retry-After',
};

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The error statuses a route's declaration implies, whatever its handler does: 401 everywhere (the
 * auth hook refuses credentials that do not verify on public routes too); 403 where the route takes
 * no key of any scope, and on writes that read the session cookie (CSRF); 404 where a path parameter
 * names a resource; 400 for a query or body, and 413/415 for a body.
 */
function impliedErrors(route: DocumentedRoute): number[] {
  const { auth, config, doc } = route;
  const statuses = [401];
  const takesAnyKey = auth !== 'public' && auth.includes('key');
  const csrf = WRITE_METHODS.has(route.method) && !config.ignoreSessionCookie;
  if ((auth !== 'public' && !takesAnyKey) || csrf) statuses.push(403);
  if (route.url.includes(':')) statuses.push(404);
  if (doc.query || doc.body) statuses.push(400);
  if (doc.body) statuses.push(413, 415);
  return statuses;
}

function json(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}

function requestBody(body: DocBody): unknown {
  const entries = body instanceof z.ZodType ? { 'application/json': body } : body;
  const content: Record<string, unknown> = {};
  for (const [type, s] of Object.entries(entries)) {
    content[type] = {
      schema:
        s === 'binary' ? { type: 'string', format: 'binary' } : s === 'text' ? { type: 'string' } : json(s, 'input'),
    };
  }
  return { required: true, content };
}

function parameters(route: DocumentedRoute): unknown[] {
  const params: unknown[] = [];
  for (const m of route.url.matchAll(/:(\w+)/g)) {
    params.push({ ...pathParameter(m[1] as string), in: 'path', required: true, schema: { type: 'string' } });
  }
  if (!route.doc.query) return params;
  const query = json(route.doc.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  for (const [name, property] of Object.entries(query.properties ?? {})) {
    const { description, ...schema } = property as { description?: string };
    const required = query.required?.includes(name) ?? false;
    params.push({ name, in: 'query', required, ...(description ? { description } : {}), schema });
  }
  return params;
}

/**
 * The security requirements of a declared auth, any one of which suffices. A user signs in with a
 * Bearer JWT or the session cookie; a key goes as a Bearer `csk_` token or in `x-cloudsage-key`
 * (and as `?key=` on a `keyInQuery` route); a key's required scope is the requirement's role
 * (OpenAPI 3.1, "Security Requirement Object").
 */
function security(auth: RouteAuth, keyInQuery = false): Record<string, string[]>[] {
  if (auth === 'public') return [];
  const out: Record<string, string[]>[] = [];
  if (auth.includes('user')) out.push({ bearer: [] }, { cookie: [] });
  if (auth.some((c) => c !== 'user')) {
    const scope = keyScopeOf(auth);
    const roles = auth.includes('key') || scope === undefined ? [] : [scope];
    out.push({ keyBearer: roles }, { apiKey: roles });
    if (keyInQuery) out.push({ apiKeyInQuery: roles });
  }
  return out;
}

function responses(route: DocumentedRoute): Record<string, unknown> {
  const { status = 200, response, responseDescription = 'OK', errors = [], errorShape = 'ErrorBody' } = route.doc;
  const content =
    response === undefined
      ? {}
      : typeof response === 'string'
        ? { content: { [response]: { schema: { type: 'string' } } } }
        : { content: { 'application/json': { schema: json(response, 'output') } } };
  const out: Record<string, unknown> = { [status]: { description: responseDescription, ...content } };
  const errorRef = { schema: { $ref: `#/components/schemas/${errorShape}` } };
  const errorContent =
    errorShape === 'RpcStatus'
      ? { 'application/json': errorRef, 'application/x-protobuf': errorRef }
      : { 'application/json': errorRef };
  const statuses = [...new Set([...impliedErrors(route), ...errors])].sort((a, b) => a - b);
  for (const status of statuses) {
    out[status] = { description: ERROR_TEXT[status] ?? 'error', content: errorContent };
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of the HTTP API, collected from the registered routes: paths, methods
 * and auth are the routes' own, and shapes come from the zod schemas the handlers parse with, so
 * the document cannot drift from the code.
 *
 * @example
 * const doc = buildOpenApi(collected, '0.1.0'); // doc.paths['/api/ingest'].post
 */
export function buildOpenApi(routes: readonly DocumentedRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const params = parameters(route);
    const path = documentedPath(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      summary: route.doc.summary,
      tags: [route.doc.tag],
      security: security(route.auth, route.config.keyInQuery),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(route.doc.body ? { requestBody: requestBody(route.doc.body) } : {}),
      responses: responses(route),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'CloudSage API',
      version,
      description:
        'Ship logs, read the risk score, its history and the daily forecast. Errors are { error: { code, message, details? } }.',
    },
    servers: [{ url: '/' }],
    tags: TAGS.map((name) => ({ name })),
    paths,
    components: {
      schemas: {
        ErrorBody: json(ErrorBody, 'output'),
        LogRecord: json(LogRecord, 'output'),
        RpcStatus: {
          type: 'object',
          description: 'google.rpc.Status in the request encoding; message is "<error code>: <message>"',
          properties: { code: { type: 'integer' }, message: { type: 'string' } },
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a user JWT from login' },
        keyBearer: { type: 'http', scheme: 'bearer', description: 'a project API key (csk_...)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-cloudsage-key', description: 'a project API key' },
        apiKeyInQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'key',
          description: 'the events stream only (EventSource cannot set headers); refused with 401 elsewhere',
        },
        cookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'cloudsage_session',
          description: 'the dashboard session; writes also need X-CSRF-Token',
        },
      },
    },
  };
}
