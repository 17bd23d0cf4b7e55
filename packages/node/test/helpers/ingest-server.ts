import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request as the test server saw it. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The decoded body: NDJSON lines for ingest, or the raw text. */
  lines: string[];
  records: Array<Record<string, unknown>>;
  text: string;
}

/** A scripted answer: a status (and body/headers), a connection reset, or never answering. */
export type Scripted =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { reset: true }
  | { hang: true };

/**
 * A real node:http server standing in for the backend: records every request (gunzipping ingest
 * bodies), answers from a script, and by default accepts ingest batches with 202.
 */
export async function startServer(route?: (req: Received) => Scripted | undefined) {
  const requests: Received[] = [];
  const script: Scripted[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let closedRequests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
      const lines =
        req.headers['content-type'] === 'application/x-ndjson' ? text.split('\n').filter((l) => l !== '') : [];
      const received: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        lines,
        records: lines.map((l) => JSON.parse(l)),
        text,
      };
      requests.push(received);
      const answer = script.shift() ??
        route?.(received) ?? {
          status: 202,
          body: { batchId: `b${requests.length}`, accepted: lines.length, rejected: 0, errors: [] },
        };
      if ('reset' in answer) {
        req.socket.destroy();
        return;
      }
      if ('hang' in answer) {
        hanging.add(res);
        res.on('close', () => {
          closedRequests++;
        });
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script,
    /** Requests of `/api/ingest` only. */
    get batches() {
      return requests.filter((r) => r.url.startsWith('/api/ingest'));
    },
    get closedHangingRequests() {
      return closedRequests;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Resolves once `predicate` holds. Polls on the event loop (setImmediate, then every 10 ms for slow
 * things such as a child process starting); this waits for I/O, it is not a sleep standing in for time.
 */
export async function eventually(predicate: () => boolean, what = 'condition', maxMs = 20_000): Promise<void> {
  const start = performance.now();
  for (let i = 0; ; i++) {
    if (predicate()) return;
    if (performance.now() - start > maxMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => (i < 1000 ? setImmediate(r) : setTimeout(r, 10)));
  }
}
