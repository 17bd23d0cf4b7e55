import type {
  ApiKey,
  CreatedApiKey,
  Feedback,
  Forecast,
  IngestResponse,
  KeyScope,
  Level,
  LogFacets,
  LogsPage,
  MeResponse,
  Project,
  RegisterResponse,
  RiskPoint,
  User,
} from '@cloudsage/schema';
import { request } from './http.js';

// Type-only imports: the dashboard shares the schema's shapes, never its runtime (zod stays out of the bundle).

const enc = encodeURIComponent;

/** The signed-in user, or undefined when there is no session. */
export async function me(): Promise<User | undefined> {
  try {
    const body = await request<MeResponse>('/api/auth/me');
    return 'user' in body ? body.user : undefined;
  } catch (err) {
    if ((err as { status?: number }).status === 401) return undefined;
    throw err;
  }
}

export const login = (email: string, password: string) =>
  request<{ user: User }>('/api/auth/login', { method: 'POST', json: { email, password } }).then((b) => b.user);

export const register = (email: string, password: string) =>
  request<RegisterResponse>('/api/auth/register', { method: 'POST', json: { email, password } }).then((b) => b.user);

export const logout = () => request<void>('/api/auth/logout', { method: 'POST' });

export const listProjects = () => request<Project[]>('/api/projects');
export const getProject = (id: string) => request<Project>(`/api/projects/${enc(id)}`);
export const createProject = (name: string) => request<Project>('/api/projects', { method: 'POST', json: { name } });
export const renameProject = (id: string, name: string) =>
  request<Project>(`/api/projects/${enc(id)}`, { method: 'PUT', json: { name } });
export const deleteProject = (id: string) => request<void>(`/api/projects/${enc(id)}`, { method: 'DELETE' });

export const listKeys = (projectId: string) => request<ApiKey[]>(`/api/projects/${enc(projectId)}/keys`);
export const createKey = (projectId: string, name: string, scopes: KeyScope[]) =>
  request<CreatedApiKey>(`/api/projects/${enc(projectId)}/keys`, { method: 'POST', json: { name, scopes } });
export const revokeKey = (projectId: string, keyId: string) =>
  request<void>(`/api/projects/${enc(projectId)}/keys/${enc(keyId)}`, { method: 'DELETE' });

export const riskHistory = (projectId: string, days = 30) =>
  request<RiskPoint[]>(`/api/risk-history/${enc(projectId)}?days=${days}`);

export const forecast = (projectId: string, refresh = false) =>
  request<Forecast>(`/api/forecast/${enc(projectId)}${refresh ? '?refresh=1' : ''}`);

export const sendFeedback = (projectId: string, forecastId: string, accurate: boolean) =>
  request<Feedback>(`/api/forecast/${enc(projectId)}/feedback`, { method: 'POST', json: { forecastId, accurate } });

/** Filters of the recent-logs view. */
export interface LogsQuery {
  level?: Level | undefined;
  q?: string | undefined;
  /** Time range (ISO-8601), e.g. from a forecast action's evidence. */
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number;
  traceId?: string | undefined;
}

export function recentLogs(projectId: string, query: LogsQuery, signal?: AbortSignal): Promise<LogsPage> {
  const params = new URLSearchParams({ limit: String(query.limit ?? 50) });
  if (query.level) params.set('level', query.level);
  if (query.q) params.set('q', query.q);
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.cursor) params.set('cursor', query.cursor);
  if (query.traceId) params.set('traceId', query.traceId);
  return request<LogsPage>(`/api/projects/${enc(projectId)}/logs?${params}`, { signal });
}

/** Counts by level, service and host over the logs the same filter selects (no paging). */
export function logFacets(projectId: string, query: LogsQuery, signal?: AbortSignal): Promise<LogFacets> {
  const params = new URLSearchParams();
  if (query.level) params.set('level', query.level);
  if (query.q) params.set('q', query.q);
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.traceId) params.set('traceId', query.traceId);
  return request<LogFacets>(`/api/projects/${enc(projectId)}/logs/facets?${params}`, { signal });
}

/** Options of {@link ingest}. */
export interface IngestOptions {
  /** The body is gzip (sent with `Content-Encoding: gzip`). */
  gzipped?: boolean;
  /** Makes a retry of this batch count once (the server remembers it a day). */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** Sends one ingest batch as the user (cookie), naming the project in the query. */
export function ingest(
  projectId: string,
  body: BodyInit,
  contentType: string,
  options: IngestOptions = {},
): Promise<IngestResponse> {
  const headers: Record<string, string> = {};
  if (options.gzipped) headers['content-encoding'] = 'gzip';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  return request<IngestResponse>(`/api/ingest?projectId=${enc(projectId)}`, {
    method: 'POST',
    body,
    contentType,
    headers,
    signal: options.signal,
  });
}
