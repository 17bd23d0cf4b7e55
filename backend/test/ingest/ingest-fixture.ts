import { gunzipSync } from 'node:zlib';
import type { LogRecord } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';

/** A registered user with one project and an ingest+read key on it. */
export interface Tenant {
  token: string;
  projectId: string;
  key: string;
  keyId: string;
}

/** An HTTP answer: status, headers and the parsed JSON body (or the text when not JSON). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let seq = 0;

/** Sends one request and reads its whole answer. */
export async function call(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  const res = await request(`${url}${path}`, { method, headers: options.headers, body: options.body });
  const text = await res.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: res.statusCode, headers: res.headers, body };
}

/** Registers a user, logs in, creates a project and an API key with the given scopes. */
export async function createTenant(url: string, scopes: ('ingest' | 'read')[] = ['ingest', 'read']): Promise<Tenant> {
  seq++;
  const email = `user${seq}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'correct horse battery staple';
  const json = { 'content-type': 'application/json' };
  const reg = await call(url, 'POST', '/api/auth/register', {
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}: ${JSON.stringify(reg.body)}`);
  const login = await call(url, 'POST', '/api/auth/login', {
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  const token = (login.body as { token: string }).token;
  const auth = { ...json, authorization: `Bearer ${token}` };
  const project = await call(url, 'POST', '/api/projects', { headers: auth, body: JSON.stringify({ name: 'svc' }) });
  const projectId = (project.body as { id: string }).id;
  const created = await call(url, 'POST', `/api/projects/${projectId}/keys`, {
    headers: auth,
    body: JSON.stringify({ name: 'ingest', scopes }),
  });
  if (created.status !== 201) throw new Error(`key creation answered ${created.status}`);
  const { key, id } = created.body as { key: string; id: string };
  return { token, projectId, key, keyId: id };
}

/** Creates one more project for an existing user. */
export async function createProject(url: string, token: string, name = 'other'): Promise<string> {
  const res = await call(url, 'POST', '/api/projects', {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name }),
  });
  return (res.body as { id: string }).id;
}

/** Every record stored for a project, read from its batch rows and bucket objects, oldest batch first. */
export async function storedRecords(app: FastifyInstance, projectId: string): Promise<LogRecord[]> {
  const rows = await app.sql.db
    .selectFrom('ingest_batches')
    .select(['object_key', 'records'])
    .where('project_id', '=', projectId)
    .orderBy('id')
    .execute();
  const out: LogRecord[] = [];
  for (const row of rows) {
    if (!row.object_key) continue;
    const bytes = await app.bucket.get(row.object_key);
    if (!bytes) throw new Error(`batch object ${row.object_key} is missing`);
    const lines = gunzipSync(bytes).toString('utf8').split('\n').filter(Boolean);
    if (lines.length !== Number(row.records)) throw new Error(`object ${row.object_key} holds ${lines.length} lines`);
    for (const line of lines) out.push(JSON.parse(line) as LogRecord);
  }
  return out;
}

/** How many batch rows a project has. */
export async function batchCount(app: FastifyInstance, projectId: string): Promise<number> {
  const row = await app.sql.db
    .selectFrom('ingest_batches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
