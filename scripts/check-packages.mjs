#!/usr/bin/env node
// Checks the published packages as a user will get them (run after `pnpm build`):
//   1. publint and @arethetypeswrong/cli on each package;
//   2. `pnpm pack` tarballs hold only dist, README, LICENSE and package.json; their sizes are reported;
//   3. the tarballs install into a fresh directory outside the workspace with npm, and a CommonJS script,
//      an ESM script and TypeScript (node16 and bundler resolution) use @cloudsage/node from them and ship
//      logs to a real backend started here, which then answers them back.
// `node scripts/check-packages.mjs [--skip-install]`
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const skipInstall = process.argv.includes('--skip-install');
const failures = [];
const say = (line) => process.stdout.write(`${line}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const packages = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

const out = mkdtempSync(join(tmpdir(), 'cs-pack-'));
const tarballs = {};
say('| package | publint | attw | files | tarball |');
say('|---|---|---|---:|---:|');
for (const { dir, pkg } of packages) {
  const lint = run('pnpm', ['exec', 'publint', '--strict', dir], { cwd: root });
  const attw = run(
    'pnpm',
    ['exec', 'attw', '--pack', '.', '--format', 'ascii', ...(pkg.bin ? ['--entrypoints', '.'] : [])],
    {
      cwd: dir,
    },
  );
  const pack = run('pnpm', ['pack', '--pack-destination', out], { cwd: dir });
  const file = readdirSync(out).find((f) => f.startsWith(pkg.name.replace('@', '').replace('/', '-')));
  const tgz = file ? join(out, file) : undefined;
  const listing = tgz ? run('tar', ['-tzf', tgz]).out.trim().split('\n') : [];
  const stray = listing.filter(
    (f) => !/^package\/(dist\/.+|package\.json|README\.md|LICENSE(\.md)?|CHANGELOG\.md)$/.test(f),
  );
  const size = tgz ? `${(statSync(tgz).size / 1024).toFixed(1)} kB` : '-';
  say(`| ${pkg.name} | ${lint.ok ? 'ok' : 'FAIL'} | ${attw.ok ? 'ok' : 'FAIL'} | ${listing.length} | ${size} |`);
  if (!lint.ok) failures.push(`${pkg.name}: publint\n${lint.out}`);
  if (!attw.ok) failures.push(`${pkg.name}: attw\n${attw.out}`);
  if (!pack.ok || !tgz) failures.push(`${pkg.name}: pnpm pack failed\n${pack.out}`);
  if (stray.length > 0) failures.push(`${pkg.name}: files outside dist in the tarball: ${stray.join(', ')}`);
  if (!pkg.engines?.node || !pkg.license || !pkg.repository || pkg.sideEffects === undefined) {
    failures.push(`${pkg.name}: package.json needs engines, license, repository and sideEffects`);
  }
  if (tgz) tarballs[pkg.name] = tgz;
}

async function startBackend() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-pack-backend-'));
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, [join(root, 'backend/dist/server.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      CLOUDSAGE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      WORKER_URL: 'http://127.0.0.1:9',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const post = async (path, body, token) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const credentials = { email: 'pack@example.com', password: 'pack-check-password' };
  await post('/api/auth/register', credentials);
  const { token } = await post('/api/auth/login', credentials);
  const project = await post('/api/projects', { name: 'pack check' }, token);
  const { key } = await post(`/api/projects/${project.id}/keys`, { name: 'pack', scopes: ['ingest', 'read'] }, token);
  return {
    url,
    key,
    async messages() {
      const res = await fetch(`${url}/api/projects/${project.id}/logs?limit=100`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const page = await res.json();
      return (page.records ?? page.logs ?? page.items ?? []).map((r) => r.msg);
    },
    stop() {
      child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (!skipInstall && tarballs['@cloudsage/node'] && tarballs['@cloudsage/schema']) {
  const app = mkdtempSync(join(tmpdir(), 'cs-pack-app-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-check-app', private: true }));
  const install = run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      tarballs['@cloudsage/schema'],
      tarballs['@cloudsage/node'],
      '@types/node@20',
    ],
    { cwd: app },
  );
  if (!install.ok) failures.push(`npm install of the tarballs failed\n${install.out}`);
  const ship = (kind) => `
    const client = new CloudSage({ endpoint: process.env.CS_URL, apiKey: process.env.CS_KEY, exitHooks: false });
    client.info('hello from ${kind}');
    client.flush().then((r) => { if (r.sent !== 1) { console.error(JSON.stringify(r)); process.exit(1); } return client.shutdown(); });`;
  writeFileSync(join(app, 'cjs.cjs'), `const { CloudSage } = require('@cloudsage/node');${ship('cjs')}`);
  writeFileSync(join(app, 'esm.mjs'), `import { CloudSage } from '@cloudsage/node';${ship('esm')}`);
  writeFileSync(
    join(app, 'typed.ts'),
    `import { CloudSage, type CloudSageOptions, type FlushResult } from '@cloudsage/node';
import { Forecast, type LogRecord } from '@cloudsage/schema';
const options: CloudSageOptions = { endpoint: 'http://127.0.0.1:1', apiKey: 'csk_x', exitHooks: false };
const client = new CloudSage(options);
const result: Promise<FlushResult> = client.flush();
const record: LogRecord = { time: new Date().toISOString(), level: 'info', msg: 'typed' };
export { Forecast, record, result };
`,
  );
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const [module, resolution] of [
    ['node16', 'node16'],
    ['esnext', 'bundler'],
  ]) {
    const r = run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        module,
        '--moduleResolution',
        resolution,
        '--types',
        'node',
        'typed.ts',
      ],
      { cwd: app },
    );
    say(`TypeScript ${resolution} resolution: ${r.ok ? 'ok' : 'FAIL'}`);
    if (!r.ok) failures.push(`tsc --moduleResolution ${resolution}\n${r.out}`);
  }
  const backend = await startBackend();
  try {
    for (const file of ['cjs.cjs', 'esm.mjs']) {
      const r = run(process.execPath, [file], {
        cwd: app,
        env: { ...process.env, CS_URL: backend.url, CS_KEY: backend.key },
      });
      if (!r.ok) failures.push(`${file} could not ship\n${r.out}`);
    }
    const messages = await backend.messages();
    const arrived = ['hello from cjs', 'hello from esm'].every((m) => messages.includes(m));
    say(`installed tarballs ship to a real backend (CJS and ESM): ${arrived ? 'ok' : 'FAIL'}`);
    if (!arrived) failures.push(`records not found in the backend: ${JSON.stringify(messages)}`);
  } finally {
    backend.stop();
    rmSync(app, { recursive: true, force: true });
  }
}
rmSync(out, { recursive: true, force: true });

// Changesets: the pending release bumps exactly the published packages, together (one `fixed`
// group), and no private workspace package (services, examples, benches).
{
  const statusFile = join(tmpdir(), `cs-changeset-status-${process.pid}.json`);
  const status = run('pnpm', ['exec', 'changeset', 'status', `--output=${statusFile}`], { cwd: root });
  const all = status.ok ? JSON.parse(readFileSync(statusFile, 'utf8')).releases : [];
  const releases = all.filter((r) => r.type !== 'none');
  rmSync(statusFile, { force: true });
  const names = releases.map((r) => r.name).sort();
  const versions = new Set(releases.map((r) => r.newVersion));
  const published = packages.map(({ pkg }) => pkg.name).sort();
  const ok = status.ok && JSON.stringify(names) === JSON.stringify(published) && versions.size === 1;
  say(
    `changesets release ${published.length} packages together at ${[...versions].join(', ') || '-'}: ${ok ? 'ok' : 'FAIL'}`,
  );
  if (!ok)
    failures.push(
      `changeset status: expected ${published.join(', ')} at one version, got ${JSON.stringify(releases)}\n${status.out}`,
    );
}

if (failures.length > 0) {
  process.stderr.write(`\n${failures.join('\n\n')}\n`);
  process.exit(1);
}
say('\nall package checks passed');
