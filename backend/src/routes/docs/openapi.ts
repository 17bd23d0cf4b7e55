import {
  ApiKey,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreateProjectRequest,
  Credentials,
  ErrorBody,
  Feedback,
  FeedbackRequest,
  Forecast,
  IngestEnvelope,
  IngestResponse,
  LoginResponse,
  LogRecord,
  LogsPage,
  MeResponse,
  Project,
  RegisterResponse,
  RiskHistory,
  UpdateProjectRequest,
} from '@cloudsage/schema';
import { z } from 'zod';
import { ScoringState } from '../../services/dispatch/parked-windows.js';

type Schema = z.ZodType;
type Auth = 'none' | 'user' | 'read' | 'ingest';

/** One operation of the API table, described by the same zod schemas the code validates with. */
interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  auth: Auth;
  tag: string;
  body?: Schema | { [contentType: string]: Schema | 'binary' | 'text' };
  query?: Record<string, { schema: Schema; description: string }>;
  /** Also takes an API key as `?key=` (the events stream: EventSource cannot set headers). */
  keyInQuery?: boolean;
  ok: { status: number; schema?: Schema; description?: string; contentType?: string };
  errors: number[];
}

const projectId = { name: 'projectId', in: 'path', required: true, schema: { type: 'string' } } as const;

const OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/api/auth/register',
    summary: 'Create an account; sets the session cookie',
    auth: 'none',
    tag: 'auth',
    body: Credentials,
    ok: { status: 201, schema: RegisterResponse },
    errors: [400, 409, 413, 415, 429],
  },
  {
    method: 'post',
    path: '/api/auth/login',
    summary: 'Log in: a JWT for API clients and the session cookie',
    auth: 'none',
    tag: 'auth',
    body: Credentials,
    ok: { status: 200, schema: LoginResponse },
    errors: [400, 401, 415, 429],
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Revoke the token and clear the cookie',
    auth: 'user',
    tag: 'auth',
    ok: { status: 204 },
    errors: [401],
  },
  {
    method: 'get',
    path: '/api/auth/me',
    summary: 'Who is calling: a user, or a key with its project and scopes',
    auth: 'read',
    tag: 'auth',
    ok: { status: 200, schema: MeResponse },
    errors: [401],
  },
  {
    method: 'get',
    path: '/api/projects',
    summary: 'Your projects with their latest score and trend',
    auth: 'user',
    tag: 'projects',
    ok: { status: 200, schema: z.array(Project) },
    errors: [401],
  },
  {
    method: 'post',
    path: '/api/projects',
    summary: 'Create a project',
    auth: 'user',
    tag: 'projects',
    body: CreateProjectRequest,
    ok: { status: 201, schema: Project },
    errors: [400, 401, 413, 415],
  },
  {
    method: 'get',
    path: '/api/projects/{projectId}',
    summary: 'One project, with its scoring state (windows parked because their logs cannot be read)',
    auth: 'user',
    tag: 'projects',
    ok: { status: 200, schema: Project.extend({ scoring: ScoringState }) },
    errors: [401, 404],
  },
  {
    method: 'put',
    path: '/api/projects/{projectId}',
    summary: 'Rename a project or set its alert webhook',
    auth: 'user',
    tag: 'projects',
    body: UpdateProjectRequest,
    ok: { status: 200, schema: Project },
    errors: [400, 401, 404, 415],
  },
  {
    method: 'delete',
    path: '/api/projects/{projectId}',
    summary: 'Delete a project with its logs, history and keys',
    auth: 'user',
    tag: 'projects',
    ok: { status: 204 },
    errors: [401, 404],
  },
  {
    method: 'get',
    path: '/api/projects/{projectId}/keys',
    summary: 'The project API keys (never the secret)',
    auth: 'user',
    tag: 'keys',
    ok: { status: 200, schema: z.array(ApiKey) },
    errors: [401, 404],
  },
  {
    method: 'post',
    path: '/api/projects/{projectId}/keys',
    summary: 'Create a key; the secret `key` is shown only here',
    auth: 'user',
    tag: 'keys',
    body: CreateApiKeyRequest,
    ok: { status: 201, schema: CreatedApiKey },
    errors: [400, 401, 404, 415],
  },
  {
    method: 'delete',
    path: '/api/projects/{projectId}/keys/{keyId}',
    summary: 'Revoke a key',
    auth: 'user',
    tag: 'keys',
    ok: { status: 204 },
    errors: [401, 404],
  },
  {
    method: 'post',
    path: '/api/ingest',
    summary: 'Ingest a batch of logs (gzip allowed; Idempotency-Key makes a retry count once)',
    auth: 'ingest',
    tag: 'ingest',
    body: {
      'application/x-ndjson': 'text',
      'application/json': z.union([z.array(z.record(z.string(), z.unknown())), IngestEnvelope]),
      'text/plain': 'text',
    },
    query: { projectId: { schema: z.string(), description: 'the project (required with a user token)' } },
    ok: { status: 202, schema: IngestResponse },
    errors: [400, 401, 403, 404, 413, 415, 429, 503],
  },
  {
    method: 'post',
    path: '/v1/logs',
    summary: 'OpenTelemetry OTLP/HTTP logs (protobuf or JSON), with partial-success answers',
    auth: 'ingest',
    tag: 'ingest',
    body: { 'application/x-protobuf': 'binary', 'application/json': z.record(z.string(), z.unknown()) },
    ok: { status: 200, description: 'ExportLogsServiceResponse' },
    errors: [400, 401, 413, 415, 429, 503],
  },
  {
    method: 'get',
    path: '/api/projects/{projectId}/logs',
    summary: 'Recent logs, newest first, paged by cursor',
    auth: 'read',
    tag: 'read',
    query: {
      from: { schema: z.string(), description: 'ISO-8601 start' },
      to: { schema: z.string(), description: 'ISO-8601 end' },
      level: { schema: z.string(), description: 'minimum level' },
      q: { schema: z.string(), description: 'text search' },
      limit: { schema: z.number().int(), description: 'page size' },
      cursor: { schema: z.string(), description: 'from the previous page' },
    },
    ok: { status: 200, schema: LogsPage },
    errors: [400, 401, 404],
  },
  {
    method: 'get',
    path: '/api/risk-history/{projectId}',
    summary: 'Risk points, oldest first',
    auth: 'read',
    tag: 'read',
    query: { days: { schema: z.number().int(), description: 'days back (default 30)' } },
    ok: { status: 200, schema: RiskHistory },
    errors: [400, 401, 404],
  },
  {
    method: 'get',
    path: '/api/forecast/{projectId}',
    summary: "Today's forecast, cached per project and UTC day",
    auth: 'read',
    tag: 'read',
    query: { refresh: { schema: z.enum(['1']), description: 'make a new forecast' } },
    ok: { status: 200, schema: Forecast },
    errors: [401, 404],
  },
  {
    method: 'post',
    path: '/api/forecast/{projectId}/feedback',
    summary: 'Vote on a forecast',
    auth: 'read',
    tag: 'read',
    body: FeedbackRequest,
    ok: { status: 201, schema: Feedback },
    errors: [400, 401, 404, 415],
  },
  {
    method: 'get',
    path: '/api/projects/{projectId}/events',
    summary: 'Server-Sent Events: score, forecast, ingest',
    auth: 'read',
    keyInQuery: true,
    tag: 'read',
    ok: { status: 200, contentType: 'text/event-stream', description: 'an event stream' },
    errors: [401, 404],
  },
  { method: 'get', path: '/healthz', summary: 'Liveness', auth: 'none', tag: 'ops', ok: { status: 200 }, errors: [] },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the stores answer',
    auth: 'none',
    tag: 'ops',
    ok: { status: 200 },
    errors: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    auth: 'none',
    tag: 'ops',
    ok: { status: 200, contentType: 'text/plain' },
    errors: [],
  },
];

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid input, naming the field',
  401: 'missing or invalid credentials',
  403: 'the key lacks the scope',
  404: 'not found, or not yours',
  409: 'conflict',
  413: 'too large',
  415: 'unsupported content type',
  429: 'rate limited; see Retry-After',
  503: 'a store is down; see Retry-After',
};

function json(schema: Schema, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

function requestBody(body: NonNullable<Operation['body']>): unknown {
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

function security(auth: Auth, keyInQuery = false): unknown[] {
  if (auth === 'none') return [];
  if (auth === 'user') return [{ bearer: [] }, { cookie: [] }];
  return [{ bearer: [] }, { cookie: [] }, { apiKey: [] }, ...(keyInQuery ? [{ apiKeyInQuery: [] }] : [])];
}

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the routes validate with,
 * so it cannot drift from them.
 *
 * @example
 * const doc = buildOpenApi('0.1.0'); // doc.paths['/api/ingest'].post
 */
export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params: unknown[] = [];
    for (const m of op.path.matchAll(/\{(\w+)\}/g)) params.push({ ...projectId, name: m[1] });
    for (const [name, q] of Object.entries(op.query ?? {})) {
      params.push({ name, in: 'query', required: false, description: q.description, schema: json(q.schema, 'input') });
    }
    const responses: Record<string, unknown> = {
      [op.ok.status]: {
        description: op.ok.description ?? 'OK',
        ...(op.ok.schema
          ? { content: { 'application/json': { schema: json(op.ok.schema, 'output') } } }
          : op.ok.contentType
            ? { content: { [op.ok.contentType]: { schema: { type: 'string' } } } }
            : {}),
      },
    };
    for (const status of op.errors) {
      responses[status] = {
        description: ERROR_TEXT[status] ?? 'error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
      };
    }
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      tags: [op.tag],
      security: security(op.auth, op.keyInQuery),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(op.body ? { requestBody: requestBody(op.body) } : {}),
      responses,
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
    tags: ['auth', 'projects', 'keys', 'ingest', 'read', 'ops'].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ErrorBody: json(ErrorBody, 'output'), LogRecord: json(LogRecord, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'a user JWT from login, or a project API key (csk_...)',
        },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-cloudsage-key' },
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
