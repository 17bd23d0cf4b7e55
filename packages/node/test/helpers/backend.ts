// The real backend for the SDK's end-to-end tests: started in-process on a free port over a fresh SQLite
// store, with an account, a project and keys made through its HTTP API.
import type { LogRecord } from '@cloudsage/schema';

interface Harness {
  url: string;
  app: { bucket: unknown };
  sql: { store: { db: any } };
  close(): Promise<void>;
}

// Loaded by path at run time (vitest compiles it) rather than imported statically: this package's
// typecheck must not follow into the backend's sources, which the backend's own typecheck covers.
const HARNESS = new URL('../../../../backend/test/support/app.ts', import.meta.url).href;

/** A JSON request that throws on a non-2xx answer, with the status and body in the message. */
export async function json<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** The backend, a signed-in user's token and one project of theirs. */
export interface TestBackend {
  url: string;
  harness: Harness;
  token: string;
  projectId: string;
  /** Creates a project key with these scopes. */
  key(scopes: Array<'ingest' | 'read'>, projectId?: string): Promise<string>;
  /** Every stored record of the project, newest first (all pages). */
  logs(projectId?: string): Promise<LogRecord[]>;
  close(): Promise<void>;
}

/**
 * Starts the backend and signs up an account with one project.
 *
 * @example
 * const backend = await startTestBackend();
 * const apiKey = await backend.key(['ingest']);
 */
export async function startTestBackend(): Promise<TestBackend> {
  const { startTestApp } = (await import(HARNESS)) as { startTestApp(): Promise<Harness> };
  const harness = await startTestApp();
  const url = harness.url;
  const credentials = { email: `sdk-${Math.random().toString(36).slice(2)}@example.com`, password: 'correct horse' };
  await json(`${url}/api/auth/register`, { method: 'POST', body: JSON.stringify(credentials) });
  const { token } = await json<{ token: string }>(`${url}/api/auth/login`, {
    method: 'POST',
    body: JSON.stringify(credentials),
  });
  const project = await json<{ id: string }>(`${url}/api/projects`, { method: 'POST', token, body: '{"name":"shop"}' });
  const key = async (scopes: Array<'ingest' | 'read'>, projectId = project.id) =>
    (
      await json<{ key: string }>(`${url}/api/projects/${projectId}/keys`, {
        method: 'POST',
        token,
        body: JSON.stringify({ name: scopes.join('+'), scopes }),
      })
    ).key;
  return {
    url,
    harness,
    token,
    projectId: project.id,
    key,
    async logs(projectId = project.id) {
      const all: LogRecord[] = [];
      let cursor: string | null = null;
      do {
        const page: { logs: LogRecord[]; nextCursor: string | null } = await json(
          `${url}/api/projects/${projectId}/logs?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token },
        );
        all.push(...page.logs);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
    close: () => harness.close(),
  };
}
