import { Pool } from 'undici';
import type { HttpClient } from './http.js';

/**
 * The default HTTP layer: one undici `Pool` per client, keep-alive connections to the endpoint.
 *
 * @example
 * const http = createUndiciHttp('http://127.0.0.1:3001');
 */
export function createUndiciHttp(endpoint: string, connections = 4): HttpClient {
  const url = new URL(endpoint);
  const prefix = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, { connections, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
  return {
    async request(req) {
      const res = await pool.request({
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
      await pool.destroy().catch(() => undefined);
    },
  };
}
