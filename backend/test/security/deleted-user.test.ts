import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';

// Issue #22: a deleted user's token still passed the auth hook, so some routes answered as that
// user and POST /api/projects hit the foreign key (500). It must answer 401 everywhere.
describe.each(SQL_DIALECTS)('a deleted account on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ dialect });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['GET', '/api/auth/me', undefined],
    ['GET', '/api/projects', undefined],
    ['POST', '/api/projects', { name: 'ghost' }],
    ['GET', '/api/projects/p_missing', undefined],
  ])('%s %s answers 401 to its bearer token and its session cookie', async (method, path, json) => {
    const gone = await signUp(t.url);
    await t.sql.store.db.deleteFrom('users').where('id', '=', gone.userId).execute();
    expectError(await call(t.url, method, path, { auth: { bearer: gone.token }, json }), 401, 'invalid_token');
    const viaCookie = await call(t.url, method, path, { auth: { session: gone }, json });
    expect(viaCookie.status).toBe(401);
  });
});
