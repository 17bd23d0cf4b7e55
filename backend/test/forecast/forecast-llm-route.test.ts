import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Forecast } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type ManualClock, manualClock, newProject, type Session, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { seedRiskHistory } from './store-fixture.js';

/** With CLOUDSAGE_LLM_URL set the app forecasts through the LLM, and falls back when it fails. */
describe('GET /api/forecast with an LLM configured', () => {
  let llm: Server;
  let t: TestApp;
  let owner: Session;
  let projectId: string;
  let status = 200;
  let clock: ManualClock;
  const seen: { auth: string | undefined; model: string }[] = [];

  beforeAll(async () => {
    llm = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, model: JSON.parse(body).model });
        const content = JSON.stringify({
          text: 'Risk is around 60 after the database timeouts that began at midnight; expect it to stay high for the next day.',
          actions: [
            'Fix `db timeout after <NUM>ms on query <*>` in checkout-api: 480 lines in 24 h.',
            'Check the pool size of checkout-api on POST /api/orders (25 matching lines).',
            'Alert at 55 so a second incident pages within the hour.',
          ],
          confidence: 'low',
        });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ finish_reason: 'stop', message: { role: 'assistant', content } }] }));
      });
    });
    await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
    clock = manualClock(Date.parse('2026-11-25T12:30:00.000Z'));
    t = await startTestApp({
      now: clock.now,
      env: {
        CLOUDSAGE_LLM_URL: `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`,
        CLOUDSAGE_LLM_MODEL: 'local-model',
        CLOUDSAGE_LLM_API_KEY: 'sk-local',
      },
    });
    owner = await signUp(t.url);
    projectId = await newProject(t.url, owner, 'llm');
    await seedRiskHistory(t.sql.store.db, projectId, clock.now());
  });

  afterAll(async () => {
    await t?.close();
    llm?.closeAllConnections();
    await new Promise((r) => llm?.close(r));
  });

  it('answers the LLM’s wording with generatedBy llm, and builtin-fallback when the LLM errors', async () => {
    const first = await call(t.url, 'GET', `/api/forecast/${projectId}`, { auth: { bearer: owner.token } });
    const f = Forecast.parse(first.body);
    expect(f.generatedBy).toBe('llm');
    expect(f.text).toContain('database timeouts');
    expect(f.basis.confidence).toBe('low');
    expect(seen.at(-1)).toEqual({ auth: 'Bearer sk-local', model: 'local-model' });

    status = 503;
    clock.advance(60_000);
    const second = await call(t.url, 'GET', `/api/forecast/${projectId}?refresh=1`, { auth: { bearer: owner.token } });
    const g = Forecast.parse(second.body);
    expect(g.generatedBy).toBe('builtin-fallback');
    expect(g.basis.notes).toContain('LLM forecast failed (status); built-in forecast used');
    expect(g.actions[0]).toContain('db timeout after <NUM>ms on query <*>');
    const rows = await t.sql.store.db.selectFrom('forecasts').select('generated_by').orderBy('created_at').execute();
    expect(rows.map((r) => r.generated_by)).toEqual(['llm', 'builtin-fallback']);
  });
});
