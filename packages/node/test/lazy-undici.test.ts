import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from './helpers/ingest-server.js';

// Runs the BUILT CommonJS entry (`pnpm --dir packages/node build` first), as pino's worker loads it.
const cjs = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  if (!existsSync(cjs)) throw new Error('build @cloudsage/node first: pnpm --dir packages/node build');
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

it('loads undici on the first request, not at import (it costs ~20 MB and a few hundred ms)', async () => {
  const script = `
    const loaded = () => Object.keys(require.cache).some((k) => /[\\\\/]undici[\\\\/]/.test(k));
    const { CloudSage } = require(${JSON.stringify(cjs)});
    const client = new CloudSage({ endpoint: process.env.URL, apiKey: 'csk_test', exitHooks: false });
    const atImport = loaded();
    client.info('first');
    client.flush().then(async (r) => {
      await client.shutdown();
      process.stdout.write(JSON.stringify({ atImport, afterSend: loaded(), sent: r.sent }));
    });
  `;
  // Not spawnSync: the ingest server answering the child runs in this process's event loop.
  const r = await promisify(execFile)(process.execPath, ['-e', script], { env: { ...process.env, URL: server.url } });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ atImport: false, afterSend: true, sent: 1 });
});
