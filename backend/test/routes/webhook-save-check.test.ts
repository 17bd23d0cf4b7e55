import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { call, newProject, signUp } from './support/client.js';

// Issue #22: the save-time check sees what the URL parser makes of the host, so the IPv4-mapped
// spelling of loopback or metadata is refused like the plain one.
describe('PUT /api/projects/:id alert.url', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    'http://[::ffff:127.0.0.1]:8080/hook',
    'http://[::ffff:169.254.169.254]/latest',
    'http://[0:0:0:0:0:ffff:127.0.0.1]/hook',
    'http://[64:ff9b::7f00:1]/hook',
    'http://2130706433/hook',
    'http://0x7f.1/hook',
    'http://localhost:9/hook',
  ])('refuses %s with 400', async (target) => {
    const owner = await signUp(t.url);
    const id = await newProject(t.url, owner);
    const r = await call(t.url, 'PUT', `/api/projects/${id}`, {
      auth: { bearer: owner.token },
      json: { alert: { url: target, threshold: 50 } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual({ field: 'alert.url' });
  });
});
