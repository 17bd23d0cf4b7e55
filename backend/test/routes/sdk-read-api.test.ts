import { CloudSage, CloudSageError } from '@cloudsage/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { newKey, newProject, type Session, signUp } from './support/client.js';

// The published client against these routes: the read API's contract (docs/architecture.md, "Keys in the
// read API") checked end to end. The SQL dialect does not change these answers; SQLite only.
describe('@cloudsage/node read API against the account, project and history routes', () => {
  let t: TestApp;
  let owner: Session;
  let projectId: string;
  const clients: CloudSage[] = [];

  function client(options: { apiKey: string; projectId?: string }): CloudSage {
    const c = new CloudSage({ endpoint: t.url, exitHooks: false, retry: false, ...options });
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    t = await startTestApp();
    owner = await signUp(t.url);
    projectId = await newProject(t.url, owner, 'sdk');
    await t.sql.store.db
      .insertInto('risk_history')
      .values({
        id: 'r_sdk_1',
        project_id: projectId,
        window_start: Date.now() - 400 * 86_400_000,
        timestamp: Date.now() - 400 * 86_400_000,
        score: 12,
        labels: '[]',
        signals: '{}',
        explanations: '[]',
        created_at: Date.now(),
      })
      .execute();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.shutdown({ timeoutMs: 1000 })));
    await t?.close();
  });

  it('lists the read key its one project, and reads its history by the key alone', async () => {
    const { key } = await newKey(t.url, owner, projectId, ['read']);
    const c = client({ apiKey: key });
    const projects = await c.listProjects();
    expect(projects.map((p) => [p.id, p.name])).toEqual([[projectId, 'sdk']]);
    expect(await c.getRiskHistory({ days: 30 })).toEqual([]);
    // The client allows up to 3650 days; so does the route.
    const old = await c.getRiskHistory({ days: 3650 });
    expect(old.map((p) => p.id)).toEqual(['r_sdk_1']);
  });

  it('surfaces the server error codes: 403 for an ingest-only key, 401 for a revoked one', async () => {
    const ingest = await newKey(t.url, owner, projectId, ['ingest']);
    const err = await client({ apiKey: ingest.key, projectId })
      .getRiskHistory()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudSageError);
    expect(err).toMatchObject({ status: 403, serverCode: 'insufficient_scope' });

    const revoked = await newKey(t.url, owner, projectId, ['read']);
    await fetch(`${t.url}/api/projects/${projectId}/keys/${revoked.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${owner.token}` },
    });
    const gone = await client({ apiKey: revoked.key })
      .listProjects()
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ status: 401, serverCode: 'invalid_key' });
  });
});
