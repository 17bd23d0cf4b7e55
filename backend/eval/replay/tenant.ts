/**
 * Makes the replay's account, project and API key through the public API, as a user would.
 */

/** The project records are replayed into, and its ingest+read key. */
export interface Tenant {
  projectId: string;
  key: string;
}

async function post(base: string, path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Registers an account, logs in, creates one project and a key with the ingest and read scopes.
 *
 * @example
 * const { projectId, key } = await createTenant('http://127.0.0.1:3001');
 */
export async function createTenant(base: string): Promise<Tenant> {
  const credentials = { email: 'replay@example.com', password: 'replay-password-0123456789' };
  await post(base, '/api/auth/register', credentials);
  const { token } = (await post(base, '/api/auth/login', credentials)) as { token: string };
  const { id: projectId } = (await post(base, '/api/projects', { name: 'replay' }, token)) as { id: string };
  const { key } = (await post(
    base,
    `/api/projects/${projectId}/keys`,
    { name: 'replay', scopes: ['ingest', 'read'] },
    token,
  )) as {
    key: string;
  };
  return { projectId, key };
}
