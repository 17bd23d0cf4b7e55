import { gunzipSync } from 'node:zlib';
import type { LogRecord } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';

/** A registered user with one project and one API key on it, all made through the HTTP API. */
export interface OtlpTenant {
  token: string;
  projectId: string;
  key: string;
}

let seq = 0;

async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** Registers a user, logs in, creates a project and a key with the given scopes. */
export async function createTenant(url: string, scopes: ('ingest' | 'read')[] = ['ingest']): Promise<OtlpTenant> {
  seq++;
  const credentials = { email: `otlp${seq}-${process.pid}@example.com`, password: 'correct horse battery staple' };
  const reg = await postJson(`${url}/api/auth/register`, credentials);
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}`);
  const login = await postJson(`${url}/api/auth/login`, credentials);
  const token = (login.body as { token: string }).token;
  const project = await postJson(`${url}/api/projects`, { name: `otlp-${seq}` }, token);
  const projectId = (project.body as { id: string }).id;
  const created = await postJson(`${url}/api/projects/${projectId}/keys`, { name: 'otlp', scopes }, token);
  if (created.status !== 201) throw new Error(`key creation answered ${created.status}`);
  return { token, projectId, key: (created.body as { key: string }).key };
}

/** Creates another key on an existing project. */
export async function createKey(url: string, tenant: OtlpTenant, scopes: ('ingest' | 'read')[]): Promise<string> {
  const created = await postJson(
    `${url}/api/projects/${tenant.projectId}/keys`,
    { name: 'more', scopes },
    tenant.token,
  );
  return (created.body as { key: string }).key;
}

/** Every record stored for a project, read back from the bucket's batch objects. */
export async function storedRecords(app: FastifyInstance, projectId: string): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  const keys: string[] = [];
  for await (const key of app.bucket.list(`logs/${projectId}/`)) keys.push(key);
  for (const key of keys.sort()) {
    const body = await app.bucket.get(key);
    if (!body) continue;
    for (const line of gunzipSync(body).toString('utf8').split('\n')) {
      if (line.trim()) out.push(JSON.parse(line) as LogRecord);
    }
  }
  return out;
}

/** Counts the batch rows of a project (one a stored request). */
export async function batchCount(app: FastifyInstance, projectId: string): Promise<number> {
  const rows = await app.sql.db.selectFrom('ingest_batches').select('id').where('project_id', '=', projectId).execute();
  return rows.length;
}
