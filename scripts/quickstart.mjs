#!/usr/bin/env node
// The quick start: installs and builds when needed, then runs the whole stack on embedded defaults
// (worker, backend with SQLite and files in .cloudsage/, dashboard served by the backend), prints the
// dashboard URL and a ready-made login, and stops both processes cleanly on Ctrl-C.
//   npm run quickstart            install (pnpm 9 through npx when it is not installed), build, start
//   pnpm start                    start what is built
//   flags: --install  --port <backend port, 3001>  --worker-port <8080>  --demo (also run the simulated service)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runPnpm } from './pnpm.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: {
    install: { type: 'boolean', default: false },
    demo: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.PORT ?? '3001' },
    'worker-port': { type: 'string', default: process.env.WORKER_PORT ?? '8080' },
  },
});
const dataDir = resolve(root, process.env.CLOUDSAGE_DATA_DIR ?? '.cloudsage');
const backendUrl = `http://127.0.0.1:${flags.port}`;
const workerUrl = `http://127.0.0.1:${flags['worker-port']}`;

function say(line) {
  process.stdout.write(`[cloudsage] ${line}\n`);
}

function pnpm(args) {
  say(`pnpm ${args.join(' ')}`);
  const status = runPnpm(args);
  if (status !== 0) {
    say(`"pnpm ${args.join(' ')}" failed (exit ${status}); see the output above.`);
    process.exit(status);
  }
}

const built = ['backend/dist/server.js', 'worker/dist/server.js'].every((f) => existsSync(join(root, f)));
if (flags.install || !existsSync(join(root, 'node_modules'))) pnpm(['install']);
if (flags.install || !built) pnpm(['build']);

mkdirSync(dataDir, { recursive: true, mode: 0o700 });
function secretFile(name, make) {
  const file = join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, make(), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
const workerKey = secretFile('worker-key', () => randomBytes(24).toString('hex'));

/** Whether nothing listens on `port` yet (another CloudSage, or anything else, would answer there). */
function portFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(Number(port), '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

const children = [];
function start(name, script, env) {
  const child = spawn(process.execPath, [join(root, script)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    // Its own process group: Ctrl-C in the terminal reaches this script alone, which then stops the
    // children in order (the demo service flushes to a backend that is still up).
    detached: true,
  });
  child.name = name;
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping.`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitReady(url, name) {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not become ready at ${url}/readyz within 30 s`);
}

/** A ready-made login, created on first start and kept in the data dir (mode 0600). */
async function demoLogin() {
  const file = join(dataDir, 'demo-login.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const login = { email: 'demo@cloudsage.local', password: randomBytes(12).toString('base64url') };
  const res = await fetch(`${backendUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(login),
  });
  if (!res.ok) throw new Error(`could not create the demo login: ${res.status} ${await res.text()}`);
  writeFileSync(file, JSON.stringify(login), { mode: 0o600 });
  return login;
}

let stopping = false;
/** Stops the children one by one, the last started first: the demo service, the backend, the worker. */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  for (const c of [...children].reverse()) {
    await new Promise((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r();
      c.once('exit', r);
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
    });
  }
  say('stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
// Detached children outlive this script unless told: on any other exit, take them along.
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
});

for (const [port, what] of [
  [flags.port, '--port <n> or PORT=<n>'],
  [flags['worker-port'], '--worker-port <n> or WORKER_PORT=<n>'],
]) {
  if (!(await portFree(port))) {
    say(`port ${port} is in use (another CloudSage instance?): stop it, or choose another port with ${what}`);
    process.exit(1);
  }
}

try {
  start('worker', 'worker/dist/server.js', { WORKER_PORT: flags['worker-port'], WORKER_API_KEY: workerKey });
  await waitReady(workerUrl, 'worker');
  start('backend', 'backend/dist/server.js', {
    PORT: flags.port,
    CLOUDSAGE_DATA_DIR: dataDir,
    WORKER_URL: workerUrl,
    WORKER_API_KEY: workerKey,
    // The demo scores 15-second windows so a rising score shows within a minute or two.
    ...(flags.demo ? { CLOUDSAGE_SCORE_WINDOW_MS: process.env.CLOUDSAGE_SCORE_WINDOW_MS ?? '15000' } : {}),
  });
  await waitReady(backendUrl, 'backend');
  const login = await demoLogin();
  say(`dashboard: ${backendUrl}/`);
  say(`login:     ${login.email} / ${login.password}   (kept in ${join(dataDir, 'demo-login.json')})`);
  say(`data:      ${dataDir} (SQLite and files)`);
  if (flags.demo) {
    start('demo service', 'examples/demo-service/index.mjs', {
      CLOUDSAGE_ENDPOINT: backendUrl,
      CLOUDSAGE_DEMO_LOGIN: JSON.stringify(login),
    });
  }
  say('Ctrl-C stops everything.');
} catch (err) {
  say(String(err instanceof Error ? err.message : err));
  await stop(1);
}
