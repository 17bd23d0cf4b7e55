import type { Credentials } from './identities.js';

/** An answer as the matrix reads it; event streams are cut after their head. */
export interface MatrixReply {
  status: number;
  code: string | undefined;
  text: string;
  headers: Headers;
}

/** A body for a write route: JSON, or raw text with its type. */
export type MatrixBody = { json: unknown } | { raw: string; type: string };

const OTLP_JSON = JSON.stringify({
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'matrix' } }] },
      scopeLogs: [
        { logRecords: [{ timeUnixNano: '1764072000000000000', severityText: 'INFO', body: { stringValue: 'hi' } }] },
      ],
    },
  ],
});

/**
 * The body each write route is called with in the matrix, keyed like ROUTE_KINDS. A write route
 * missing here is sent `{}`, which its owner cell will then report.
 */
export function bodyFor(
  route: string,
  ctx: { email: string; password: string; forecastId: string },
): MatrixBody | undefined {
  switch (route) {
    case 'POST /api/auth/register':
      return { json: { email: `m-${Math.random().toString(36).slice(2, 10)}@example.com`, password: ctx.password } };
    case 'POST /api/auth/login':
      return { json: { email: ctx.email, password: ctx.password } };
    case 'POST /api/projects':
      return { json: { name: 'matrix' } };
    case 'PUT /api/projects/:id':
      return { json: { name: 'main' } };
    case 'POST /api/projects/:id/keys':
      return { json: { name: 'matrix', scopes: ['read'] } };
    case 'POST /api/forecast/:projectId/feedback':
      return { json: { forecastId: ctx.forecastId, accurate: true } };
    case 'POST /api/ingest':
      return { raw: '{"level":"info","msg":"matrix"}\n', type: 'application/x-ndjson' };
    case 'POST /v1/logs':
      return { raw: OTLP_JSON, type: 'application/json' };
    default:
      return route.startsWith('GET ') || route.startsWith('DELETE ') ? undefined : { json: {} };
  }
}

/** Sends one matrix request over a real socket. */
export async function send(
  base: string,
  method: string,
  path: string,
  credentials: Credentials,
  options: { query?: Record<string, string>; body?: MatrixBody; headers?: Record<string, string> } = {},
): Promise<MatrixReply> {
  const url = new URL(`${base}${path}`);
  for (const [k, v] of Object.entries({ ...options.query, ...credentials.query })) url.searchParams.set(k, v);
  const headers: Record<string, string> = { ...credentials.headers, ...options.headers };
  let body: string | undefined;
  if (options.body && 'json' in options.body) {
    body = JSON.stringify(options.body.json);
    headers['content-type'] = 'application/json';
  } else if (options.body) {
    body = options.body.raw;
    headers['content-type'] = options.body.type;
  }
  const controller = new AbortController();
  const res = await fetch(url, { method, headers, body, signal: controller.signal });
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    controller.abort();
    return { status: res.status, code: undefined, text: '', headers: res.headers };
  }
  const text = await res.text();
  let code: string | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string }; message?: unknown };
    // OTLP answers a google.rpc.Status whose message starts with our code.
    code =
      parsed.error?.code ?? (typeof parsed.message === 'string' ? /^(\w+): /.exec(parsed.message)?.[1] : undefined);
  } catch {
    // Not JSON (the dashboard, metrics): no code.
  }
  return { status: res.status, code, text, headers: res.headers };
}
