// The real CloudSage backend for the integration tests of @cloudsage/pino, /winston and /otel: started
// in-process on a free port over a fresh SQLite store, with a user, a project and an ingest key made
// through the HTTP API, the way a user would. Shared by the three packages' tests (test code only).
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogRecord } from '@cloudsage/schema';

/** What these tests use of the backend's test harness (`backend/test/support/app.ts`). */
interface TestApp {
  url: string;
  close(): Promise<void>;
}

// Loaded by path at run time (vitest compiles it) rather than imported statically: this package's
// typecheck must not follow into the backend's sources, which the backend's own typecheck covers.
const HARNESS = new URL('../../../../backend/test/support/app.ts', import.meta.url).href;

async function startTestApp(): Promise<TestApp> {
  const harness = (await import(HARNESS)) as { startTestApp(o: { env: Record<string, string> }): Promise<TestApp> };
  // Ingest decoding inline: these tests send a few small batches, and the machine's cores are shared.
  return harness.startTestApp({ env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
}

/** A running backend with one project and its keys. */
export interface Backend {
  /** `http://127.0.0.1:<port>`, the SDK's `endpoint`. */
  url: string;
  projectId: string;
  /** An `ingest`-scoped key. */
  ingestKey: string;
  /** The user's bearer token, for the read API. */
  token: string;
  app: TestApp;
  /** Every stored record of the project, oldest first (pages through the read API). */
  logs(): Promise<LogRecord[]>;
  close(): Promise<void>;
}

async function call<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Starts the backend (`backend/test/support/app.ts`), registers a user, logs in, creates a project and
 * an ingest key through the HTTP API.
 */
export async function startBackend(): Promise<Backend> {
  const app = await startTestApp();
  const { url } = app;
  const credentials = { email: `dev-${Math.random().toString(36).slice(2)}@example.com`, password: 'correct horse' };
  await call(`${url}/api/auth/register`, { method: 'POST', body: JSON.stringify(credentials) });
  const { token } = await call<{ token: string }>(`${url}/api/auth/login`, {
    method: 'POST',
    body: JSON.stringify(credentials),
  });
  const project = await call<{ id: string }>(`${url}/api/projects`, {
    method: 'POST',
    token,
    body: JSON.stringify({ name: 'integrations' }),
  });
  const key = await call<{ key: string }>(`${url}/api/projects/${project.id}/keys`, {
    method: 'POST',
    token,
    body: JSON.stringify({ name: 'ingest', scopes: ['ingest'] }),
  });
  return {
    url,
    projectId: project.id,
    ingestKey: key.key,
    token,
    app,
    async logs() {
      const out: LogRecord[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: { logs: LogRecord[]; nextCursor: string | null } = await call(
          `${url}/api/projects/${project.id}/logs?limit=1000${query}`,
          { token },
        );
        out.push(...page.logs);
        cursor = page.nextCursor;
      } while (cursor);
      return out.reverse();
    },
    close: () => app.close(),
  };
}

/** A reverse proxy in front of the backend that answers the first ingest posts with errors. */
export interface FlakyProxy {
  url: string;
  /** Ingest posts seen, refused ones included. */
  readonly posts: number;
  /** Ingest posts refused so far. */
  readonly refused: number;
  close(): Promise<void>;
}

/** One scripted answer: a status sent without forwarding, or `lost-ack` (forwarded, then answered 503). */
export type ProxyFailure = number | 'lost-ack';

/**
 * Answers the first `failures.length` `POST /api/ingest` requests as scripted and passes everything
 * else through. A status (429 and 503 carry `Retry-After: 0`, so the client's own backoff decides the
 * wait) is answered without forwarding; `lost-ack` forwards the batch, lets the backend store it, and
 * answers 503 anyway, as when a connection drops after the commit: the retry must not store it twice.
 */
export async function startFlakyProxy(target: string, failures: ProxyFailure[]): Promise<FlakyProxy> {
  const upstream = new URL(target);
  let posts = 0;
  let refused = 0;
  const refuse = (res: ServerResponse, status: number) => {
    res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' });
    res.end(JSON.stringify({ error: { code: status === 429 ? 'rate_limited' : 'unavailable', message: 'busy' } }));
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const isIngest = req.method === 'POST' && req.url?.startsWith('/api/ingest');
    if (isIngest) posts++;
    const failure = isIngest ? failures[posts - 1] : undefined;
    if (typeof failure === 'number') {
      refused++;
      req.resume();
      req.on('end', () => refuse(res, failure));
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        if (failure === 'lost-ack') {
          refused++;
          up.resume();
          up.on('end', () => refuse(res, 503));
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get posts() {
      return posts;
    },
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
