// The real CloudSage backend (`backend/test/support/app.ts`), started in-process on a free port over a
// fresh SQLite store, with a user, a project, an ingest key and a read key made through the HTTP API.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface TestApp {
  url: string;
  close(): Promise<void>;
}

// Loaded by path at run time (vitest compiles it): this package's typecheck must not follow into the
// backend's sources, which the backend's own typecheck covers.
const HARNESS = new URL('../../../../backend/test/support/app.ts', import.meta.url).href;

/** A stored record as the logs API answers it. */
export interface StoredLog {
  time: string;
  level: string;
  msg: string;
  attributes?: Record<string, unknown>;
}

/** A running backend with one project and its keys. */
export interface Backend {
  url: string;
  projectId: string;
  ingestKey: string;
  readKey: string;
  /** Every stored message of the project. */
  messages(): Promise<string[]>;
  /** Every stored record of the project, newest first. */
  logs(): Promise<StoredLog[]>;
  close(): Promise<void>;
}

async function call<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Starts the backend and makes a user, a project and its keys through the API, as a user would. */
export async function startBackend(): Promise<Backend> {
  const harness = (await import(HARNESS)) as { startTestApp(o: { env: Record<string, string> }): Promise<TestApp> };
  const app = await harness.startTestApp({ env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
  const { url } = app;
  const credentials = { email: `agent-${Math.random().toString(36).slice(2)}@example.com`, password: 'correct horse' };
  await call(`${url}/api/auth/register`, { method: 'POST', body: JSON.stringify(credentials) });
  const { token } = await call<{ token: string }>(`${url}/api/auth/login`, {
    method: 'POST',
    body: JSON.stringify(credentials),
  });
  const project = await call<{ id: string }>(`${url}/api/projects`, {
    method: 'POST',
    token,
    body: JSON.stringify({ name: 'agent' }),
  });
  const key = async (scopes: string[]) =>
    (
      await call<{ key: string }>(`${url}/api/projects/${project.id}/keys`, {
        method: 'POST',
        token,
        body: JSON.stringify({ name: scopes.join('+'), scopes }),
      })
    ).key;
  const logs = async (): Promise<StoredLog[]> => {
    const out: StoredLog[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: { logs: StoredLog[]; nextCursor: string | null } = await call(
        `${url}/api/projects/${project.id}/logs?limit=1000${query}`,
        { token },
      );
      out.push(...page.logs);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  };
  const ingestKey = await key(['ingest']);
  const readKey = await key(['read']);
  return {
    url,
    projectId: project.id,
    ingestKey,
    readKey,
    messages: async () => (await logs()).map((l) => l.msg),
    logs,
    close: () => app.close(),
  };
}

/**
 * A proxy in front of the backend that forwards every request, but for the `holdAt`-th ingest post lets
 * the backend store the batch and then never answers (the agent dies before it sees the 202).
 */
export async function startLosingProxy(target: string, holdAt: number, onHold: () => void) {
  const upstream = new URL(target);
  let posts = 0;
  const server: Server = createServer((req, res) => {
    const isIngest = req.method === 'POST' && req.url?.startsWith('/api/ingest');
    const hold = isIngest && ++posts === holdAt;
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        if (hold) {
          up.resume();
          up.on('end', onHold);
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
