/** A request as the client's HTTP layer sees it. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path and query, appended to the endpoint (`/api/ingest`). */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  signal?: AbortSignal;
}

/** A response, read in full. */
export interface HttpResponse {
  status: number;
  /** A response header by lower-case name. */
  header(name: string): string | undefined;
  body: string;
}

/**
 * The small HTTP seam under the sender and the read API: undici by default, or the `fetch` option.
 *
 * @example
 * const res = await http.request({ method: 'GET', path: '/api/auth/me', headers: {} });
 */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/**
 * Runs `fn` with a signal that aborts when `outer` aborts or after `timeoutMs` (an unref'd timer).
 * Answers whether the timeout fired, so callers can tell a timeout from a shutdown.
 *
 * @example
 * await withTimeout(5000, signal, (s) => http.request({ ...req, signal: s }));
 */
export async function withTimeout<T>(
  timeoutMs: number,
  outer: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new RequestTimeoutError(timeoutMs)), timeoutMs);
  timer.unref?.();
  try {
    return await fn(controller.signal);
  } catch (err) {
    if (controller.signal.reason instanceof RequestTimeoutError) throw controller.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}

/** Thrown by {@link withTimeout} when the request outlived `timeoutMs`. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`request timed out after ${timeoutMs} ms`);
  }
}
