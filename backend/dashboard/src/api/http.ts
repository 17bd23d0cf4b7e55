/** An error answer of the API (`{ error: { code, message, details? } }`), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** The answer's `Retry-After` in ms (429, 503), when it gave one. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, code: string, message: string, details?: unknown, retryAfterMs?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterMs = retryAfterMs;
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The readable `csrf` cookie the backend sets beside the httpOnly session (double submit). */
export function csrfToken(): string {
  const match = /(?:^|;\s*)csrf=([^;]*)/.exec(document.cookie);
  return match?.[1] ? decodeURIComponent(match[1]) : '';
}

/** Options of {@link request}. */
export interface RequestOptions {
  method?: string;
  /** A JSON value, or a ready body (text, Blob) sent with `contentType`. */
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Listeners told when any call answers 401, so the app can send the user to the login page. */
const unauthorizedListeners = new Set<() => void>();

/** Subscribes to 401 answers; returns the unsubscribe function. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now. */
function retryAfterMsOf(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
    details = body.error?.details;
  } catch {
    // Not JSON (a proxy's page): keep the status text.
  }
  return new ApiError(res.status, code, message, details, retryAfterMsOf(res));
}

/**
 * Calls the API on this origin with the session cookie, echoing the CSRF cookie on writes.
 * Answers the parsed JSON (undefined for 204) or throws {@link ApiError}.
 *
 * @example
 * const projects = await request<Project[]>('/api/projects');
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.contentType) headers['content-type'] = options.contentType;
  if (WRITES.has(method)) headers['x-csrf-token'] = csrfToken();
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  if (!res.ok) {
    const error = await errorFrom(res);
    if (res.status === 401 && !path.startsWith('/api/auth/')) for (const l of unauthorizedListeners) l();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A message fit to show a user for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
