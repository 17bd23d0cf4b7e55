import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpClient } from './http.js';

/**
 * The HTTP layer over `node:http` with keep-alive sockets. It costs no module load beyond Node's own,
 * where undici costs ~10-20 MB of RSS: the agent, which runs beside the app it ships for, uses it.
 * Timeouts and shutdown come from the request's signal (the sender's `withTimeout`), as with the
 * other layers.
 *
 * @example
 * const http = createNodeHttp('http://127.0.0.1:3001', 4);
 * const res = await http.request({ method: 'GET', path: '/readyz', headers: {} });
 */
export function createNodeHttp(endpoint: string, connections = 4): HttpClient {
  const url = new URL(endpoint);
  const prefix = url.pathname.replace(/\/+$/, '');
  const https = url.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: connections })
    : new HttpAgent({ keepAlive: true, maxSockets: connections });
  const send = https ? httpsRequest : httpRequest;
  return {
    request(req) {
      return new Promise((resolve, reject) => {
        const body =
          req.body === undefined ? undefined : typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
        const headers = body === undefined ? req.headers : { ...req.headers, 'content-length': String(body.length) };
        const options = { method: req.method, agent, headers, ...(req.signal ? { signal: req.signal } : {}) };
        const r = send(new URL(prefix + req.path, url.origin), options, (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              header(name) {
                const v = res.headers[name];
                return Array.isArray(v) ? v[0] : v;
              },
              body: text,
            });
          });
        });
        r.on('error', reject);
        r.end(body);
      });
    },
    async close() {
      agent.destroy();
    },
  };
}
