// The read API against the real backend (no msw): started in-process on a free port over a fresh
// SQLite store, with risk history inserted straight into its SQL store, then read through the client.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Forecast, RiskHistory } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { CloudSage, CloudSageError, type Feedback, type Project } from '../src/index.js';
import { json, startTestBackend, type TestBackend } from './helpers/backend.js';

// Loaded by path at run time (vitest compiles it) rather than imported statically: this package's
// typecheck must not follow into the backend's sources, which the backend's own typecheck covers.
const EXAMPLE = fileURLToPath(new URL('../../../examples/forecast-script/index.mjs', import.meta.url));
const FIXTURE = new URL('../../../backend/test/forecast/store-fixture.ts', import.meta.url).href;

let backend: TestBackend;
let token: string;
let projectId: string;
let otherProjectId: string;
let readKey: string;
const clients: CloudSage[] = [];

function client(apiKey: string): CloudSage {
  const c = new CloudSage({ endpoint: backend.url, apiKey, exitHooks: false });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  const fixture = (await import(FIXTURE)) as {
    seedRiskHistory(db: unknown, projectId: string, now: number, hours?: number): Promise<void>;
  };
  backend = await startTestBackend();
  ({ token, projectId } = backend);
  otherProjectId = (
    await json<{ id: string }>(`${backend.url}/api/projects`, { method: 'POST', token, body: '{"name":"b"}' })
  ).id;
  readKey = await backend.key(['read']);
  await fixture.seedRiskHistory(backend.harness.sql.store.db, projectId, Date.now(), 96);
});

afterAll(async () => {
  for (const c of clients) await c.shutdown({ timeoutMs: 100 });
  await backend?.close();
});

describe('read API against the real backend', () => {
  it("getForecast() with a read key and no id forecasts the key's project", async () => {
    const f = await client(readKey).getForecast();
    expectTypeOf(f).toEqualTypeOf<Forecast>();
    expect(Forecast.parse(f)).toEqual(f);
    expect(f.projectId).toBe(projectId);
    expect(f.date).toBe(new Date().toISOString().slice(0, 10));
    expect(f.generatedBy).toBe('builtin');
    expect(f.text).toContain('High Error Rate since');
    expect(f.basis.historyPoints).toBeGreaterThanOrEqual(96);
    // Cached for the day: the same forecast again.
    expect((await client(readKey).getForecast(projectId)).id).toBe(f.id);
  });

  it('getRiskHistory({ days }) answers the stored points, oldest first, within the days asked', async () => {
    const c = client(readKey);
    const all = await c.getRiskHistory({ days: 30 });
    expectTypeOf(all).toEqualTypeOf<RiskHistory>();
    expect(RiskHistory.parse(all)).toHaveLength(96);
    const times = all.map((p) => Date.parse(p.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const day = await c.getRiskHistory({ days: 1 });
    expect(day.length).toBeGreaterThanOrEqual(23);
    expect(day.length).toBeLessThanOrEqual(25);
    expect(day.every((p) => Date.parse(p.timestamp) >= Date.now() - 86_400_000)).toBe(true);
    expect(day.at(-1)).toEqual(all.at(-1));
  });

  it('sendFeedback() stores the vote against the forecast, recording the key', async () => {
    const c = client(readKey);
    const f = await c.getForecast();
    const fb = await c.sendFeedback({ forecastId: f.id, accurate: false, comment: 'recovered by noon' });
    expectTypeOf(fb).toEqualTypeOf<Feedback>();
    expect(fb).toMatchObject({ forecastId: f.id, accurate: false, comment: 'recovered by noon' });
    const row = await backend.harness.sql.store.db
      .selectFrom('forecast_feedback')
      .selectAll()
      .where('id', '=', fb.id)
      .executeTakeFirstOrThrow();
    expect(row.project_id).toBe(projectId);
    expect(row.key_id).toMatch(/\S/);
    expect(row.user_id).toBeNull();
    const unknown = await c.sendFeedback({ forecastId: 'fc_nope', accurate: true }).catch((e) => e);
    expect(unknown).toBeInstanceOf(CloudSageError);
    expect([unknown.status, unknown.serverCode]).toEqual([404, 'not_found']);
  });

  it('listProjects() lists the key’s one project, or every project of a signed-in user', async () => {
    const listed = await client(readKey).listProjects();
    expectTypeOf(listed).toEqualTypeOf<Project[]>();
    expect(listed.map((p) => p.id)).toEqual([projectId]);
    const mine = await client(token).listProjects();
    expect(mine.map((p) => p.id).sort()).toEqual([projectId, otherProjectId].sort());
  });

  it('answers not_found for a project the key does not belong to', async () => {
    const err = await client(readKey)
      .getForecast(otherProjectId)
      .catch((e) => e);
    expect(err).toBeInstanceOf(CloudSageError);
    expect([err.code, err.status]).toEqual(['not_found', 404]);
  });

  it('examples/forecast-script prints today’s forecast through the published package', async () => {
    const expected = await client(readKey).getForecast();
    // Async: the backend answering the script runs in this process.
    const { stdout } = await promisify(execFile)(process.execPath, [EXAMPLE], {
      env: { ...process.env, CLOUDSAGE_ENDPOINT: backend.url, CLOUDSAGE_API_KEY: readKey },
    });
    expect(stdout).toContain(
      `Forecast for ${projectId} on ${expected.date} (builtin, confidence ${expected.basis.confidence})`,
    );
    expect(stdout).toContain(expected.text);
    expect(stdout).toContain(`3. ${expected.actions[2]}`);
  });
});
