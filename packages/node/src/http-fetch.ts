import type { HttpClient } from './http.js';

/** The shape of `fetch` the client needs (the global one, undici's, msw's, Bun's, Deno's). */
export type FetchLike = (
  input: string,
  init: { method: string; headers: Record<string, string>; body?: Uint8Array | string; signal?: AbortSignal },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/**
 * The HTTP layer over a `fetch` function, for runtimes without undici and for msw in tests.
 *
 * @example
 * const http = createFetchHttp('http://127.0.0.1:3001', globalThis.fetch);
 */
export function createFetchHttp(endpoint: string, fetchFn: FetchLike): HttpClient {
  const base = endpoint.replace(/\/+$/, '');
  return {
    async request(req) {
      const init: Parameters<FetchLike>[1] = { method: req.method, headers: req.headers };
      if (req.body !== undefined) init.body = req.body;
      if (req.signal) init.signal = req.signal;
      const res = await fetchFn(base + req.path, init);
      const body = await res.text();
      return { status: res.status, header: (name) => res.headers.get(name) ?? undefined, body };
    },
    async close() {},
  };
}
