import { afterEach, describe, expect, it } from 'vitest';
import { CloudSage, CloudSageError } from '../src/index.js';
import { forecastBody, project, riskPoint } from './helpers/fixtures.js';
import { startServer } from './helpers/ingest-server.js';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
let client: CloudSage | undefined;

afterEach(async () => {
  await client?.shutdown({ timeoutMs: 100 });
  client = undefined;
  await server?.close();
});

function routes(req: { method: string; url: string; text: string }) {
  if (req.url === '/api/auth/me')
    return { status: 200, body: { key: { projectId: 'p_key', scopes: ['read', 'ingest'] } } };
  if (req.url === '/api/forecast/p_key') return { status: 200, body: forecastBody };
  if (req.url === '/api/forecast/p_missing')
    return { status: 404, body: { error: { code: 'not_found', message: 'no such project' } } };
  if (req.url === '/api/forecast/p_bad') return { status: 200, body: { ...forecastBody, actions: ['only one'] } };
  if (req.url.startsWith('/api/risk-history/p_key')) return { status: 200, body: [riskPoint] };
  if (req.url === '/api/projects') return { status: 200, body: [project] };
  if (req.url === '/api/forecast/p_key/feedback') {
    return { status: 201, body: { ...JSON.parse(req.text), id: 'fb_1', createdAt: '2026-01-01T00:00:00.000Z' } };
  }
  return { status: 404, body: { error: { code: 'not_found', message: 'route' } } };
}

async function setup(extra: Record<string, unknown> = {}) {
  server = await startServer(routes);
  client = new CloudSage({ endpoint: server.url, apiKey: 'csk_read', exitHooks: false, ...extra });
  return client;
}

describe('read API', () => {
  it("getForecast() without an id asks /api/auth/me once and uses the key's project", async () => {
    const c = await setup();
    const f = await c.getForecast();
    await c.getForecast();
    expect(f.id).toBe('f_1');
    expect(f.actions).toHaveLength(3);
    expect(server.requests.map((r) => r.url)).toEqual(['/api/auth/me', '/api/forecast/p_key', '/api/forecast/p_key']);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer csk_read');
  });

  it('uses projectId from the options without asking /me', async () => {
    const c = await setup({ projectId: 'p_key' });
    await c.getForecast();
    expect(server.requests.map((r) => r.url)).toEqual(['/api/forecast/p_key']);
  });

  it('rejects with CloudSageError carrying status, code and the server code', async () => {
    const c = await setup();
    const err = (await c.getForecast('p_missing').catch((e) => e)) as CloudSageError;
    expect(err).toBeInstanceOf(CloudSageError);
    expect([err.code, err.status, err.serverCode, err.message]).toEqual([
      'not_found',
      404,
      'not_found',
      'no such project',
    ]);
  });

  it('rejects with invalid_response when the body does not match the schema', async () => {
    const c = await setup();
    await expect(c.getForecast('p_bad')).rejects.toMatchObject({ code: 'invalid_response', status: 200 });
  });

  it('getRiskHistory passes days; listProjects and sendFeedback validate in and out', async () => {
    const c = await setup({ projectId: 'p_key' });
    expect(await c.getRiskHistory({ days: 7 })).toEqual([riskPoint]);
    expect(server.requests.at(-1)!.url).toBe('/api/risk-history/p_key?days=7');
    expect(await c.listProjects()).toEqual([project]);
    const fb = await c.sendFeedback({ forecastId: 'f_1', accurate: false, comment: 'quiet day' });
    expect(fb).toMatchObject({ id: 'fb_1', forecastId: 'f_1', accurate: false });
    expect(JSON.parse(server.requests.at(-1)!.text)).toEqual({
      forecastId: 'f_1',
      accurate: false,
      comment: 'quiet day',
    });
    await expect(c.sendFeedback({ forecastId: '', accurate: true })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(c.getRiskHistory({ days: 0 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('answers no_project for a user credential without a project, and closed after shutdown', async () => {
    server = await startServer(() => ({
      status: 200,
      body: { user: { id: 'u', email: 'a@b.co', createdAt: '2026-01-01T00:00:00.000Z' } },
    }));
    const c = new CloudSage({ endpoint: server.url, apiKey: 'jwt', exitHooks: false });
    await expect(c.getForecast()).rejects.toMatchObject({ code: 'no_project' });
    await c.shutdown();
    await expect(c.listProjects()).rejects.toMatchObject({ code: 'closed' });
  });

  it('answers network_error when nothing listens, and no_endpoint with only a transport', async () => {
    server = await startServer();
    const url = server.url;
    await server.close();
    client = new CloudSage({ endpoint: url, apiKey: 'k', exitHooks: false });
    await expect(client.listProjects()).rejects.toMatchObject({ code: 'network_error' });
    const sinkOnly = new CloudSage({
      transport: { send: async () => ({ kind: 'sent', status: 202 }) },
      exitHooks: false,
    });
    await expect(sinkOnly.getForecast('p')).rejects.toMatchObject({ code: 'no_endpoint' });
    server = await startServer();
  });
});
