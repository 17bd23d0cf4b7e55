import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newKey, newProject, type Session, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';

// Each example runs as its users would run it (its own command, in its own directory) against a real
// backend, and the test reads back what it shipped.
const examples = resolve(import.meta.dirname, '../../../examples');
const run = promisify(execFile);

let t: TestApp;
let session: Session;
beforeAll(async () => {
  t = await startTestApp();
  session = await signUp(t.url);
});
afterAll(async () => {
  await t.close();
});

async function keyForNewProject(name: string): Promise<{ projectId: string; key: string }> {
  const projectId = await newProject(t.url, session, name);
  const { key } = await newKey(t.url, session, projectId, ['ingest', 'read']);
  return { projectId, key };
}

async function messages(projectId: string): Promise<string[]> {
  const r = await call(t.url, 'GET', `/api/projects/${projectId}/logs?limit=500`, { auth: { bearer: session.token } });
  expect(r.status).toBe(200);
  return (r.body.logs as Array<{ msg: string }>).map((l) => l.msg);
}

function env(key: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CLOUDSAGE_ENDPOINT: t.url, CLOUDSAGE_API_KEY: key, ...extra };
}

describe('examples against a real backend', () => {
  it('express + pino: request logs and the failing route arrive', async () => {
    const { projectId, key } = await keyForNewProject('express');
    await run(process.execPath, ['index.mjs'], {
      cwd: join(examples, 'express-pino'),
      env: env(key, { PORT: '0', EXAMPLE_REQUESTS: '20' }),
      timeout: 30_000,
    });
    const got = await messages(projectId);
    expect(got.filter((m) => m === 'request completed')).toHaveLength(18);
    expect(got.filter((m) => m === 'unhandled error')).toHaveLength(2);
    expect(got).toContain('express example listening');
  });

  it('fastify + winston: request logs and the error with its stack arrive, logger.end() waits for them', async () => {
    const { projectId, key } = await keyForNewProject('fastify');
    await run(process.execPath, ['index.mjs'], {
      cwd: join(examples, 'fastify-winston'),
      env: env(key, { PORT: '0', EXAMPLE_REQUESTS: '20' }),
      timeout: 30_000,
    });
    const got = await messages(projectId);
    expect(got.filter((m) => m === 'request completed')).toHaveLength(18);
    expect(got.filter((m) => m === 'unhandled error')).toHaveLength(2);
    expect(got.filter((m) => m === 'request failed')).toHaveLength(2);
  });

  it('OpenTelemetry NodeSDK: the job logs arrive with their service and trace ids', async () => {
    const { projectId, key } = await keyForNewProject('otel');
    await run(process.execPath, ['index.mjs'], {
      cwd: join(examples, 'otel-nodesdk'),
      env: env(key, { EXAMPLE_RUNS: '5' }),
      timeout: 30_000,
    });
    const r = await call(t.url, 'GET', `/api/projects/${projectId}/logs?limit=50`, { auth: { bearer: session.token } });
    const logs = r.body.logs as Array<{ msg: string; service?: string; level: string; traceId?: string }>;
    expect(logs.map((l) => l.msg).filter((m) => m === 'export job started')).toHaveLength(5);
    expect(logs.find((l) => l.msg.startsWith('export job failed'))).toMatchObject({
      level: 'error',
      service: 'otel-example',
    });
  });

  it('curl and plain fetch: both bodies are accepted', async () => {
    const { projectId, key } = await keyForNewProject('curl');
    const dir = join(examples, 'curl-ingest');
    const curl = await run('sh', ['ingest.sh'], { cwd: dir, env: env(key), timeout: 15_000 });
    expect(JSON.parse(curl.stdout)).toMatchObject({ accepted: 2, rejected: 0 });
    const fetched = await run(process.execPath, ['fetch.mjs'], { cwd: dir, env: env(key), timeout: 15_000 });
    expect(fetched.stdout).toMatch(/^202 /);
    const got = await messages(projectId);
    expect(got).toEqual(
      expect.arrayContaining([
        'curl example: request completed',
        'curl example: payment declined',
        'fetch example: job finished',
        'fetch example: retrying upstream',
      ]),
    );
  });

  it('forecast script: prints the forecast of a project', async () => {
    const dir = join(examples, 'forecast-script');
    if (!existsSync(join(dir, 'package.json'))) return expect.fail('examples/forecast-script is missing');
    const { projectId, key } = await keyForNewProject('forecast');
    const out = await run(process.execPath, ['index.mjs', projectId], { cwd: dir, env: env(key), timeout: 20_000 });
    expect(out.stdout.length).toBeGreaterThan(20);
  });
});
