import type { Pool } from 'undici';
import type { HttpClient } from './http.js';

// undici is loaded on the first request, not at import: it costs ~20 MB of RSS and a few hundred
// milliseconds to load, which a process that logs nothing yet (or ships through its own `fetch`,
// like the agent) should not pay at start.
let undici: Promise<typeof import('undici')> | undefined;

/**
 * The default HTTP layer: one undici `Pool` per client, keep-alive connections to the endpoint.
 *
 * @example
 * const http = createUndiciHttp('http://127.0.0.1:3001');
 */
export function createUndiciHttp(endpoint: string, connections = 4): HttpClient {
  const url = new URL(endpoint);
  const prefix = url.pathname.replace(/\/+$/, '');
  let pool: Promise<Pool> | undefined;
  const open = () => {
    undici ??= import('undici');
    pool ??= undici.then(
      ({ Pool }) => new Pool(url.origin, { connections, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 }),
    );
    return pool;
  };
  return {
    async request(req) {
      const res = await (await open()).request({
        method: req.method,
        path: prefix + req.path,
        headers: req.headers,
        body: req.body === undefined ? null : req.body,
        signal: req.signal ?? null,
      });
      const body = await res.body.text();
      const headers = res.headers;
      return {
        status: res.statusCode,
        header(name) {
          const v = headers[name];
          return Array.isArray(v) ? v[0] : v;
        },
        body,
      };
    },
    async close() {
      if (!pool) return;
      await (await pool).destroy().catch(() => undefined);
    },
  };
}
