/** An operation of the OpenAPI document, as far as the drift checks read it. */
export interface DocOperation {
  security: Record<string, string[]>[];
  responses: Record<string, unknown>;
}

/** The OpenAPI document, as far as the drift checks read it. */
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, DocOperation>>;
  components: { securitySchemes: Record<string, unknown> };
}

/**
 * Routes that are not part of the API and are left out of the document on purpose: the dashboard's
 * files and its SPA fallback, and the files of the rendered reference page. Keyed like `ROUTE_KINDS`
 * (`METHOD url-pattern`).
 */
export const UNDOCUMENTED_ROUTES = new Set([
  'GET /*',
  'GET /api/reference/start.js',
  'GET /api/reference/swagger-ui-bundle.js',
  'GET /api/reference/style.css',
]);

/**
 * `METHOD /path/{}`: a route and a document path compared by shape, since the document may name a
 * path parameter differently (`/api/projects/:id` is `/api/projects/{projectId}`).
 *
 * @example
 * shapeOf('get', '/api/projects/{projectId}') === shapeOf('GET', '/api/projects/:id'); // true
 */
export function shapeOf(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{\w+\}|:\w+/g, '{}')}`;
}

/** Fetches `/api/docs` from a running app. */
export async function fetchDoc(base: string): Promise<OpenApiDoc> {
  const res = await fetch(`${base}/api/docs`);
  if (res.status !== 200) throw new Error(`GET /api/docs answered ${res.status}`);
  return (await res.json()) as OpenApiDoc;
}

/** Every operation of the document by its shape (see {@link shapeOf}). */
export function operationsByShape(doc: OpenApiDoc): Map<string, DocOperation> {
  const out = new Map<string, DocOperation>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) out.set(shapeOf(method, path), op);
  }
  return out;
}
